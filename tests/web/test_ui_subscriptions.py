"""Subscriptions in the admin UI: the client card's list and order form, the subscription page
with its status changes and history, the plan change previewed (seed 001's «150 / 181»)
and then applied, and cancellation."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from core.db.tables import LedgerEntry, ScheduledChange, Subscription, SubscriptionEvent
from core.domain.ledger import EntryKind
from core.domain.money import Money
from core.domain.plan_change import ChangeKind, ChangePolicy
from core.domain.subscriptions import Status
from core.services import catalog_options, catalog_prices, ledger, subscriptions
from web.i18n import EN, RU

from tests.web.billing_pages import access_product, customer, on_day, seed_001, signed_in, staff

NBSP = "\u00a0"


async def count(table, tenant) -> int:
    return await table.count().where(table.tenant == tenant.id)


async def balance(tenant, client_id) -> Money:
    accounts = await ledger.accounts_of(tenant.actor, client_id)
    return accounts[0].balance if accounts else Money.of("0")


def select_options(html: str, name: str) -> list[str]:
    block = re.search(rf'<select id="f-{name}" name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', block)


def test_statuses_entry_kinds_and_change_kinds_have_labels_in_both_languages():
    for prefix, values in (("sub_status.", Status), ("entry_kind.", EntryKind), ("change_kind.", ChangeKind),
                           ("policy.", ChangePolicy)):
        for value in values:
            assert f"{prefix}{value.value}" in RU and f"{prefix}{value.value}" in EN, f"{prefix}{value.value}"
    assert RU["sub_status.graced"] == "Просрочена оплата" and RU["sub_status.ordered"] == "Новый заказ"
    assert RU["sub_status.stopping_failed"] == "Остановка не может быть завершена"


async def test_the_client_card_lists_subscriptions_and_the_balance(client, make_tenant):
    tenant = await make_tenant()
    product, customer_, sub = await seed_001(tenant)
    await signed_in(client, tenant)
    try:
        card = (await client.get(f"/clients/{customer_.id}")).text
        section = card[card.index('id="subscriptions"'):]
        for text in ("Подписки", "Доступ на пользователя «Стандарт»", "5 шт", "Раз в полгода",
                     "01.02.2019 – 31.07.2019", "Активная", 'id="order-subscription"', "Оформить подписку"):
            assert text in section, text
        assert "Лицевой счёт" in card and 'id="open-account"' in card
        english = (await client.get(f"/clients/{customer_.id}?lang=en")).text
        assert "Semi-annually" in english and "Active" in english and "Order a subscription" in english
        page = (await client.get(f"/subscriptions/{sub.id}?lang=ru")).text
        for text in ("Активная", "01.02.2019 – 31.07.2019", "оплачен счёт 71475", "Новый заказ → Активная",
                     tenant.owner.email, "Изменить тариф", "Отменить подписку"):
            assert text in page, text
    finally:
        client.cookies.clear()


async def test_a_subscription_is_ordered_and_activated_through_the_forms(client, make_tenant):
    tenant = await make_tenant()
    product = await access_product(tenant, cycle="monthly", price="1000")
    option = await catalog_options.create(tenant.actor, product.id, code="users", name="Пользователи",
                                          max_quantity=10)
    await catalog_prices.add_option_price(tenant.actor, option.id, cycle="monthly", unit_price="100",
                                          effective_from=date(2018, 1, 1))
    buyer = await customer(tenant)
    await on_day(tenant, date(2026, 3, 1))
    csrf = await signed_in(client, tenant)
    try:
        form = (await client.get(f"/clients/{buyer.id}/subscriptions/new?product_id={product.id}")).text
        assert select_options(form, "cycle") == ["monthly"]  # only the priced cycles
        assert 'name="options.users"' in form and "Ежемесячно" in form
        order = {"_csrf": csrf, "product_id": str(product.id), "cycle": "monthly", "quantity": "2",
                 "options.users": "3", "billing_day": "1", "start_date": ""}
        bad = await client.post(f"/clients/{buyer.id}/subscriptions", data=order | {"quantity": "1,0005"})
        assert bad.status_code == 422
        assert 'id="quantity-error"' in bad.text and "не больше 3 знаков после запятой" in bad.text
        promo = await client.post(f"/clients/{buyer.id}/subscriptions", data=order | {"promo_code": "NOPE"})
        assert promo.status_code == 422
        assert 'id="promo_code-error"' in promo.text and "нет такого промокода" in promo.text
        too_many = await client.post(f"/clients/{buyer.id}/subscriptions", data=order | {"options.users": "11"})
        assert too_many.status_code == 422 and 'id="options.users-error"' in too_many.text
        assert await count(Subscription, tenant) == 0
        created = await client.post(f"/clients/{buyer.id}/subscriptions", data=order, follow_redirects=False)
        assert created.status_code == 303, created.text
        sub_id = int(created.headers["location"].split("?")[0].rsplit("/", 1)[1])
        saved = await subscriptions.get(tenant.actor, sub_id)
        assert (saved.quantity, saved.status, list(saved.options.values())) == (Decimal("2.000"), "ordered", [3])
        again = await client.post(f"/clients/{buyer.id}/subscriptions", data=order)
        assert again.status_code == 422 and "у клиента уже есть подписка на этот продукт" in again.text

        page = (await client.get(created.headers["location"])).text
        assert "Подписка оформлена." in page and "Новый заказ" in page
        offered = select_options(page, "status")
        assert offered == ["installing", "activating", "active", "delivered", "waiting_for_manual_approve"]
        refused = await client.post(f"/subscriptions/{sub_id}/status", data={"_csrf": csrf, "status": "stopped",
                                                                             "reason": "тест"})
        assert refused.status_code == 422 and "такой переход статуса невозможен" in refused.text
        assert (await subscriptions.get(tenant.actor, sub_id)).status == "ordered"
        activated = await client.post(f"/subscriptions/{sub_id}/status", data={
            "_csrf": csrf, "status": "active", "reason": "оплачен счёт 71475"}, follow_redirects=False)
        assert activated.status_code == 303
        saved = await subscriptions.get(tenant.actor, sub_id)
        assert saved.status == "active" and saved.period.start == date(2026, 3, 1)
        history = (await client.get(f"/subscriptions/{sub_id}")).text
        assert "Новый заказ → Активная" in history and "оплачен счёт 71475" in history
        assert "01.03.2026 – 31.03.2026" in history
        bad_date = await client.post(f"/subscriptions/{sub_id}/suspend-override", data={"_csrf": csrf,
                                                                                      "until": "15.04.2026"})
        assert bad_date.status_code == 422 and 'id="until-error"' in bad_date.text
        kept = await client.post(f"/subscriptions/{sub_id}/suspend-override", data={
            "_csrf": csrf, "until": "2026-04-15", "reason": "обещали оплатить"}, follow_redirects=False)
        assert kept.status_code == 303
        assert (await subscriptions.get(tenant.actor, sub_id)).suspend_override_until == date(2026, 4, 15)
        page = (await client.get(f"/subscriptions/{sub_id}")).text
        assert "Не приостанавливать до" in page and "15.04.2026" in page and "обещали оплатить" in page
    finally:
        client.cookies.clear()


async def test_the_plan_change_preview_shows_seed_001s_line_and_then_applies(client, make_tenant):
    tenant = await make_tenant()
    product, buyer, sub = await seed_001(tenant)
    csrf = await signed_in(client, tenant)
    try:
        change = {"_csrf": csrf, "product_id": str(product.id), "quantity": "6", "cycle": "semiannual",
                  "policy": "at_once"}
        preview = await client.post(f"/subscriptions/{sub.id}/change/preview", data=change)
        assert preview.status_code == 200, preview.text
        table = preview.text[preview.text.index('id="preview-table"'):]
        line = re.search(r'<tr class="preview-line charge">.*?</tr>', table, re.S).group(0)
        assert "Доступ на пользователя «Стандарт»" in line and "04.03.2019 – 31.07.2019" in line
        assert ">150 / 181<" in line and f"4{NBSP}800,00" in line and 'data-amount="3977.90"' in line
        assert f"3{NBSP}977,90" in line
        assert "Апгрейд" in preview.text and 'id="preview-total"' in preview.text
        assert await count(LedgerEntry, tenant) == 2  # the paid period only: a preview changes nothing

        stale = await client.post(f"/subscriptions/{sub.id}/change", data=change | {"expected_total": "1.00"})
        assert stale.status_code == 409 and "Расчёт изменился" in stale.text
        assert await count(LedgerEntry, tenant) == 2
        applied = await client.post(f"/subscriptions/{sub.id}/change", data=change | {"expected_total": "3977.90"},
                                    follow_redirects=False)
        assert applied.status_code == 303
        assert (await subscriptions.get(tenant.actor, sub.id)).quantity == Decimal("6.000")
        assert await balance(tenant, buyer.id) == Money.of("-3977.90")
        page = (await client.get(applied.headers["location"])).text
        assert "Тариф изменён" in page and "Апгрейд" in page
        card = (await client.get(f"/clients/{buyer.id}")).text
        assert 'data-amount="-3977.90"' in card and f"-3{NBSP}977,90" in card
        back = {**change, "quantity": "5"}
        english = await client.post(f"/subscriptions/{sub.id}/change/preview?lang=en", data=back)
        assert "-3,977.90" in english.text and "Downgrade" in english.text and "150 / 181" in english.text
    finally:
        client.cookies.clear()


async def test_a_change_from_the_next_period_is_scheduled_and_posts_nothing(client, make_tenant):
    tenant = await make_tenant()
    product, buyer, sub = await seed_001(tenant)
    csrf = await signed_in(client, tenant)
    try:
        change = {"_csrf": csrf, "product_id": str(product.id), "quantity": "8", "policy": "next_period"}
        preview = await client.post(f"/subscriptions/{sub.id}/change/preview", data=change)
        assert preview.status_code == 200 and "Сейчас ничего не списывается" in preview.text
        assert "01.08.2019" in preview.text
        applied = await client.post(f"/subscriptions/{sub.id}/change", data=change | {"expected_total": "0.00"},
                                    follow_redirects=False)
        assert applied.status_code == 303
        assert await count(LedgerEntry, tenant) == 2 and await count(ScheduledChange, tenant) == 1
        page = (await client.get(applied.headers["location"])).text
        assert "Запланированные изменения" in page and "С 01.08.2019" in page
        bad = await client.post(f"/subscriptions/{sub.id}/change/preview", data=change | {"quantity": "0"})
        assert bad.status_code == 422 and 'id="quantity-error"' in bad.text and "больше нуля" in bad.text
    finally:
        client.cookies.clear()


async def test_cancelling_needs_a_reason_and_at_once_credits_the_rest_of_the_period(client, make_tenant):
    tenant = await make_tenant()
    product, buyer, sub = await seed_001(tenant)
    csrf = await signed_in(client, tenant)
    try:
        events = await count(SubscriptionEvent, tenant)
        no_reason = await client.post(f"/subscriptions/{sub.id}/cancel", data={"_csrf": csrf, "when": "at_once",
                                                                               "reason": " "})
        assert no_reason.status_code == 422 and "укажите причину отмены" in no_reason.text
        assert await count(SubscriptionEvent, tenant) == events
        cancelled = await client.post(f"/subscriptions/{sub.id}/cancel", data={
            "_csrf": csrf, "when": "at_once", "reason": "клиент уходит"}, follow_redirects=False)
        assert cancelled.status_code == 303
        assert (await subscriptions.get(tenant.actor, sub.id)).status == "cancelled"
        assert (await balance(tenant, buyer.id)).amount > 0  # 5 users × 4800 × 150/181 back to the balance
        page = (await client.get(f"/subscriptions/{sub.id}")).text
        assert "Отменена" in page and "клиент уходит" in page and 'id="cancel-form"' not in page
        assert 'id="change-form"' not in page
    finally:
        client.cookies.clear()


async def test_a_not_active_subscription_offers_no_plan_change(client, make_tenant):
    tenant = await make_tenant()
    product = await access_product(tenant)
    buyer = await customer(tenant)
    sub = await subscriptions.create(tenant.actor, client_id=buyer.id, product_id=product.id, cycle="semiannual")
    csrf = await signed_in(client, tenant)
    try:
        page = (await client.get(f"/subscriptions/{sub.id}")).text
        assert 'id="change-form"' not in page and 'id="status-form"' in page
        refused = await client.post(f"/subscriptions/{sub.id}/change/preview", data={"_csrf": csrf, "quantity": "2"})
        assert refused.status_code == 422 and "изменить можно только активную подписку" in refused.text
        period_end = await client.post(f"/subscriptions/{sub.id}/cancel", data={
            "_csrf": csrf, "when": "period_end", "reason": "передумали"})
        assert period_end.status_code == 422 and "её можно отменить только сразу" in period_end.text
    finally:
        client.cookies.clear()


async def test_a_viewer_sees_no_subscription_forms_and_cannot_post_them(client, make_tenant):
    tenant = await make_tenant()
    product, buyer, sub = await seed_001(tenant)
    viewer = await staff(tenant, "viewer")
    csrf = await signed_in(client, tenant, viewer.email)
    try:
        page = (await client.get(f"/subscriptions/{sub.id}")).text
        for form in ('id="status-form"', 'id="change-form"', 'id="cancel-form"', 'id="suspend-form"'):
            assert form not in page, form
        assert 'id="order-subscription"' not in (await client.get(f"/clients/{buyer.id}")).text
        assert (await client.get(f"/clients/{buyer.id}/subscriptions/new")).status_code == 403
        change = {"product_id": str(product.id), "quantity": "6", "policy": "at_once", "expected_total": "3977.90"}
        for path, data in ((f"/clients/{buyer.id}/subscriptions", {"product_id": str(product.id), "cycle": "monthly"}),
                           (f"/subscriptions/{sub.id}/status", {"status": "stopped"}),
                           (f"/subscriptions/{sub.id}/change/preview", change),
                           (f"/subscriptions/{sub.id}/change", change),
                           (f"/subscriptions/{sub.id}/suspend-override", {"until": "2019-04-01"}),
                           (f"/subscriptions/{sub.id}/cancel", {"when": "at_once", "reason": "x"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 403, path
        saved = await subscriptions.get(tenant.actor, sub.id)
        assert (saved.status, saved.quantity) == ("active", Decimal("5.000"))
        assert await count(LedgerEntry, tenant) == 2  # the first period charged and paid
    finally:
        client.cookies.clear()


async def test_another_tenants_subscriptions_are_not_found(client, make_tenant):
    victim, intruder = await make_tenant(), await make_tenant()
    product, buyer, sub = await seed_001(victim)
    own_product = await access_product(intruder)
    csrf = await signed_in(client, intruder)
    try:
        for path in (f"/subscriptions/{sub.id}", f"/clients/{buyer.id}/subscriptions/new",
                     f"/clients/{buyer.id}/subscriptions/new?product_id={own_product.id}"):
            assert (await client.get(path)).status_code == 404, path
        change = {"product_id": str(product.id), "quantity": "6", "policy": "at_once", "expected_total": "3977.90"}
        for path, data in ((f"/clients/{buyer.id}/subscriptions", {"product_id": str(own_product.id),
                                                                   "cycle": "semiannual"}),
                           (f"/subscriptions/{sub.id}/status", {"status": "stopped"}),
                           (f"/subscriptions/{sub.id}/change/preview", change),
                           (f"/subscriptions/{sub.id}/change", change),
                           (f"/subscriptions/{sub.id}/suspend-override", {"until": "2019-04-01"}),
                           (f"/subscriptions/{sub.id}/cancel", {"when": "at_once", "reason": "x"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 404, path
        saved = await subscriptions.get(victim.actor, sub.id)
        assert (saved.status, saved.quantity) == ("active", Decimal("5.000"))
        assert await count(Subscription, intruder) == 0
    finally:
        client.cookies.clear()

"""Current accounts in the admin UI: the balance on the client card, the account page with its
entries, a statement for a period, and adjustments ▲/▼ confirmed on a date (seed 003)."""

from __future__ import annotations

import re
from datetime import date

from core.db.tables import Account, Adjustment, LedgerEntry
from core.domain.money import Money
from core.services import ledger, subscriptions

from tests.web.billing_pages import customer, on_day, seed_001, signed_in, staff

NBSP = "\u00a0"


async def count(table, tenant) -> int:
    return await table.count().where(table.tenant == tenant.id)


async def charged_account(tenant, plugin_registry):
    """Seed 001 with the fifth user added on 4 March 2019: an account with a 3977.90 charge."""
    product, buyer, sub = await seed_001(tenant)
    await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, quantity="6")
    [account] = await ledger.accounts_of(tenant.actor, buyer.id)
    return buyer, account


async def test_the_account_page_shows_entries_and_a_statement(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, account = await charged_account(tenant, plugin_registry)
    await signed_in(client, tenant)
    try:
        card = (await client.get(f"/clients/{buyer.id}")).text
        assert f'href="/accounts/{account.id}"' in card and f"-3{NBSP}977,90 RUB" in card
        page = (await client.get(f"/accounts/{account.id}")).text
        entries = page[page.index('id="entries-table"'):page.index('id="statement"')]
        assert "Списание" in entries and "Услуги" in entries and "04.03.2019" in entries and "150/181" in entries
        assert 'data-amount="-3977.90"' in entries
        statement = (await client.get(f"/accounts/{account.id}?start=2019-03-01&end=2019-03-31")).text
        assert re.search(r'id="statement-opening"><span class="amount" data-amount="0.00">0,00 RUB', statement)
        assert re.search(r'id="statement-debits"><span class="amount" data-amount="3977.90">', statement)
        assert 'id="statement-closing"><strong><span class="amount negative" data-amount="-3977.90">' in statement
        before = (await client.get(f"/accounts/{account.id}?start=2019-01-01&end=2019-01-31")).text
        assert "За период операций не было." in before
        wrong = await client.get(f"/accounts/{account.id}?start=2019-03-31&end=2019-03-01")
        assert wrong.status_code == 422 and 'id="end-error"' in wrong.text and "раньше начала периода" in wrong.text
        english = (await client.get(f"/accounts/{account.id}?lang=en")).text
        assert "Debit" in english and "Services" in english and "-3,977.90" in english
    finally:
        client.cookies.clear()


async def test_adjustments_are_entered_confirmed_on_a_date_and_cancelled(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, account = await charged_account(tenant, plugin_registry)
    csrf = await signed_in(client, tenant)
    try:
        base = f"/accounts/{account.id}"
        up = await client.post(f"{base}/adjustments", data={"_csrf": csrf, "direction": "up", "amount": "500,00",
                                                            "reason": "компенсация простоя"}, follow_redirects=False)
        assert up.status_code == 303
        down = await client.post(f"{base}/adjustments", data={"_csrf": csrf, "direction": "down", "amount": "100",
                                                              "reason": "услуга вне тарифа"}, follow_redirects=False)
        assert down.status_code == 303
        page = (await client.get(base)).text
        assert "▲ 500,00" in page and "▼ -100,00" in page and page.count("Ожидает подтверждения") == 2
        assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("-3977.90")  # nothing yet
        first, second = sorted(await ledger.adjustments_of(tenant.actor, account.id), key=lambda a: a.id)
        await on_day(tenant, date(2019, 3, 6))
        confirmed = await client.post(f"/adjustments/{first.id}/confirm", data={"_csrf": csrf},
                                      follow_redirects=False)
        assert confirmed.status_code == 303 and confirmed.headers["location"].startswith(base)
        cancelled = await client.post(f"/adjustments/{second.id}/cancel", data={"_csrf": csrf},
                                      follow_redirects=False)
        assert cancelled.status_code == 303
        assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("-3477.90")
        page = (await client.get(base)).text
        row = re.search(rf'<tr class="adjustment adjustment-confirmed" id="adjustment-{first.id}">.*?</tr>', page,
                        re.S).group(0)
        assert "06.03.2019" in row and "Подтверждена" in row and "▲ 500,00" in row
        assert f'id="adjustment-{second.id}"' in page and "Отменена" in page
        assert "Корректировка ▲" in page  # the posted entry, by its kind
        again = await client.post(f"/adjustments/{first.id}/confirm", data={"_csrf": csrf})
        assert again.status_code == 409
    finally:
        client.cookies.clear()


async def test_a_bad_adjustment_is_shown_at_its_field_and_enters_nothing(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, account = await charged_account(tenant, plugin_registry)
    csrf = await signed_in(client, tenant)
    try:
        base = f"/accounts/{account.id}/adjustments"
        good = {"_csrf": csrf, "direction": "up", "amount": "10", "reason": "причина"}
        for changes, field, text in (({"reason": " "}, "reason", "укажите причину корректировки"),
                                     ({"amount": "0"}, "amount", "корректировка на ноль ничего не меняет"),
                                     ({"amount": "-10"}, "amount", "укажите сумму без знака"),
                                     ({"amount": "10,005"}, "amount", "не больше двух знаков после запятой"),
                                     ({"direction": ""}, "direction", "выберите из списка")):
            response = await client.post(base, data=good | changes)
            assert response.status_code == 422, changes
            assert f'id="{field}-error"' in response.text and text in response.text, changes
        assert await count(Adjustment, tenant) == 0
    finally:
        client.cookies.clear()


async def test_what_each_role_may_do_with_adjustments(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, account = await charged_account(tenant, plugin_registry)
    pending = await ledger.propose_adjustment(tenant.actor, account.id, Money.of("50"), "бонус")
    manager, accountant, viewer = (await staff(tenant, "manager"), await staff(tenant, "accountant"),
                                   await staff(tenant, "viewer"))
    entries = await count(LedgerEntry, tenant)
    try:
        csrf = await signed_in(client, tenant, viewer.email)
        page = (await client.get(f"/accounts/{account.id}")).text
        assert 'id="adjustment-form"' not in page and f"/adjustments/{pending.id}/confirm" not in page
        assert 'id="open-account"' not in (await client.get(f"/clients/{buyer.id}")).text
        for path, data in ((f"/accounts/{account.id}/adjustments", {"direction": "up", "amount": "1", "reason": "x"}),
                           (f"/adjustments/{pending.id}/confirm", {}), (f"/adjustments/{pending.id}/cancel", {}),
                           (f"/clients/{buyer.id}/accounts", {"currency": "USD"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 403, path
        client.cookies.clear()

        csrf = await signed_in(client, tenant, manager.email)
        page = (await client.get(f"/accounts/{account.id}")).text
        assert 'id="adjustment-form"' in page and f"/adjustments/{pending.id}/confirm" not in page
        assert f"/adjustments/{pending.id}/cancel" in page
        assert (await client.post(f"/adjustments/{pending.id}/confirm", data={"_csrf": csrf})).status_code == 403
        assert await count(LedgerEntry, tenant) == entries
        client.cookies.clear()

        csrf = await signed_in(client, tenant, accountant.email)
        assert f"/adjustments/{pending.id}/confirm" in (await client.get(f"/accounts/{account.id}")).text
        confirmed = await client.post(f"/adjustments/{pending.id}/confirm", data={"_csrf": csrf},
                                      follow_redirects=False)
        assert confirmed.status_code == 303
        assert await count(LedgerEntry, tenant) == entries + 1
    finally:
        client.cookies.clear()


async def test_an_account_is_opened_from_the_client_card(client, make_tenant):
    tenant = await make_tenant()
    buyer = await customer(tenant)
    csrf = await signed_in(client, tenant)
    try:
        assert "Лицевого счёта пока нет" in (await client.get(f"/clients/{buyer.id}")).text
        bad = await client.post(f"/clients/{buyer.id}/accounts", data={"_csrf": csrf, "currency": "рубли"})
        assert bad.status_code == 422 and 'id="currency-error"' in bad.text and "код валюты ISO 4217" in bad.text
        assert await count(Account, tenant) == 0
        opened = await client.post(f"/clients/{buyer.id}/accounts", data={"_csrf": csrf, "currency": "usd"},
                                   follow_redirects=False)
        assert opened.status_code == 303
        [account] = await ledger.accounts_of(tenant.actor, buyer.id)
        assert account.currency == "USD" and opened.headers["location"].startswith(f"/accounts/{account.id}")
        page = (await client.get(opened.headers["location"])).text
        assert "Лицевой счёт открыт." in page and "0,00 USD" in page
    finally:
        client.cookies.clear()


async def test_another_tenants_accounts_and_adjustments_are_not_found(client, make_tenant, plugin_registry):
    victim, intruder = await make_tenant(), await make_tenant()
    buyer, account = await charged_account(victim, plugin_registry)
    pending = await ledger.propose_adjustment(victim.actor, account.id, Money.of("50"), "бонус")
    csrf = await signed_in(client, intruder)
    try:
        assert (await client.get(f"/accounts/{account.id}")).status_code == 404
        for path, data in ((f"/accounts/{account.id}/adjustments", {"direction": "up", "amount": "1", "reason": "x"}),
                           (f"/adjustments/{pending.id}/confirm", {}), (f"/adjustments/{pending.id}/cancel", {}),
                           (f"/clients/{buyer.id}/accounts", {"currency": "USD"})):
            assert (await client.post(path, data=data | {"_csrf": csrf})).status_code == 404, path
        [adjustment] = await ledger.adjustments_of(victim.actor, account.id)
        assert adjustment.state == "pending" and await count(Account, intruder) == 0
    finally:
        client.cookies.clear()

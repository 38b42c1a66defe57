"""Subscriptions over the database: ordering rules, statuses with history, plan changes
priced to the kopeck (seed 001's 150/181), cancellation, co-terming."""

from datetime import date
from decimal import Decimal

import pytest

from core.db.tables import ConfigurableOption, LedgerEntry, OptionPrice, Product, ProductPrice, Subscription
from core.domain.money import Money, unit_price_to_units
from core.services import clients, ledger, subscriptions, tenants
from core.services.errors import Conflict, InvalidInput
from tests.web.billing_pages import billed_and_paid


async def product(tenant, name, prices, *, code=None, addon_of=None, options=None, kind="recurring"):
    """Catalog rows for a test: ``prices`` maps cycle → unit price; ``options`` maps code → (cycle, price)."""
    product_id = (await Product.insert(Product(
        tenant=tenant.id, code=code or name.lower().replace(" ", "-"), name=name, kind=kind, vat_rate="none",
        addon_of=addon_of)).returning(Product.id))[0]["id"]
    await ProductPrice.insert(*[ProductPrice(tenant=tenant.id, product=product_id, cycle=cycle,
                                             unit_price_e4=unit_price_to_units(price), effective_from=date(2018, 1, 1))
                                for cycle, price in prices.items()])
    for option_code, (cycle, price) in (options or {}).items():
        option_id = (await ConfigurableOption.insert(ConfigurableOption(
            tenant=tenant.id, product=product_id, code=option_code, name=option_code, max_quantity=100)
        ).returning(ConfigurableOption.id))[0]["id"]
        await OptionPrice.insert(OptionPrice(tenant=tenant.id, option=option_id, cycle=cycle,
                                             unit_price_e4=unit_price_to_units(price), effective_from=date(2018, 1, 1)))
    return product_id


async def customer(tenant, email="buh@fabrika.ru"):
    return await clients.create(tenant.actor, type="legal", company_name="ООО «Фабрика Бизнеса»", email=email,
                                inn="7708305901", kpp="770801001")


async def on_day(tenant, day):
    await tenants.set_clock(tenant.actor, mode="simulated", on=day)


async def balance(tenant, client_id):
    accounts = await ledger.accounts_of(tenant.actor, client_id)
    return accounts[0].balance if accounts else Money.of("0")


async def test_seed_001_adding_a_user_on_4_march_2019(make_tenant, plugin_registry):
    tenant = await make_tenant()
    access = await product(tenant, "Доступ на пользователя «Стандарт»", {"semiannual": "4800"})
    client = await customer(tenant)
    await on_day(tenant, date(2019, 2, 1))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=access, cycle="semiannual",
                                     quantity="5")
    sub = await subscriptions.change_status(tenant.actor, sub.id, "active", "оплачен счёт 71475")
    sub = await billed_and_paid(tenant, sub)
    assert (sub.period.start, sub.period.end) == (date(2019, 2, 1), date(2019, 7, 31))

    await on_day(tenant, date(2019, 3, 4))
    preview = await subscriptions.preview_change(tenant.actor, plugin_registry, sub.id, quantity="6")
    assert preview.kind.value == "upgrade"
    assert [l.public() for l in preview.lines] == [{
        "description": "Доступ на пользователя «Стандарт»", "quantity": "1.000", "unit_price": "4800.0000",
        "days": "150 / 181", "period_start": "2019-03-04", "period_end": "2019-07-31", "amount": "3977.90"}]
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 2  # the paid period only: a preview changes nothing

    await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, quantity="6")
    assert (await subscriptions.get(tenant.actor, sub.id)).quantity == Decimal("6.000")
    assert await balance(tenant, client.id) == Money.of("-3977.90")

    back = await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, quantity="5")
    assert back.kind.value == "downgrade" and back.total == Money.of("-3977.90")
    assert await balance(tenant, client.id) == Money.of("0.00")
    kinds = [e["kind"] for e in await subscriptions.history(tenant.actor, sub.id)]
    assert kinds == ["status", "status", "upgrade", "downgrade"]


async def test_plan_switch_credits_the_old_plan_and_charges_the_new(make_tenant, plugin_registry):
    tenant = await make_tenant()
    small = await product(tenant, "VPS S", {"monthly": "1000"})
    large = await product(tenant, "VPS M", {"monthly": "1550"})
    client = await customer(tenant)
    await on_day(tenant, date(2026, 3, 1))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=small, cycle="monthly")
    await billed_and_paid(tenant, await subscriptions.change_status(tenant.actor, sub.id, "active"))
    await on_day(tenant, date(2026, 3, 21))
    applied = await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, product_id=large)
    # 11 of 31 days: credit 1000 × 11/31 = 354.84, charge 1550 × 11/31 = 550.00
    assert [l.amount for l in applied.lines] == [Money.of("-354.84"), Money.of("550.00")]
    assert await balance(tenant, client.id) == Money.of("-195.16")
    assert (await subscriptions.get(tenant.actor, sub.id)).product_id == large


async def test_change_from_the_next_period_is_scheduled_and_posts_nothing(make_tenant, plugin_registry):
    tenant = await make_tenant()
    disk = await product(tenant, "Хостинг", {"monthly": "300"}, options={"disk5": ("monthly", "60")})
    client = await customer(tenant)
    await on_day(tenant, date(2026, 3, 10))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=disk, cycle="monthly",
                                     options={"disk5": 1})
    await subscriptions.change_status(tenant.actor, sub.id, "active")
    preview = await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, options={"disk5": 3},
                                               policy="next_period")
    assert preview.lines == () and preview.effective_on == date(2026, 4, 1)
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0
    assert list((await subscriptions.get(tenant.actor, sub.id)).options.values()) == [1]
    from core.db.queries import subscriptions as subs_q

    [scheduled] = await subs_q.scheduled(tenant.id, sub.id)
    assert scheduled["effective_on"] == "2026-04-01" and list(scheduled["change"]["options"].values()) == [3]


async def test_a_second_subscription_to_the_same_product_is_refused(make_tenant):
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "500"})
    client = await customer(tenant)
    first = await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
    with pytest.raises(Conflict, match=f"already has subscription {first.id}.*change its quantity"):
        await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
    assert await Subscription.count().where(Subscription.tenant == tenant.id) == 1
    await tenants.update_settings(tenant.actor, rules={"allow_duplicate_products": True})
    await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
    assert await Subscription.count().where(Subscription.tenant == tenant.id) == 2


@pytest.mark.parametrize(("fields", "field"), [
    ({"quantity": "-1"}, "quantity"), ({"quantity": "1.0001"}, "quantity"), ({"cycle": "weekly"}, "cycle"),
    ({"cycle": "annual"}, "cycle"), ({"billing_day": 32}, "billing_day"), ({"options": {"nope": 1}}, "options.nope"),
])
async def test_bad_orders_name_the_field_and_change_nothing(make_tenant, fields, field):
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "500"})
    client = await customer(tenant)
    with pytest.raises(InvalidInput) as error:
        await subscriptions.create(tenant.actor, **({"client_id": client.id, "product_id": vps, "cycle": "monthly"}
                                                    | fields))
    assert error.value.fields[0]["field"] == field
    assert await Subscription.count().where(Subscription.tenant == tenant.id) == 0


async def test_status_changes_are_checked_and_recorded(make_tenant):
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "500"})
    sub = await subscriptions.create(tenant.actor, client_id=(await customer(tenant)).id, product_id=vps,
                                     cycle="monthly")
    with pytest.raises(Conflict, match="from ordered to graced"):
        await subscriptions.change_status(tenant.actor, sub.id, "graced")
    await subscriptions.change_status(tenant.actor, sub.id, "activating", "заказ передан в панель")
    await subscriptions.change_status(tenant.actor, sub.id, "activation_failed", "панель недоступна")
    await subscriptions.change_status(tenant.actor, sub.id, "active", "повтор")
    events = await subscriptions.history(tenant.actor, sub.id)
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in events] == [
        ("", "ordered", ""), ("ordered", "activating", "заказ передан в панель"),
        ("activating", "activation_failed", "панель недоступна"), ("activation_failed", "active", "повтор")]
    assert {e["actor"] for e in events} == {tenant.actor.label}


async def test_cancel_at_once_credits_the_unused_days_and_at_period_end_waits(make_tenant, plugin_registry):
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "1000"})
    backup = await product(tenant, "Backup", {"monthly": "200"})
    client = await customer(tenant)
    await on_day(tenant, date(2026, 3, 1))
    now = await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
    later = await subscriptions.create(tenant.actor, client_id=client.id, product_id=backup, cycle="monthly")
    for sub in (now, later):
        await billed_and_paid(tenant, await subscriptions.change_status(tenant.actor, sub.id, "active"))
    await on_day(tenant, date(2026, 3, 21))
    cancelled = await subscriptions.cancel(tenant.actor, plugin_registry, now.id, at_once=True, reason="переезд")
    assert cancelled.status == "cancelled"
    assert await balance(tenant, client.id) == Money.of("354.84")  # 1000 × 11/31 back to the balance
    waiting = await subscriptions.cancel(tenant.actor, plugin_registry, later.id, at_once=False, reason="не нужен")
    assert waiting.status == "active" and waiting.cancel_at_period_end and waiting.cancel_reason == "не нужен"
    with pytest.raises(InvalidInput):
        await subscriptions.cancel(tenant.actor, plugin_registry, later.id, at_once=True, reason=" ")
    with pytest.raises(Conflict):
        await subscriptions.cancel(tenant.actor, plugin_registry, now.id, at_once=True, reason="ещё раз")
    assert await balance(tenant, client.id) == Money.of("354.84")


async def test_addon_is_co_termed_with_its_main_subscription(make_tenant):
    tenant = await make_tenant()
    main = await product(tenant, "Доступ «Стандарт»", {"semiannual": "4800"})
    disk = await product(tenant, "Пакет дискового пространства 5ГБ", {"semiannual": "360"}, addon_of=main)
    client = await customer(tenant)
    await on_day(tenant, date(2019, 2, 1))
    base = await subscriptions.create(tenant.actor, client_id=client.id, product_id=main, cycle="semiannual")
    await subscriptions.change_status(tenant.actor, base.id, "active")
    with pytest.raises(InvalidInput, match="add-on"):
        await subscriptions.create(tenant.actor, client_id=client.id, product_id=disk, cycle="semiannual")
    await on_day(tenant, date(2019, 2, 8))
    addon = await subscriptions.create(tenant.actor, client_id=client.id, product_id=disk, cycle="semiannual",
                                       parent_id=base.id)
    addon = await subscriptions.change_status(tenant.actor, addon.id, "active")
    assert (addon.period.start, addon.period.end) == (date(2019, 2, 8), date(2019, 7, 31))


async def test_subscription_api_preview_apply_and_isolation(client, make_tenant, api_headers):
    tenant, intruder = await make_tenant(), await make_tenant()
    headers, other = await api_headers(tenant), await api_headers(intruder)
    users = await product(tenant, "Пользователь 1С", {"monthly": "1200"})
    owner = await customer(tenant)
    await on_day(tenant, date(2026, 4, 1))
    created = await client.post("/api/v1/subscriptions", headers=headers,
                                json={"client_id": owner.id, "product_id": users, "cycle": "monthly", "quantity": "2"})
    assert created.status_code == 201 and created.json()["status"] == "ordered"
    sub_id = created.json()["id"]
    active = await client.post(f"/api/v1/subscriptions/{sub_id}/status", headers=headers, json={"status": "active"})
    assert active.json()["period_end"] == "2026-04-30"
    await billed_and_paid(tenant, await subscriptions.get(tenant.actor, sub_id))
    await on_day(tenant, date(2026, 4, 16))
    preview = await client.post(f"/api/v1/subscriptions/{sub_id}/change/preview", headers=headers,
                                json={"quantity": "3"})
    # 15 of 30 days of one more user: 1200 × 15/30 = 600.00
    assert preview.status_code == 200 and preview.json()["total"] == "600.00"
    assert preview.json()["lines"][0]["days"] == "15 / 30"
    for method, path, body in (("GET", f"/api/v1/subscriptions/{sub_id}", None),
                               ("GET", f"/api/v1/subscriptions/{sub_id}/history", None),
                               ("POST", f"/api/v1/subscriptions/{sub_id}/status", {"status": "stopped"}),
                               ("POST", f"/api/v1/subscriptions/{sub_id}/change", {"quantity": "1"}),
                               ("POST", f"/api/v1/subscriptions/{sub_id}/cancel", {"at_once": True, "reason": "x"})):
        assert (await client.request(method, path, headers=other, json=body)).status_code == 404, path
    foreign = await client.post("/api/v1/subscriptions", headers=other,
                                json={"client_id": owner.id, "product_id": users, "cycle": "monthly"})
    assert foreign.status_code == 404
    applied = await client.post(f"/api/v1/subscriptions/{sub_id}/change", headers=headers, json={"quantity": "3"})
    assert applied.json()["kind"] == "upgrade"
    shown = (await client.get(f"/api/v1/subscriptions/{sub_id}", headers=headers)).json()
    assert shown["quantity"] == "3.000" and shown["status"] == "active"
    assert await balance(tenant, owner.id) == Money.of("-600.00")


async def test_merge_moves_subscriptions_and_settles_accounts(make_tenant, plugin_registry):
    from core.services import client_merge
    from core.domain.ledger import Entry, EntryKind

    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "1000"})
    old = await customer(tenant, "old@fabrika.ru")
    new = await customer(tenant, "new@fabrika.ru")
    both = await customer(tenant, "both@fabrika.ru")
    sub = await subscriptions.create(tenant.actor, client_id=old.id, product_id=vps, cycle="monthly")
    old_account = await ledger.open_account(tenant.actor, old.id)
    await ledger.post(tenant.actor, old_account.id, [Entry(EntryKind.PAYMENT, Money.of("700"), date(2026, 1, 5))])
    await client_merge.merge(tenant.actor, old.id, new.id)
    assert (await subscriptions.get(tenant.actor, sub.id)).client_id == new.id
    [moved] = await ledger.accounts_of(tenant.actor, new.id)
    assert moved.id == old_account.id and moved.balance == Money.of("700")  # reassigned whole

    both_account = await ledger.open_account(tenant.actor, both.id)
    await ledger.post(tenant.actor, both_account.id, [Entry(EntryKind.CHARGE, Money.of("250"), date(2026, 1, 6))])
    await client_merge.merge(tenant.actor, new.id, both.id)
    assert (await ledger.account(tenant.actor, both_account.id)).balance == Money.of("450.00")
    settled = await ledger.account(tenant.actor, old_account.id)
    assert settled.client_id == new.id and settled.balance == Money.of("0.00")
    rows = await ledger.entries(tenant.actor, old_account.id)
    assert [(r.entry.kind.value, r.entry.signed.amount) for r in rows][-1] == ("transfer_out", Decimal("-700.00"))
    for account_id in (old_account.id, both_account.id):
        assert await ledger.balance_matches_entries(tenant.id, account_id)


async def test_cycle_change_waits_for_the_next_period_and_rules_are_tenant_settings(
        client, make_tenant, api_headers, plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    vps = await product(tenant, "VPS", {"monthly": "1000", "annual": "10000"})
    owner = await customer(tenant)
    await on_day(tenant, date(2026, 3, 1))
    sub = await subscriptions.create(tenant.actor, client_id=owner.id, product_id=vps, cycle="monthly")
    await billed_and_paid(tenant, await subscriptions.change_status(tenant.actor, sub.id, "active"))
    with pytest.raises(InvalidInput, match="next period"):
        await subscriptions.preview_change(tenant.actor, plugin_registry, sub.id, cycle="annual", policy="at_once")
    annual = await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, cycle="annual")
    # 10000 a year is 833.33 a month, cheaper than 1000: a downgrade, scheduled for 1 April
    assert (annual.kind.value, annual.policy.value, annual.effective_on) == ("downgrade", "next_period",
                                                                              date(2026, 4, 1))
    assert (await subscriptions.get(tenant.actor, sub.id)).cycle.value == "monthly"

    rules = await client.patch("/api/v1/tenant", headers=headers, json={"rules": {"plan_change_policy": "next_period"}})
    assert rules.json()["rules"] == {"allow_duplicate_products": False, "plan_change_policy": "next_period",
                                     "day_close_mode": "auto", "day_close_time": "04:00", "invoice_posting": "auto"}
    by_rule = await subscriptions.preview_change(tenant.actor, plugin_registry, sub.id, quantity="2")
    assert by_rule.policy.value == "next_period" and by_rule.lines == ()
    with pytest.raises(InvalidInput) as error:
        await tenants.update_settings(tenant.actor, rules={"blocking": "never"})
    assert error.value.fields[0]["field"] == "rules.blocking"

    held = await client.post(f"/api/v1/subscriptions/{sub.id}/suspend-override", headers=headers,
                             json={"until": "2026-06-30", "reason": "гарантийное письмо"})
    assert held.json()["suspend_override_until"] == "2026-06-30"
    assert (await subscriptions.history(tenant.actor, sub.id))[-1]["kind"] == "suspend_override"


async def test_a_viewer_cannot_preview_a_change(make_tenant, plugin_registry):
    from core.services.errors import Forbidden
    from core.services.actor import Actor

    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "1000"})
    sub = await subscriptions.create(tenant.actor, client_id=(await customer(tenant)).id, product_id=vps,
                                     cycle="monthly")
    viewer = Actor(tenant_id=tenant.id, kind="user", role="viewer", id=0, label="viewer")
    with pytest.raises(Forbidden):
        await subscriptions.preview_change(viewer, plugin_registry, sub.id, quantity="2")

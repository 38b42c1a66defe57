"""The three modes share one computation (seed 002): sandbox shows and changes nothing,
auto commits, confirm waits per account, recomputing a pending account whose inputs
changed (seed 000, step by step). Failures are parked and retried; blocks are applied."""

import asyncio
from datetime import date

import pytest

from core.db.tables import Client, DayCloseAccount, Document, LedgerEntry
from core.hookspecs import hookimpl
from core.domain.blocking import BlockAction, BlockingDecision
from core.domain.day_close import DayCloseStep
from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money
from core.domain.pricing import Charge
from core.plugins.meta import PluginMeta
from core.plugins.testing import declared_plugin
from core.services import day_close, ledger, plugins, subscriptions
from core.services.errors import Conflict, NotFound
from tests.day_close.test_close_day import _vps
from tests.web.test_subscriptions import balance, customer, on_day, product


async def _state(tenant, run_id):
    rows = await DayCloseAccount.select(DayCloseAccount.account, DayCloseAccount.state).where(
        DayCloseAccount.run == run_id).order_by(DayCloseAccount.account)
    return [r["state"] for r in rows]


async def test_seed_000_confirm_mode_step_by_step(make_tenant, plugin_registry):
    tenant = await make_tenant()
    from core.services import tenants
    await tenants.update_settings(tenant.actor, rules={"day_close_mode": "confirm"})
    first, sub1 = await _vps(tenant, start=date(2026, 2, 1))
    second = await customer(tenant, email="two@example.ru")
    sub2 = await subscriptions.create(tenant.actor, client_id=second.id, product_id=sub1.product_id, cycle="monthly")
    await subscriptions.change_status(tenant.actor, sub2.id, "active")

    await on_day(tenant, date(2026, 2, 2))  # the run at 04:00 on 2 February closes 1 February
    run = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 2, 1))
    assert run.state == "awaiting_confirmation" and run.mode == "confirm"
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0  # nothing written yet
    pending, total = await day_close.accounts(tenant.actor, plugin_registry, run.id)
    assert total == 2 and [p.state for p in pending] == ["pending", "pending"]
    assert [p.result["charges"] for p in pending] == ["3100.00", "3100.00"]
    assert [d["type"] for d in pending[0].result["documents"]] == ["invoice"]

    # At 04:01 a payment arrives for "001" and its plan changes: its pending result is recomputed.
    acc1 = (await ledger.accounts_of(tenant.actor, first.id))[0]
    await ledger.post(tenant.actor, acc1.id, [Entry(EntryKind.PAYMENT, Money.of("5000"), date(2026, 2, 2))])
    await subscriptions.apply_change(tenant.actor, plugin_registry, sub1.id, quantity="2")
    shown, _ = await day_close.accounts(tenant.actor, plugin_registry, run.id)
    mine = next(p for p in shown if p.account_id == acc1.id)
    assert mine.state == "pending" and mine.result["charges"] == "6200.00"  # two units for February now

    # 09:05: the manager confirms account "001"; 09:06 cancels "002".
    run = await day_close.confirm(tenant.actor, plugin_registry, run.id, [mine.id])
    assert await balance(tenant, first.id) == Money.of("-1200.00")  # 5000 paid, 2 × 3100 charged
    other = next(p for p in shown if p.account_id != acc1.id)
    run = await day_close.cancel(tenant.actor, run.id, [other.id], reason="ошибка в акте")
    assert run.state == "done" and sorted(await _state(tenant, run.id)) == ["cancelled", "done"]
    assert await balance(tenant, second.id) == Money.of("0")
    assert await Document.count().where((Document.tenant == tenant.id) & (Document.client == second.id)) == 0
    with pytest.raises(Conflict):
        await day_close.confirm(tenant.actor, plugin_registry, run.id, [mine.id])  # already done

    # The manager fixes the data and re-runs "002" by hand: it waits for confirmation again.
    run = await day_close.retry(tenant.actor, plugin_registry, run.id, [other.id])
    assert run.state == "awaiting_confirmation"
    run = await day_close.confirm(tenant.actor, plugin_registry, run.id)
    assert run.state == "done" and await balance(tenant, second.id) == Money.of("-3100.00")


async def test_sandbox_shows_what_auto_does_and_changes_nothing(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client, sub = await _vps(tenant)
    await on_day(tenant, date(2026, 3, 11))
    preview = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10), mode="sandbox")
    assert preview.state == "done" and preview.totals["preview"]["charges_minor"] == 220000
    [shown], _ = await day_close.accounts(tenant.actor, plugin_registry, preview.id)
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0
    assert await Document.count().where(Document.tenant == tenant.id) == 0
    assert (await subscriptions.get(tenant.actor, sub.id)).next_billing_date == date(2026, 3, 10)

    real = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10), mode="auto")
    [done], _ = await day_close.accounts(tenant.actor, plugin_registry, real.id)
    assert done.state == "done" and done.result["lines"] == shown.result["lines"]
    assert done.result["documents"] == shown.result["documents"]
    with pytest.raises(Conflict):
        await day_close.confirm(tenant.actor, plugin_registry, preview.id)


class Meter(DayCloseStep):
    plugin_id, code, name = "meter", "traffic", "Traffic"
    broken: set[int] = set()

    async def run(self, day):
        if day.client_id in self.broken:
            raise RuntimeError("no reading for the day")
        return [Charge("Трафик, ГБ", unit_price="1.5", quantity="10", client_id=day.client_id)]


METER = declared_plugin(PluginMeta(id="meter", name="Meter", version="1.0", description="Usage readings."), saldo_day_close_steps=hookimpl(lambda self: [Meter]))


async def test_a_failing_account_is_parked_and_retried_while_others_go_on(make_tenant, plugin_registry,
                                                                          register_plugin):
    register_plugin(METER)
    tenant = await make_tenant()
    await plugins.configure(tenant.actor, plugin_registry, "meter", enabled=True)
    good, _ = await _vps(tenant)
    bad = await customer(tenant, email="bad@example.ru")
    await ledger.open_account(tenant.actor, bad.id)
    Meter.broken = {bad.id}
    await on_day(tenant, date(2026, 3, 11))
    run = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    assert run.state == "done" and sorted(await _state(tenant, run.id)) == ["done", "parked"]
    parked, _ = await day_close.accounts(tenant.actor, plugin_registry, run.id, state="parked")
    assert parked[0].error == "RuntimeError: no reading for the day"
    assert await balance(tenant, good.id) == Money.of("-2215.00")  # 2200 + 10 GB × 1.50
    assert await balance(tenant, bad.id) == Money.of("0")

    Meter.broken = set()
    run = await day_close.retry(tenant.actor, plugin_registry, run.id)
    assert await _state(tenant, run.id) == ["done", "done"] and run.totals["done"]["accounts"] == 2
    assert await balance(tenant, bad.id) == Money.of("-15.00")
    again = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    assert again.id == run.id and await balance(tenant, bad.id) == Money.of("-15.00")


async def test_postpaid_is_charged_at_the_period_end_and_changes_wait_for_the_next_period(make_tenant,
                                                                                         plugin_registry):
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "3100"})
    await Product_update(vps, payment_model="postpaid")
    bigger = await product(tenant, "VPS XL", {"monthly": "6200"})
    await Product_update(bigger, payment_model="postpaid")
    client = await customer(tenant)
    await on_day(tenant, date(2026, 3, 10))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
    sub = await subscriptions.change_status(tenant.actor, sub.id, "active")
    assert sub.next_billing_date == date(2026, 3, 31)
    preview = await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, product_id=bigger)
    assert preview.policy.value == "next_period" and preview.effective_on == date(2026, 4, 1)

    await on_day(tenant, date(2026, 3, 12))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 11))
    assert await balance(tenant, client.id) == Money.of("0")
    await on_day(tenant, date(2026, 5, 1))
    await day_close.catch_up(tenant.actor, plugin_registry, date(2026, 4, 30))
    # March: 22/31 of 3100 on the old plan; April: the whole month on the new plan.
    assert await balance(tenant, client.id) == Money.of("-2200.00") - Money.of("6200.00")
    after = await subscriptions.get(tenant.actor, sub.id)
    assert after.product_id == bigger and after.next_billing_date == date(2026, 5, 31)
    assert "upgrade" in [e["kind"] for e in await subscriptions.history(tenant.actor, sub.id)]
    acts = await Document.select(Document.total_minor, Document.period_start).where(
        (Document.tenant == tenant.id) & (Document.type == "act")).order_by(Document.id)
    assert acts == [{"total_minor": 220000, "period_start": date(2026, 3, 1)},
                    {"total_minor": 620000, "period_start": date(2026, 4, 1)}]


async def Product_update(product_id, **values):
    from core.db.tables import Product
    await Product.update({getattr(Product, k): v for k, v in values.items()}).where(Product.id == product_id)


async def test_a_cancellation_at_the_period_end_takes_effect_at_the_boundary(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client, sub = await _vps(tenant, start=date(2026, 3, 1))
    await on_day(tenant, date(2026, 3, 2))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 1))
    await subscriptions.cancel(tenant.actor, plugin_registry, sub.id, at_once=False, reason="переезд")
    await on_day(tenant, date(2026, 4, 3))
    await day_close.catch_up(tenant.actor, plugin_registry, date(2026, 4, 2))
    after = await subscriptions.get(tenant.actor, sub.id)
    assert after.status == "cancelled" and after.next_billing_date is None
    assert await balance(tenant, client.id) == Money.of("-3100.00")  # March only


BLOCKER = declared_plugin(
    PluginMeta(id="blocker", name="Blocker", version="1.0", description="Blocks debtors."),
    saldo_blocking_decisions=hookimpl(lambda self, tenant, client, business_date: [
        BlockingDecision(BlockAction.BLOCK if client.overdue_amount.amount > 0 else BlockAction.UNBLOCK,
                         "долг" if client.overdue_amount.amount > 0 else "оплачено", "blocker")]))


async def test_blocking_decisions_are_applied_and_announced(make_tenant, plugin_registry, register_plugin):
    register_plugin(BLOCKER)
    tenant = await make_tenant()
    await plugins.configure(tenant.actor, plugin_registry, "blocker", enabled=True)
    client, _ = await _vps(tenant)
    await on_day(tenant, date(2026, 3, 11))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    assert (await Client.select(Client.blocked).where(Client.id == client.id).first())["blocked"] is True
    account = (await ledger.accounts_of(tenant.actor, client.id))[0]
    await ledger.post(tenant.actor, account.id, [Entry(EntryKind.PAYMENT, Money.of("2200"), date(2026, 3, 11))])
    await on_day(tenant, date(2026, 3, 12))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 11))
    assert (await Client.select(Client.blocked).where(Client.id == client.id).first())["blocked"] is False


async def test_concurrent_runs_of_one_date_apply_it_once(make_tenant, plugin_registry):
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "3100"})
    await on_day(tenant, date(2026, 3, 1))
    for n in range(6):
        c = await customer(tenant, email=f"c{n}@example.ru")
        s = await subscriptions.create(tenant.actor, client_id=c.id, product_id=vps, cycle="monthly")
        await subscriptions.change_status(tenant.actor, s.id, "active")
    await on_day(tenant, date(2026, 3, 2))
    results = await asyncio.gather(*[day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 1))
                                     for _ in range(3)], return_exceptions=True)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.id for r in results}) == 1
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 6
    assert await Document.count().where(Document.tenant == tenant.id) == 6


async def test_another_tenants_run_is_not_found(make_tenant, plugin_registry):
    tenant, other = await make_tenant(), await make_tenant()
    await _vps(tenant)
    await on_day(tenant, date(2026, 3, 11))
    run = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    with pytest.raises(NotFound):
        await day_close.get_run(other.actor, run.id)
    with pytest.raises(NotFound):
        await day_close.retry(other.actor, plugin_registry, run.id)

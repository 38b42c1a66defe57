"""The demo tenant's sample data is made through the services and is consistent; its
months of history were lived through day by day, every day closed."""

import time
from datetime import timedelta

from core.db.tables import Client, DayCloseRun, Document, LedgerEntry, Product, Subscription, Tenant
from core.domain.clock import TenantClock
from core.domain.money import Money
from core.services import demo, ledger, tenants
from core.testing import database_kind


async def test_demo_data(make_tenant):
    tenant = await make_tenant()
    await demo.seed(tenant.actor)
    assert await Client.count().where(Client.tenant == tenant.id) == 3
    assert await Product.count().where(Product.tenant == tenant.id) == 4
    statuses = await Subscription.select(Subscription.status).where(Subscription.tenant == tenant.id)
    assert [s["status"] for s in statuses] == ["active"] * 4
    first = (await Client.select(Client.id).where(Client.tenant == tenant.id).order_by(Client.id).first())["id"]
    [account] = await ledger.accounts_of(tenant.actor, first)
    assert account.balance == demo.PAYMENT
    assert await ledger.balance_matches_entries(tenant.id, account.id)


async def test_demo_history_closes_every_past_day(make_tenant, plugin_registry):
    tenant = await make_tenant()
    engine = Tenant._meta.db
    pooled = database_kind() == "postgres"  # as `saldo demo` does; the tests run without a pool
    if pooled:
        await engine.start_connection_pool(min_size=1, max_size=4)
    try:
        started = time.monotonic()
        await demo.create_with_history(tenant.actor, plugin_registry)
        seconds = time.monotonic() - started
    finally:
        if pooled:
            await engine.close_connection_pool()
    assert pooled or seconds < 40  # `saldo demo` stays quick (about 15-20 s on SQLite)

    record = await tenants.get(tenant.id)
    today = TenantClock(record.timezone).today()
    start = demo.history_start(today)
    assert start < today - timedelta(days=90) and start.day == 1
    assert record.clock_mode == "real"  # the schedule closes each new day from now on

    runs = await DayCloseRun.select(DayCloseRun.business_date, DayCloseRun.state, DayCloseRun.mode).where(
        DayCloseRun.tenant == tenant.id).order_by(DayCloseRun.business_date)
    dates = [r["business_date"] for r in runs]
    expected = [start + timedelta(days=n) for n in range((today - start).days)]
    assert dates[-len(expected):] == expected and len(dates) == len(set(dates))
    assert dates[0] >= start - timedelta(days=1)  # at most the (empty) eve of the history
    assert {(r["state"], r["mode"]) for r in runs} == {("done", "auto")}

    documents = await Document.select(Document.type, Document.number, Document.issue_date).where(
        Document.tenant == tenant.id).order_by(Document.id)
    invoices = [d for d in documents if d["type"] == "invoice"]
    acts = [d for d in documents if d["type"] == "act"]
    assert invoices and acts
    assert {d["issue_date"].replace(day=1) for d in acts} == {
        (start + timedelta(days=32 * n)).replace(day=1) for n in range(demo.MONTHS_OF_HISTORY)}  # a month, an act
    for kind in (invoices, acts):
        by_year = {}
        for d in kind:
            by_year.setdefault(d["issue_date"].year, []).append(d["number"])
        assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_year.values())

    payer = (await Client.select(Client.id).where(Client.tenant == tenant.id).order_by(Client.id).first())["id"]
    for client in await Client.select(Client.id).where(Client.tenant == tenant.id):
        [account] = await ledger.accounts_of(tenant.actor, client["id"])
        charges = await LedgerEntry.select(LedgerEntry.amount_minor).where(
            (LedgerEntry.account == account.id) & (LedgerEntry.kind == "charge"))
        assert charges, "every demo client was charged"
        paid = demo.PAYMENT if client["id"] == payer else Money.of("0")
        assert account.balance == paid + Money.from_minor(sum(c["amount_minor"] for c in charges), "RUB")
        assert await ledger.balance_matches_entries(tenant.id, account.id)

"""The day close over the database: charges falling due, documents, catch-up, exactly once."""

from datetime import date

from core.db.tables import Document, DocumentLine, LedgerEntry
from core.domain.money import Money
from core.services import clients, day_close, subscriptions
from tests.web.test_subscriptions import balance, customer, on_day, product


async def _vps(tenant, start=date(2026, 3, 10)):
    vps = await product(tenant, "VPS", {"monthly": "3100"})
    client = await customer(tenant)
    await on_day(tenant, start)
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
    await subscriptions.change_status(tenant.actor, sub.id, "active")
    return client, sub


async def test_a_first_close_bills_every_period_fallen_due_on_its_date(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client, sub = await _vps(tenant)
    await on_day(tenant, date(2026, 4, 2))
    runs = await day_close.catch_up(tenant.actor, plugin_registry, date(2026, 4, 1))
    assert [r.business_date for r in runs] == [date(2026, 4, 1)]  # never closed before: only the target date
    entries = await LedgerEntry.select(LedgerEntry.amount_minor, LedgerEntry.booked_on, LedgerEntry.description).where(
        LedgerEntry.tenant == tenant.id).order_by(LedgerEntry.id)
    assert entries == [
        {"amount_minor": -220000, "booked_on": date(2026, 4, 1), "description": "VPS (10.03.2026 – 31.03.2026)"},
        {"amount_minor": -310000, "booked_on": date(2026, 4, 1), "description": "VPS (01.04.2026 – 30.04.2026)"},
    ]
    after = await subscriptions.get(tenant.actor, sub.id)
    assert (after.period.start, after.period.end, after.next_billing_date) == (
        date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 1))
    [invoice] = await Document.select().where(Document.tenant == tenant.id)
    lines = await DocumentLine.select(DocumentLine.total_minor, DocumentLine.period_start).where(
        DocumentLine.document == invoice["id"]).order_by(DocumentLine.position)
    assert (invoice["type"], invoice["total_minor"]) == ("invoice", 530000)
    assert lines == [{"total_minor": 220000, "period_start": date(2026, 3, 10)},
                     {"total_minor": 310000, "period_start": date(2026, 4, 1)}]


async def test_catch_up_closes_each_day_in_order(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client, sub = await _vps(tenant)
    await on_day(tenant, date(2026, 3, 11))
    first = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    assert first.state == "done" and first.totals["done"]["charges_minor"] == 220000
    assert await balance(tenant, client.id) == Money.of("-2200.00")  # 22 of 31 days of 3100

    await on_day(tenant, date(2026, 4, 2))
    runs = await day_close.catch_up(tenant.actor, plugin_registry, date(2026, 4, 1))
    assert [r.business_date for r in runs] == [date(2026, 3, d) for d in range(11, 32)] + [date(2026, 4, 1)]
    assert await balance(tenant, client.id) == Money.of("-5300.00")
    docs = await Document.select(Document.type, Document.number, Document.total_minor, Document.issue_date).where(
        Document.tenant == tenant.id).order_by(Document.id)
    assert docs == [
        {"type": "invoice", "number": 1, "total_minor": 220000, "issue_date": date(2026, 3, 10)},
        {"type": "act", "number": 1, "total_minor": 220000, "issue_date": date(2026, 3, 31)},
        {"type": "invoice", "number": 2, "total_minor": 310000, "issue_date": date(2026, 4, 1)},
    ]
    again = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 4, 1))
    assert again.id == runs[-1].id
    assert await balance(tenant, client.id) == Money.of("-5300.00")
    assert await Document.count().where(Document.tenant == tenant.id) == 3


async def test_a_change_scheduled_for_the_next_period_is_applied_and_billed_from_its_first_day(
        make_tenant, plugin_registry):
    tenant = await make_tenant()
    hosting = await product(tenant, "Хостинг", {"monthly": "300"}, options={"disk5": ("monthly", "60")})
    client = await customer(tenant)
    await on_day(tenant, date(2026, 3, 1))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=hosting, cycle="monthly",
                                     options={"disk5": 1})
    await subscriptions.change_status(tenant.actor, sub.id, "active")
    await on_day(tenant, date(2026, 3, 2))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 1))
    assert await balance(tenant, client.id) == Money.of("-360.00")
    await subscriptions.apply_change(tenant.actor, plugin_registry, sub.id, options={"disk5": 3}, policy="next_period")

    await on_day(tenant, date(2026, 4, 2))
    await day_close.catch_up(tenant.actor, plugin_registry, date(2026, 4, 1))
    assert await balance(tenant, client.id) == Money.of("-360.00") - Money.of("480.00")  # 300 + 3 × 60
    after = await subscriptions.get(tenant.actor, sub.id)
    assert list(after.options.values()) == [3] and after.next_billing_date == date(2026, 5, 1)
    assert await subscriptions.scheduled(tenant.actor, sub.id) == []
    last = (await subscriptions.history(tenant.actor, sub.id))[-1]
    assert (last["kind"], last["reason"], last["business_date"]) == ("upgrade", "scheduled plan change applied",
                                                                     "2026-04-01")


async def test_a_client_with_separate_invoices_gets_one_per_subscription(make_tenant, plugin_registry):
    tenant = await make_tenant()
    vps = await product(tenant, "VPS", {"monthly": "3100"})
    mail = await product(tenant, "Почта", {"monthly": "310"})
    client = await customer(tenant)
    await clients.update(tenant.actor, client.id, separate_invoices=True)
    together = await customer(tenant, email="together@example.ru")
    await on_day(tenant, date(2026, 3, 1))
    for who in (client, together):
        for product_id in (vps, mail):
            sub = await subscriptions.create(tenant.actor, client_id=who.id, product_id=product_id, cycle="monthly")
            await subscriptions.change_status(tenant.actor, sub.id, "active")
    await on_day(tenant, date(2026, 3, 2))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 1))
    invoices = {d["id"]: (d["client"], d["total_minor"]) for d in await Document.select(
        Document.id, Document.client, Document.total_minor).where(Document.tenant == tenant.id)}
    assert sorted(invoices.values()) == sorted([(client.id, 310000), (client.id, 31000), (together.id, 341000)])
    entries = await LedgerEntry.select(LedgerEntry.source_type, LedgerEntry.source_id, LedgerEntry.amount_minor,
                                       LedgerEntry.account.client.as_alias("client")).where(
        LedgerEntry.tenant == tenant.id)
    assert {e["source_type"] for e in entries} == {"document"}
    by_invoice = {}
    for e in entries:
        assert invoices[int(e["source_id"])][0] == e["client"]  # each entry points at its client's invoice
        by_invoice[int(e["source_id"])] = by_invoice.get(int(e["source_id"]), 0) - e["amount_minor"]
    assert by_invoice == {i: total for i, (_, total) in invoices.items()}

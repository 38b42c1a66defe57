"""Payments received once, credited and allocated to invoices, queued when unmatched, refunded."""

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from core.db.tables import LedgerEntry, Payment
from core.domain.money import Money
from core.domain.payments import (
    CallbackResponse,
    CallbackResult,
    PaymentError,
    PaymentProvider,
    PaymentStart,
    PaymentStatus,
    ProviderCallback,
    RefundResult,
)
from core.hookspecs import hookimpl
from core.plugins.meta import PluginMeta
from core.plugins.testing import declared_plugin
from core.services import documents, payments, plugins
from core.services.documents import LineInput
from core.services.errors import Conflict, InvalidInput, NotFound
from core.services.payments import Incoming
from tests.web.test_subscriptions import balance, customer, on_day

SUCCEEDED = PaymentStatus.SUCCEEDED


async def _invoice(tenant, registry, client, amount, day):
    await on_day(tenant, day)
    draft = await documents.create_invoice(tenant.actor, client.id, [LineInput("Хостинг", Decimal(1), Decimal(amount))])
    return await documents.post(tenant.actor, registry, draft.id)


async def _status(tenant, document_id):
    view = await documents.get(tenant.actor, document_id)
    return view.record.status


async def test_a_payment_pays_the_oldest_open_invoices_and_the_rest_stays_on_the_balance(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client = await customer(tenant)
    first = await _invoice(tenant, plugin_registry, client, "1000.00", date(2026, 3, 1))
    second = await _invoice(tenant, plugin_registry, client, "1000.00", date(2026, 4, 1))
    received = await payments.manual(tenant.actor, client.id, Money.of("1500.00"), date(2026, 4, 5), "п/п 17")
    assert received.applied and received.payment.allocated == Money.of("1500.00")
    assert (await _status(tenant, first.id), await _status(tenant, second.id)) == ("paid", "posted")
    assert await balance(tenant, client.id) == Money.of("-500.00")
    view = await payments.get(tenant.actor, received.payment.id)
    assert [(a["document"], a["amount_minor"]) for a in view.allocations] == [(first.id, 100000), (second.id, 50000)]

    more = await payments.manual(tenant.actor, client.id, Money.of("800.00"), date(2026, 4, 6), "п/п 18")
    assert more.payment.allocated == Money.of("500.00")  # 300.00 stays on the balance
    assert await _status(tenant, second.id) == "paid" and await balance(tenant, client.id) == Money.of("300.00")


async def test_a_named_invoice_is_paid_first_and_a_repeated_payment_changes_nothing(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client = await customer(tenant)
    first = await _invoice(tenant, plugin_registry, client, "1000.00", date(2026, 3, 1))
    second = await _invoice(tenant, plugin_registry, client, "700.00", date(2026, 4, 1))
    await payments.manual(tenant.actor, client.id, Money.of("700.00"), date(2026, 4, 5), "п/п 5", invoice_id=second.id)
    assert (await _status(tenant, first.id), await _status(tenant, second.id)) == ("posted", "paid")
    again = await payments.manual(tenant.actor, client.id, Money.of("700.00"), date(2026, 4, 5), "п/п 5")
    assert not again.applied
    assert await balance(tenant, client.id) == Money.of("-1000.00")
    assert await Payment.count().where(Payment.tenant == tenant.id) == 1


async def test_fifty_concurrent_duplicates_credit_once(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client = await customer(tenant)
    incoming = Incoming("bank", "stmt-42", Money.of("250.00"), date(2026, 4, 5), SUCCEEDED, client_id=client.id)

    async def deliver():
        for attempt in range(100):  # SQLite answers "database is locked" to a writer that waits too long
            try:
                return await payments.receive(tenant.id, incoming)
            except Exception as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                await asyncio.sleep(0.05)

    results = await asyncio.gather(*(deliver() for _ in range(50)))
    assert sum(r.applied for r in results) == 1 and len({r.payment.id for r in results}) == 1
    assert await balance(tenant, client.id) == Money.of("250.00")
    assert await LedgerEntry.count().where((LedgerEntry.tenant == tenant.id) & (LedgerEntry.kind == "payment")) == 1


async def test_an_unmatched_payment_waits_in_the_queue_until_assigned(make_tenant, plugin_registry):
    tenant, other = await make_tenant(), await make_tenant()
    client = await customer(tenant)
    invoice = await _invoice(tenant, plugin_registry, client, "1200.00", date(2026, 3, 1))
    stranger = await customer(other)
    received = await payments.receive(tenant.id, Incoming(
        "bank", "stmt-1", Money.of("1200.00"), date(2026, 3, 3), SUCCEEDED, client_id=stranger.id,
        payer={"inn": "7701234567"}, purpose="Оплата по счёту 99"))
    assert (received.payment.status, received.payment.queue_reason) == ("queued", payments.NO_CLIENT)
    assert [p.id for p in await payments.queued(tenant.actor)] == [received.payment.id]
    assert await balance(tenant, client.id) == Money.of("-1200.00")
    with pytest.raises(NotFound):
        await payments.assign(other.actor, received.payment.id, stranger.id)
    with pytest.raises(InvalidInput):
        await payments.assign(tenant.actor, received.payment.id, client.id, invoice_id=10 ** 9)
    assigned = await payments.assign(tenant.actor, received.payment.id, client.id, invoice.id)
    assert (assigned.status, assigned.allocated) == ("succeeded", Money.of("1200.00"))
    assert await _status(tenant, invoice.id) == "paid" and await payments.queued(tenant.actor) == []
    assert await balance(tenant, client.id) == Money.of("0.00")
    with pytest.raises(Conflict):
        await payments.assign(tenant.actor, received.payment.id, client.id)


async def test_a_refund_lowers_the_balance_up_to_what_was_paid(make_tenant, plugin_registry):
    tenant = await make_tenant()
    client = await customer(tenant)
    paid = (await payments.manual(tenant.actor, client.id, Money.of("1000.00"), date(2026, 3, 3), "п/п 1")).payment
    part = await payments.refund(tenant.actor, plugin_registry, paid.id, Money.of("400.00"), "ошибочный платёж")
    assert (part.status, part.refunded) == ("succeeded", Money.of("400.00"))
    with pytest.raises(InvalidInput, match="at most 600.00"):
        await payments.refund(tenant.actor, plugin_registry, paid.id, Money.of("600.01"), "лишнее")
    rest = await payments.refund(tenant.actor, plugin_registry, paid.id, Money.of("600.00"), "остаток")
    assert rest.status == "refunded" and await balance(tenant, client.id) == Money.of("0.00")


class FakeProvider(PaymentProvider):
    plugin_id, code, name = "fake_pay", "fake", "Fake"
    refunds: list = []

    async def start_payment(self, request):
        return PaymentStart(f"https://pay.example/{request.payment_id}?sum={request.amount.amount}")

    async def handle_callback(self, callback: ProviderCallback):
        if callback.form.get("sign") != "ok":
            raise PaymentError("bad signature")
        payment_id = int(callback.form["id"])
        return CallbackResult(f"fake-{payment_id}", PaymentStatus(callback.form.get("status", "succeeded")),
                              Money.of(callback.form["sum"]), CallbackResponse(200, f"OK{payment_id}"), payment_id)

    async def refund(self, request):
        self.refunds.append((request.external_id, request.amount))
        return RefundResult("r-1", PaymentStatus.SUCCEEDED)


async def test_an_online_payment_is_started_for_an_invoice_and_its_notification_applied_once(
        make_tenant, plugin_registry, register_plugin):
    applied = []
    register_plugin(declared_plugin(PluginMeta("fake_pay", "Fake pay", "1.0", "A test payment provider"),
                                    saldo_payment_providers=hookimpl(lambda self: [FakeProvider]),
                                    saldo_payment_applied=hookimpl(lambda self, tenant, payment: applied.append(
                                        (tenant.id, payment.id, payment.amount)))))
    tenant = await make_tenant()
    await plugins.configure(tenant.actor, plugin_registry, "fake_pay", enabled=True)
    client = await customer(tenant)
    invoice = await _invoice(tenant, plugin_registry, client, "1220.00", date(2026, 3, 1))
    started = await payments.start(tenant.id, plugin_registry, "fake", invoice.id, return_url="/back")
    [attempt] = await payments.search(tenant.actor, status="pending")
    assert started.redirect_url == f"https://pay.example/{attempt.id}?sum=1220.00"
    hooks, context = await plugins.tenant_context(plugin_registry, tenant.id)

    def callback(**form):
        return ProviderCallback("POST", "127.0.0.1", form={"id": str(attempt.id), "sum": "1220.00", **form})

    forged = await payments.handle_callback(context, hooks, "fake", callback(sign="bad"))
    assert forged.status_code == 400 and await balance(tenant, client.id) == Money.of("-1220.00")
    wrong_sum = await payments.handle_callback(context, hooks, "fake", callback(sign="ok", sum="1.00"))
    assert wrong_sum.status_code == 400 and "differs" in wrong_sum.body
    for _ in range(3):
        answer = await payments.handle_callback(context, hooks, "fake", callback(sign="ok"))
        assert (answer.status_code, answer.body) == (200, f"OK{attempt.id}")
    assert await balance(tenant, client.id) == Money.of("0.00") and await _status(tenant, invoice.id) == "paid"
    assert applied == [(tenant.id, attempt.id, Money.of("1220.00"))]  # announced once, after the commit
    with pytest.raises(Conflict, match="is paid"):
        await payments.start(tenant.id, plugin_registry, "fake", invoice.id, return_url="/back")

    refunded = await payments.refund(tenant.actor, plugin_registry, attempt.id, Money.of("220.00"), "скидка")
    assert FakeProvider.refunds[-1] == (f"fake-{attempt.id}", Money.of("220.00")) and refunded.status == "succeeded"
    made_elsewhere = await payments.refund(tenant.actor, plugin_registry, attempt.id, Money.of("1000.00"),
                                           "returned in the provider's cabinet", record_only=True)
    assert len(FakeProvider.refunds) == 1 and made_elsewhere.status == "refunded"
    assert await balance(tenant, client.id) == Money.of("-1220.00")

    await plugins.configure(tenant.actor, plugin_registry, "fake_pay", enabled=False)
    hooks, context = await plugins.tenant_context(plugin_registry, tenant.id)
    assert (await payments.handle_callback(context, hooks, "fake", callback(sign="ok"))).status_code == 404


async def test_another_tenants_payments_are_not_found(make_tenant, plugin_registry):
    tenant, other = await make_tenant(), await make_tenant()
    paid = (await payments.manual(tenant.actor, (await customer(tenant)).id, Money.of("10.00"), date(2026, 3, 3),
                                  "п/п 1")).payment
    with pytest.raises(NotFound):
        await payments.get(other.actor, paid.id)
    with pytest.raises(NotFound):
        await payments.refund(other.actor, plugin_registry, paid.id, Money.of("1.00"), "x")
    assert await payments.search(other.actor) == []


async def test_an_advance_pays_the_invoices_posted_after_it(make_tenant, plugin_registry):
    from tests.day_close.test_close_day import _vps

    from core.services import day_close

    tenant = await make_tenant()
    client, sub = await _vps(tenant)  # 3100.00 a month from 10 March: 2200.00 for March
    advance = await payments.manual(tenant.actor, client.id, Money.of("3000.00"), date(2026, 3, 1), "п/п 1")
    assert advance.payment.allocated == Money.of("0.00")  # nothing to pay yet: it stays on the balance
    await on_day(tenant, date(2026, 3, 11))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    [march] = await documents.search(tenant.actor, documents.DocumentFilter(type="invoice"))
    assert march.status == "paid" and (await payments.get(tenant.actor, advance.payment.id)).record.allocated == \
        Money.of("2200.00")
    manual = await _invoice(tenant, plugin_registry, client, "1000.00", date(2026, 3, 20))
    view = await documents.get(tenant.actor, manual.id)
    assert view.record.status == "posted"  # 800.00 of the advance went towards it
    assert (await payments.get(tenant.actor, advance.payment.id)).record.allocated == Money.of("3000.00")
    assert await balance(tenant, client.id) == Money.of("-200.00")


async def test_a_refund_takes_back_first_what_stayed_on_the_balance_then_from_the_invoices(
        make_tenant, plugin_registry):
    tenant = await make_tenant()
    client = await customer(tenant)
    invoice = await _invoice(tenant, plugin_registry, client, "1000.00", date(2026, 3, 1))
    paid = (await payments.manual(tenant.actor, client.id, Money.of("1200.00"), date(2026, 3, 3), "п/п 1")).payment
    assert [(p.id, part) for p, part in await payments.of_document(tenant.actor, invoice.id)] == [
        (paid.id, Money.of("1000.00"))]
    await payments.refund(tenant.actor, plugin_registry, paid.id, Money.of("200.00"), "переплата")
    assert await _status(tenant, invoice.id) == "paid"  # the 200.00 advance went back, the invoice stays paid
    await payments.refund(tenant.actor, plugin_registry, paid.id, Money.of("300.00"), "частичный возврат")
    view = await documents.get(tenant.actor, invoice.id)
    assert (view.record.status, view.record.paid) == ("posted", Money.of("700.00"))
    assert (await payments.get(tenant.actor, paid.id)).record.allocated == Money.of("700.00")
    assert await balance(tenant, client.id) == Money.of("-300.00")
    with pytest.raises(InvalidInput, match="not an invoice of client"):
        await payments.manual(tenant.actor, (await customer(tenant, "other@fabrika.ru")).id, Money.of("1.00"),
                              date(2026, 3, 4), "п/п 2", invoice_id=invoice.id)


async def test_an_attempt_the_provider_refuses_to_start_is_failed(make_tenant, plugin_registry, register_plugin):
    class Broken(FakeProvider):
        plugin_id, code = "broken_pay", "broken"

        async def start_payment(self, request):
            raise PaymentError("the provider is down")

    register_plugin(declared_plugin(PluginMeta("broken_pay", "Broken pay", "1.0", "A provider that fails"),
                                    saldo_payment_providers=hookimpl(lambda self: [Broken])))
    tenant = await make_tenant()
    await plugins.configure(tenant.actor, plugin_registry, "broken_pay", enabled=True)
    client = await customer(tenant)
    invoice = await _invoice(tenant, plugin_registry, client, "100.00", date(2026, 3, 1))
    with pytest.raises(PaymentError):
        await payments.start(tenant.id, plugin_registry, "broken", invoice.id, return_url="/back")
    assert [p.status for p in await payments.search(tenant.actor)] == ["failed"]

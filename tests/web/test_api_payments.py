"""The payments API: payments entered by hand pay invoices oldest first (or the one named) and a
repeated reference changes nothing; the list and its filters; one payment with its allocations
and refunds; the queue and the assignment of a queued payment; refunds up to what was paid;
fields named on refusal, another tenant's ids not found and a viewer refused every action."""

from __future__ import annotations

from datetime import date

from core.db.tables import LedgerEntry, Payment
from core.domain.money import Money
from core.domain.payments import PaymentStatus
from core.services import payments
from core.services.payments import Incoming
from tests.payments.test_payments import _invoice
from tests.web.test_subscriptions import balance, customer

PAYMENTS = "/api/v1/payments"


async def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def refused(response, status, field=None):
    assert response.status_code == status, response.text
    if field:
        assert [f["field"] for f in response.json()["error"]["fields"]] == [field], response.text


async def test_a_manual_payment_pays_the_oldest_invoices_and_a_repeated_reference_changes_nothing(
        client, make_tenant, api_headers, plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer = await customer(tenant)
    first = await _invoice(tenant, plugin_registry, buyer, "1000.00", date(2026, 3, 1))
    second = await _invoice(tenant, plugin_registry, buyer, "1000.00", date(2026, 4, 1))
    order = {"client_id": buyer.id, "amount": "1500.50", "received_on": "2026-04-05",
             "reference": "п/п 17 от 05.04.2026"}

    paid = await ok(await client.post(PAYMENTS, headers=headers, json=order), 201)
    assert (paid["applied"], paid["status"], paid["provider"], paid["external_id"]) == (
        True, "succeeded", "manual", "п/п 17 от 05.04.2026")
    assert (paid["amount"], paid["allocated"], paid["refunded"], paid["currency"]) == (
        "1500.50", "1500.50", "0.00", "RUB")
    assert [(a["document_id"], a["number"], a["amount"]) for a in paid["allocations"]] == [
        (first.id, first.number, "1000.00"), (second.id, second.number, "500.50")]
    documents = {d["id"]: d for d in (await ok(await client.get("/api/v1/documents", headers=headers)))["items"]}
    assert (documents[first.id]["status"], documents[second.id]["status"]) == ("paid", "posted")
    assert await balance(tenant, buyer.id) == Money.of("-499.50")

    again = await ok(await client.post(PAYMENTS, headers=headers, json=order | {"amount": "99.00"}), 200)
    assert (again["applied"], again["id"], again["amount"]) == (False, paid["id"], "1500.50")
    assert await balance(tenant, buyer.id) == Money.of("-499.50")
    assert await Payment.count().where(Payment.tenant == tenant.id) == 1
    assert await LedgerEntry.count().where((LedgerEntry.tenant == tenant.id) & (LedgerEntry.kind == "payment")) == 1

    # The invoice named is paid first; 600.00 more than it owes stays on the balance.
    named = await ok(await client.post(PAYMENTS, headers=headers, json={
        "client_id": buyer.id, "amount": "1100", "received_on": "2026-04-06", "reference": "п/п 18",
        "invoice_id": second.id}), 201)
    assert ([(a["document_id"], a["amount"]) for a in named["allocations"]], named["allocated"]) == (
        [(second.id, "499.50")], "499.50")
    assert await balance(tenant, buyer.id) == Money.of("600.50")

    shown = await ok(await client.get(f"{PAYMENTS}/{paid['id']}", headers=headers))
    assert (shown["client_name"], shown["received_on"], shown["refunds"]) == ("ООО «Фабрика Бизнеса»", "2026-04-05", [])
    assert [a["amount"] for a in shown["allocations"]] == ["1000.00", "500.50"]


async def test_the_list_filters_by_status_client_and_provider(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    ours, theirs = await customer(tenant), await customer(tenant, "info@apelsin.ru")
    for n, buyer in enumerate((ours, theirs, ours), 1):
        await payments.manual(tenant.actor, buyer.id, Money.of(f"{n}00.00"), date(2026, 3, n), f"п/п {n}")
    queued = await payments.receive(tenant.id, Incoming("bank", "stmt-9", Money.of("77.00"), date(2026, 3, 9),
                                                        PaymentStatus.SUCCEEDED, payer={"inn": "7701234567"}))

    async def listed(**params):
        page = await ok(await client.get(PAYMENTS, headers=headers, params=params))
        return [(p["external_id"], p["amount"], p["status"]) for p in page["items"]]

    assert await listed() == [("stmt-9", "77.00", "queued"), ("п/п 3", "300.00", "succeeded"),
                              ("п/п 2", "200.00", "succeeded"), ("п/п 1", "100.00", "succeeded")]
    assert await listed(client_id=ours.id) == [("п/п 3", "300.00", "succeeded"), ("п/п 1", "100.00", "succeeded")]
    assert await listed(status="queued") == [("stmt-9", "77.00", "queued")]
    assert await listed(provider="manual", limit=2, offset=1) == [("п/п 2", "200.00", "succeeded"),
                                                                   ("п/п 1", "100.00", "succeeded")]
    assert await listed(provider="robokassa") == []
    refused(await client.get(PAYMENTS, headers=headers, params={"status": "lost"}), 400)
    refused(await client.get(PAYMENTS, headers=headers, params={"limit": 0}), 400)

    [waiting] = await ok(await client.get(f"{PAYMENTS}/queue", headers=headers))
    assert (waiting["id"], waiting["queue_reason"], waiting["payer"], waiting["client_id"]) == (
        queued.payment.id, payments.NO_CLIENT, {"inn": "7701234567"}, None)


async def test_a_queued_payment_is_assigned_to_a_client_and_its_invoice(client, make_tenant, api_headers,
                                                                        plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, other = await customer(tenant), await customer(tenant, "info@apelsin.ru")
    older = await _invoice(tenant, plugin_registry, buyer, "300.00", date(2026, 3, 1))
    invoice = await _invoice(tenant, plugin_registry, buyer, "1220.00", date(2026, 3, 2))
    foreign = await _invoice(tenant, plugin_registry, other, "10.00", date(2026, 3, 2))
    queued = (await payments.receive(tenant.id, Incoming(
        "bank", "stmt-1", Money.of("1220.00"), date(2026, 3, 3), PaymentStatus.SUCCEEDED,
        purpose="Оплата по счёту", queue_reason="the invoice number is not in the purpose"))).payment
    url = f"{PAYMENTS}/{queued.id}/assign"

    refused(await client.post(url, headers=headers, json={"client_id": buyer.id, "invoice_id": foreign.id}), 422,
            "invoice_id")
    assigned = await ok(await client.post(url, headers=headers, json={"client_id": buyer.id, "invoice_id": invoice.id}))
    assert (assigned["status"], assigned["client_id"], assigned["allocated"], assigned["queue_reason"]) == (
        "succeeded", buyer.id, "1220.00", "")
    assert [(a["document_id"], a["amount"]) for a in assigned["allocations"]] == [(invoice.id, "1220.00")]
    assert await balance(tenant, buyer.id) == Money.of("-300.00")  # the older invoice still owes
    assert (await ok(await client.get(f"/api/v1/documents/{older.id}", headers=headers)))["status"] == "posted"
    assert (await ok(await client.get(f"/api/v1/documents/{invoice.id}", headers=headers)))["status"] == "paid"
    assert await ok(await client.get(f"{PAYMENTS}/queue", headers=headers)) == []
    refused(await client.post(url, headers=headers, json={"client_id": buyer.id}), 409)


async def test_refunds_lower_the_balance_up_to_what_was_paid(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer = await customer(tenant)
    paid = (await payments.manual(tenant.actor, buyer.id, Money.of("1000.00"), date(2026, 3, 3), "п/п 1")).payment
    url = f"{PAYMENTS}/{paid.id}/refund"

    part = await ok(await client.post(url, headers=headers, json={"amount": "400.01", "reason": "ошибочный платёж"}))
    assert (part["status"], part["refunded"]) == ("succeeded", "400.01")
    assert [(r["amount"], r["reason"], r["status"]) for r in part["refunds"]] == [
        ("400.01", "ошибочный платёж", "succeeded")]
    assert await balance(tenant, buyer.id) == Money.of("599.99")
    refused(await client.post(url, headers=headers, json={"amount": "600.00", "reason": "лишнее"}), 422, "amount")
    refused(await client.post(url, headers=headers, json={"amount": "1.001", "reason": "лишнее"}), 422, "amount")
    refused(await client.post(url, headers=headers, json={"amount": "0", "reason": "лишнее"}), 422, "amount")
    refused(await client.post(url, headers=headers, json={"amount": "10.00", "reason": "  "}), 422, "reason")
    rest = await ok(await client.post(url, headers=headers, json={"amount": "599.99", "reason": "остаток"}))
    assert (rest["status"], rest["refunded"], len(rest["refunds"])) == ("refunded", "1000.00", 2)
    assert await balance(tenant, buyer.id) == Money.of("0.00")
    refused(await client.post(url, headers=headers, json={"amount": "1.00", "reason": "ещё"}), 422, "amount")


async def test_bad_manual_payments_name_the_field_and_change_nothing(client, make_tenant, api_headers,
                                                                     plugin_registry):
    tenant, other = await make_tenant(), await make_tenant()
    headers = await api_headers(tenant)
    buyer, neighbour = await customer(tenant), await customer(tenant, "info@apelsin.ru")
    theirs = await _invoice(tenant, plugin_registry, neighbour, "10.00", date(2026, 3, 1))
    stranger = await customer(other)
    alien = await _invoice(other, plugin_registry, stranger, "10.00", date(2026, 3, 1))
    order = {"client_id": buyer.id, "amount": "100.00", "received_on": "2026-03-05", "reference": "п/п 1"}

    for change, field in (({"amount": "12.345"}, "amount"), ({"amount": "сто"}, "amount"),
                          ({"amount": "-5.00"}, "amount"), ({"amount": "0"}, "amount"),
                          ({"reference": " "}, "reference"), ({"invoice_id": theirs.id}, "invoice_id"),
                          ({"currency": "rub"}, "currency")):
        refused(await client.post(PAYMENTS, headers=headers, json=order | change), 422, field)
    refused(await client.post(PAYMENTS, headers=headers, json=order | {"received_on": "05.03.2026"}), 400)
    refused(await client.post(PAYMENTS, headers=headers, json={"client_id": buyer.id}), 400)
    refused(await client.post(PAYMENTS, headers=headers, json=order | {"client_id": stranger.id}), 404)
    refused(await client.post(PAYMENTS, headers=headers, json=order | {"invoice_id": alien.id}), 404)
    assert await Payment.count().where(Payment.tenant == tenant.id) == 0
    assert await balance(tenant, buyer.id) == Money.of("0")


async def test_another_tenants_payments_are_not_found_and_a_viewer_only_reads(client, make_tenant, api_headers):
    tenant, other = await make_tenant(), await make_tenant()
    headers, viewer = await api_headers(tenant), await api_headers(tenant, role="viewer")
    foreign = await api_headers(other)
    buyer = await customer(tenant)
    paid = (await payments.manual(tenant.actor, buyer.id, Money.of("500.00"), date(2026, 3, 3), "п/п 1")).payment
    queued = (await payments.receive(tenant.id, Incoming("bank", "stmt-1", Money.of("5.00"), date(2026, 3, 3),
                                                         PaymentStatus.SUCCEEDED))).payment

    for url in (f"{PAYMENTS}/{paid.id}", f"{PAYMENTS}/{queued.id}"):
        refused(await client.get(url, headers=foreign), 404)
    refused(await client.post(f"{PAYMENTS}/{queued.id}/assign", headers=foreign,
                              json={"client_id": buyer.id}), 404)
    refused(await client.post(f"{PAYMENTS}/{paid.id}/refund", headers=foreign,
                              json={"amount": "1.00", "reason": "x"}), 404)
    assert (await ok(await client.get(PAYMENTS, headers=foreign)))["items"] == []
    assert await ok(await client.get(f"{PAYMENTS}/queue", headers=foreign)) == []
    refused(await client.post(f"{PAYMENTS}/{queued.id}/assign", headers=headers,
                              json={"client_id": (await customer(other)).id}), 404)

    assert [p["id"] for p in (await ok(await client.get(PAYMENTS, headers=viewer)))["items"]] == [queued.id, paid.id]
    assert (await ok(await client.get(f"{PAYMENTS}/{paid.id}", headers=viewer)))["amount"] == "500.00"
    refused(await client.post(PAYMENTS, headers=viewer, json={
        "client_id": buyer.id, "amount": "1.00", "received_on": "2026-03-05", "reference": "п/п 2"}), 403)
    refused(await client.post(f"{PAYMENTS}/{queued.id}/assign", headers=viewer, json={"client_id": buyer.id}), 403)
    refused(await client.post(f"{PAYMENTS}/{paid.id}/refund", headers=viewer,
                              json={"amount": "1.00", "reason": "x"}), 403)
    assert await balance(tenant, buyer.id) == Money.of("500.00")
    assert (await payments.get(tenant.actor, queued.id)).record.status == "queued"

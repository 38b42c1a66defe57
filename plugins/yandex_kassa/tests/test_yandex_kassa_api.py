"""YooKassa API v3 against a fake API over real HTTP: payments with an Idempotence-Key and a
receipt, notifications checked by address and re-read from the API, refunds, timeouts."""

import asyncio
import base64
import json

import pytest
import yookassa

from core.db.tables import LedgerEntry
from core.domain.money import Money
from core.domain.payments import PaymentError, PaymentRequest, PaymentStatus, ProviderCallback, RefundRequest
from core.services import documents, payments, plugins
from saldo_yandex_kassa.config import YooKassaConfig
from saldo_yandex_kassa.provider import YooKassaProvider
from tests.web.test_subscriptions import balance
from yookassa_fake import SHOPS, YOOKASSA_ADDRESS

RETURN_URL = "https://billing.example/portal/back"


def notification(payment_id: str, event: str = "payment.succeeded", status: str = "succeeded") -> bytes:
    return json.dumps({"type": "notification", "event": event, "object": {
        "id": payment_id, "status": status, "paid": True, "amount": {"value": "1.00", "currency": "RUB"}}}).encode()


def basic(shop_id: str) -> str:
    return "Basic " + base64.b64encode(f"{shop_id}:{SHOPS[shop_id]}".encode()).decode()


async def started(tenant, registry, invoice):
    start = await payments.start(tenant.id, registry, "yookassa", invoice.id, return_url=RETURN_URL)
    [attempt] = await payments.search(tenant.actor, provider="yookassa")
    return start, attempt


async def status_of(tenant, document_id):
    return (await documents.get(tenant.actor, document_id)).record.status


async def credited(tenant) -> int:
    return await LedgerEntry.count().where((LedgerEntry.tenant == tenant.id) & (LedgerEntry.kind == "payment"))


async def test_a_payment_is_created_with_an_idempotence_key_a_receipt_and_the_attempt_in_metadata(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa):
    tenant = await kassa_tenant(send_receipt=True, vat_code=11, tax_system_code=1)
    _, invoice = await open_invoice(tenant, "1220.00")
    start, attempt = await started(tenant, plugin_registry, invoice)

    [create] = fake_yookassa.calls("POST", "/v3/payments")
    payment = fake_yookassa.payments[start.external_id]
    assert start.redirect_url == payment["confirmation"]["confirmation_url"]
    assert (attempt.external_id, attempt.status, attempt.amount) == (start.external_id, "pending",
                                                                      Money.of("1220.00"))
    assert create.headers["Idempotence-Key"] == f"saldo-{tenant.id}-payment-{attempt.id}"
    assert create.headers["Authorization"] == basic("100500")
    body = create.body
    assert body["amount"] == {"value": "1220.00", "currency": "RUB"} and body["capture"] is True
    assert body["confirmation"] == {"type": "redirect", "return_url": RETURN_URL}
    assert body["description"] == f"Оплата по счёту № {invoice.number} от 01.04.2026"
    assert body["metadata"]["saldo_payment_id"] == str(attempt.id)
    assert body["receipt"]["customer"] == {"email": "buh@fabrika.ru"}
    assert body["receipt"]["tax_system_code"] == 1
    [item] = body["receipt"]["items"]
    assert (item["vat_code"], item["amount"], item["payment_mode"], item["payment_subject"]) == (
        11, {"value": "1220.00", "currency": "RUB"}, "full_prepayment", "service")
    assert item["description"] == body["description"] and float(item["quantity"]) == 1

    # The same attempt started again (a retry) gets the same YooKassa payment: nothing is paid twice.
    hooks, context = await plugins.tenant_context(plugin_registry, tenant.id)
    provider = YooKassaProvider(context, context.config("yandex_kassa"))
    again = await provider.start_payment(PaymentRequest(attempt.id, Money.of("1220.00"), body["description"],
                                                        attempt.client_id, "", RETURN_URL, "buh@fabrika.ru"))
    assert again.external_id == start.external_id and len(fake_yookassa.payments) == 1


async def test_a_succeeded_notification_credits_the_client_once_and_pays_the_invoice(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa, from_address):
    tenant = await kassa_tenant()
    client, invoice = await open_invoice(tenant, "1220.00")
    start, attempt = await started(tenant, plugin_registry, invoice)
    fake_yookassa.set_status(start.external_id, "succeeded")
    async with from_address(YOOKASSA_ADDRESS) as yookassa_side:
        answer = await yookassa_side.post(f"/p/{tenant.slug}/yandex_kassa/notify",
                                          content=notification(start.external_id))
        assert answer.status_code == 200
        assert await status_of(tenant, invoice.id) == "paid"
        assert await balance(tenant, client.id) == Money.of("0.00")
        view = await payments.get(tenant.actor, attempt.id)
        assert (view.record.status, view.record.amount, view.record.external_id) == (
            "succeeded", Money.of("1220.00"), start.external_id)
        assert [(a["document"], a["amount_minor"]) for a in view.allocations] == [(invoice.id, 122000)]
        assert [r.path for r in fake_yookassa.calls("GET", "/v3/payments")] == [f"/v3/payments/{start.external_id}"]

        again = await yookassa_side.post(f"/p/{tenant.slug}/yandex_kassa/notify",
                                         content=notification(start.external_id))
        assert again.status_code == 200
    assert await credited(tenant) == 1 and await balance(tenant, client.id) == Money.of("0.00")


async def test_a_notification_from_outside_yookassas_networks_is_refused_without_asking_the_api(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa, from_address, client):
    tenant = await kassa_tenant()
    customer, invoice = await open_invoice(tenant, "1220.00")
    start, attempt = await started(tenant, plugin_registry, invoice)
    fake_yookassa.set_status(start.external_id, "succeeded")
    url = f"/p/{tenant.slug}/yandex_kassa/notify"
    async with from_address("10.0.0.1") as stranger:
        refused = await stranger.post(url, content=notification(start.external_id))
        assert refused.status_code == 403 and "not from YooKassa" in refused.text
        # An untrusted peer cannot name YooKassa in X-Forwarded-For.
        spoofed = await stranger.post(url, content=notification(start.external_id),
                                      headers={"X-Forwarded-For": YOOKASSA_ADDRESS})
        assert spoofed.status_code == 403
    assert (await client.post(url, content=notification(start.external_id))).status_code == 403  # "testclient"
    assert fake_yookassa.calls("GET", "/v3/payments") == []
    assert await credited(tenant) == 0 and await balance(tenant, customer.id) == Money.of("-1220.00")
    assert (await payments.get(tenant.actor, attempt.id)).record.status == "pending"


async def test_behind_a_trusted_proxy_the_forwarded_address_is_checked(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa, from_address):
    tenant = await kassa_tenant(trusted_proxies=["10.9.0.0/24"])
    customer, invoice = await open_invoice(tenant, "500.00")
    start, _ = await started(tenant, plugin_registry, invoice)
    fake_yookassa.set_status(start.external_id, "succeeded")
    url = f"/p/{tenant.slug}/yandex_kassa/notify"
    async with from_address("10.9.0.5") as proxy:
        # The proxy received it from 10.0.0.7, whatever that client wrote before.
        forged = await proxy.post(url, content=notification(start.external_id),
                                  headers={"X-Forwarded-For": f"{YOOKASSA_ADDRESS}, 10.0.0.7"})
        assert forged.status_code == 403 and await credited(tenant) == 0
        assert (await proxy.post(url, content=notification(start.external_id))).status_code == 403
        passed = await proxy.post(url, content=notification(start.external_id),
                                  headers={"X-Forwarded-For": f"203.0.113.9, {YOOKASSA_ADDRESS}"})
        assert passed.status_code == 200
    assert await credited(tenant) == 1 and await balance(tenant, customer.id) == Money.of("0.00")


@pytest.mark.parametrize("api_status, attempt_status", [("pending", "pending"), ("canceled", "failed")])
async def test_only_the_api_is_believed_about_the_status(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa, from_address, api_status, attempt_status):
    tenant = await kassa_tenant()
    customer, invoice = await open_invoice(tenant, "1220.00")
    start, attempt = await started(tenant, plugin_registry, invoice)
    fake_yookassa.set_status(start.external_id, api_status)
    async with from_address(YOOKASSA_ADDRESS) as yookassa_side:
        answer = await yookassa_side.post(f"/p/{tenant.slug}/yandex_kassa/notify",
                                          content=notification(start.external_id))
    assert answer.status_code == 200  # acknowledged: YooKassa notifies again when the status changes
    assert await credited(tenant) == 0 and await balance(tenant, customer.id) == Money.of("-1220.00")
    assert await status_of(tenant, invoice.id) == "posted"
    assert (await payments.get(tenant.actor, attempt.id)).record.status == attempt_status


async def test_a_payment_waiting_for_capture_is_captured_then_credited(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa, from_address):
    tenant = await kassa_tenant()
    customer, invoice = await open_invoice(tenant, "750.50")
    start, _ = await started(tenant, plugin_registry, invoice)
    fake_yookassa.set_status(start.external_id, "waiting_for_capture")
    async with from_address(YOOKASSA_ADDRESS) as yookassa_side:
        answer = await yookassa_side.post(f"/p/{tenant.slug}/yandex_kassa/notify",
                                          content=notification(start.external_id, "payment.waiting_for_capture"))
    assert answer.status_code == 200
    [capture] = fake_yookassa.calls("POST", f"/v3/payments/{start.external_id}/capture")
    assert capture.headers["Idempotence-Key"] == f"saldo-capture-{start.external_id}"
    assert await credited(tenant) == 1 and await balance(tenant, customer.id) == Money.of("0.00")


async def test_refund_notifications_and_other_shops_payments_credit_nothing(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa, from_address):
    mine, theirs = await kassa_tenant("100500"), await kassa_tenant("100600")
    _, invoice = await open_invoice(mine, "300.00")
    start, _ = await started(mine, plugin_registry, invoice)
    fake_yookassa.set_status(start.external_id, "succeeded")
    async with from_address(YOOKASSA_ADDRESS) as yookassa_side:
        # Another shop's tenant is told of this payment: its own shop does not know it.
        other = await yookassa_side.post(f"/p/{theirs.slug}/yandex_kassa/notify",
                                         content=notification(start.external_id))
        assert other.status_code == 400 and "not_found" in other.text
        refund = await yookassa_side.post(f"/p/{mine.slug}/yandex_kassa/notify",
                                          content=notification("21b23b5b-000f-5061-a000-0674e49a8c10",
                                                               "refund.succeeded"))
        assert refund.status_code == 200
        path_trick = json.dumps({"type": "notification", "event": "payment.succeeded",
                                 "object": {"id": f"{start.external_id}/../../refunds"}}).encode()
        for garbage in (b"{not json", b"[]", path_trick):
            assert (await yookassa_side.post(f"/p/{mine.slug}/yandex_kassa/notify", content=garbage)).status_code == 400
    assert await credited(mine) == 0 and await credited(theirs) == 0
    assert [r.headers["Authorization"] for r in fake_yookassa.calls("GET", "/v3/payments")] == [basic("100600")]


async def test_tenants_with_different_shops_call_the_api_concurrently_with_their_own_credentials(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa):
    shops = ["100500", "100600"] * 3
    tenants = [await kassa_tenant(shop) for shop in shops]
    invoices = [(await open_invoice(tenant, "100.00"))[1] for tenant in tenants]
    starts = await asyncio.gather(*(payments.start(t.id, plugin_registry, "yookassa", i.id, return_url=RETURN_URL)
                                    for t, i in zip(tenants, invoices)))
    assert [fake_yookassa.owners[start.external_id] for start in starts] == shops
    creates = fake_yookassa.calls("POST", "/v3/payments")
    assert sorted(r.headers["Authorization"] for r in creates) == [basic("100500")] * 3 + [basic("100600")] * 3
    assert yookassa.Configuration.account_id is None and yookassa.Configuration.secret_key is None


async def test_a_refund_goes_through_the_api_once_per_request(
        kassa_tenant, open_invoice, plugin_registry, fake_yookassa, from_address):
    tenant = await kassa_tenant()
    customer, invoice = await open_invoice(tenant, "1220.00")
    start, attempt = await started(tenant, plugin_registry, invoice)
    fake_yookassa.set_status(start.external_id, "succeeded")
    async with from_address(YOOKASSA_ADDRESS) as yookassa_side:
        await yookassa_side.post(f"/p/{tenant.slug}/yandex_kassa/notify", content=notification(start.external_id))

    refunded = await payments.refund(tenant.actor, plugin_registry, attempt.id, Money.of("220.00"), "перерасчёт")
    assert (refunded.status, refunded.refunded) == ("succeeded", Money.of("220.00"))
    assert await balance(tenant, customer.id) == Money.of("-220.00")
    [call] = fake_yookassa.calls("POST", "/v3/refunds")
    assert (call.body["payment_id"], call.body["amount"], call.body["description"]) == (
        start.external_id, {"value": "220.00", "currency": "RUB"}, "перерасчёт")
    assert call.headers["Idempotence-Key"].startswith("saldo-refund-")
    [refund] = fake_yookassa.refunds.values()
    assert (await payments.get(tenant.actor, attempt.id)).refunds[0]["external_id"] == refund["id"]

    # The same refund asked again (say, after a timeout) returns the first one: nothing is paid twice.
    hooks, context = await plugins.tenant_context(plugin_registry, tenant.id)
    provider = YooKassaProvider(context, context.config("yandex_kassa"))
    again = await provider.refund(RefundRequest(start.external_id, Money.of("220.00"), "перерасчёт"))
    assert (again.refund_id, again.status) == (refund["id"], PaymentStatus.SUCCEEDED)
    assert len(fake_yookassa.refunds) == 1
    with pytest.raises(PaymentError, match="payment cannot be refunded"):
        await provider.refund(RefundRequest("2419a771-000f-5000-9000-1edaf29243f2", Money.of("1.00"), "чужой"))


async def test_a_hung_api_fails_within_the_timeout(tenant_context, hung_api_url):
    config = YooKassaConfig(shop_id="100500", secret_key="test_secret_a", api_url=hung_api_url, timeout_seconds=0.5)
    provider = YooKassaProvider(tenant_context({"yandex_kassa": config}), config)
    request = PaymentRequest(1, Money.of("10.00"), "Оплата", 1, "", RETURN_URL)
    with pytest.raises(PaymentError, match="did not answer payment 1 within 0.5 s") as excinfo:
        await asyncio.wait_for(provider.start_payment(request), 30)  # a regression fails instead of hanging
    assert excinfo.value.retryable
    callback = ProviderCallback("POST", YOOKASSA_ADDRESS, body=notification("22d6d597-000f-5000-9000-145f6df21d6f"))
    with pytest.raises(PaymentError, match="did not answer"):
        await asyncio.wait_for(provider.handle_callback(callback), 30)


async def test_routes_answer_404_when_the_plugin_is_off(kassa_tenant, plugin_registry, client, from_address):
    tenant = await kassa_tenant()
    page = await client.get(f"/p/{tenant.slug}/yandex_kassa/return")
    assert page.status_code == 200 and "Спасибо!" in page.text and f"/portal/{tenant.slug}/" in page.text
    english = await client.get(f"/p/{tenant.slug}/yandex_kassa/return", params={"lang": "en"})
    assert "Thank you!" in english.text
    assert (await client.post(f"/p/{tenant.slug}/yandex_kassa/check-order")).status_code == 404  # legacy off

    await plugins.configure(tenant.actor, plugin_registry, "yandex_kassa", enabled=False)
    async with from_address(YOOKASSA_ADDRESS) as yookassa_side:
        notify = await yookassa_side.post(f"/p/{tenant.slug}/yandex_kassa/notify", content=notification("x"))
    assert notify.status_code == 404
    assert (await client.get(f"/p/{tenant.slug}/yandex_kassa/return")).status_code == 404
    assert (await client.post(f"/p/{tenant.slug}/yandex_kassa/payment-aviso")).status_code == 404

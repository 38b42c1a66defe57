"""The legacy Яндекс.Касса protocol: the payment form link, checkOrder and paymentAviso
signed with MD5 over the fixed fields, XML answers."""

from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from core.db.tables import LedgerEntry
from core.domain.money import Money
from core.services import documents, payments, plugins
from core.services.errors import Conflict
from saldo_yandex_kassa.legacy import md5_signature
from tests.web.test_subscriptions import balance

PASSWORD = "s<kY23653f,{9fcnshwq"
LEGACY = {"legacy_protocol": True, "legacy_shop_id": "13", "legacy_scid": "5561", "legacy_shop_password": PASSWORD}


def test_md5_matches_the_published_vector():
    form = {"action": "checkOrder", "orderSumAmount": "87.10", "orderSumCurrencyPaycash": "643",
            "orderSumBankPaycash": "1001", "shopId": "13", "invoiceId": "55", "customerNumber": "8123294469"}
    assert md5_signature(form, PASSWORD) == "1B35ABE38AA54F2931B0C58646FD1321"


def kassa_form(action: str, attempt_id: int, amount: str = "1220.00", *, invoice_id: str = "2000000123",
               password: str = PASSWORD, **changes) -> dict:
    form = {"requestDatetime": "2026-04-01T12:00:00.000+03:00", "action": action, "shopId": "13",
            "shopArticleId": "777", "invoiceId": invoice_id, "orderNumber": str(attempt_id),
            "customerNumber": str(attempt_id), "orderCreatedDatetime": "2026-04-01T11:59:00.000+03:00",
            "orderSumAmount": amount, "orderSumCurrencyPaycash": "643", "orderSumBankPaycash": "1001",
            "shopSumAmount": amount, "shopSumCurrencyPaycash": "643", "shopSumBankPaycash": "1001",
            "paymentPayerCode": "4100322062290", "paymentType": "AC"}
    if action == "paymentAviso":
        form["paymentDatetime"] = "2026-04-01T12:00:05.000+03:00"
    form["md5"] = md5_signature(form, password)
    form.update(changes)
    return form


def xml(response) -> ElementTree.Element:
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.text)


async def legacy_attempt(kassa_tenant, open_invoice, plugin_registry, amount="1220.00"):
    tenant = await kassa_tenant(**LEGACY)
    client, invoice = await open_invoice(tenant, amount)
    start = await payments.start(tenant.id, plugin_registry, "yandex_legacy", invoice.id,
                                 return_url="https://billing.example/back")
    [attempt] = await payments.search(tenant.actor, provider="yandex_legacy")
    return tenant, client, invoice, start, attempt


async def credited(tenant) -> int:
    return await LedgerEntry.count().where((LedgerEntry.tenant == tenant.id) & (LedgerEntry.kind == "payment"))


async def test_the_payment_form_link_carries_the_shop_the_sum_and_the_attempt(
        kassa_tenant, open_invoice, plugin_registry):
    tenant, _, _, start, attempt = await legacy_attempt(kassa_tenant, open_invoice, plugin_registry)
    link = urlsplit(start.redirect_url)
    assert (link.scheme, link.netloc, link.path) == ("https", "money.yandex.ru", "/eshop.xml")
    assert {k: v[0] for k, v in parse_qs(link.query).items()} == {
        "shopId": "13", "scid": "5561", "sum": "1220.00", "customerNumber": str(attempt.id),
        "orderNumber": str(attempt.id), "shopSuccessURL": "https://billing.example/back",
        "shopFailURL": "https://billing.example/back", "cps_email": "buh@fabrika.ru"}
    assert start.external_id is None and attempt.status == "pending"


async def test_check_order_answers_0_for_a_signed_request_and_1_for_a_forged_one(
        kassa_tenant, open_invoice, plugin_registry, client):
    tenant, customer, _, _, attempt = await legacy_attempt(kassa_tenant, open_invoice, plugin_registry)
    url = f"/p/{tenant.slug}/yandex_kassa/check-order"
    ok = xml(await client.post(url, data=kassa_form("checkOrder", attempt.id)))
    assert ok.tag == "checkOrderResponse"
    assert (ok.get("code"), ok.get("invoiceId"), ok.get("shopId")) == ("0", "2000000123", "13")
    assert ok.get("performedDatetime")
    lower = kassa_form("checkOrder", attempt.id)
    assert xml(await client.post(url, data={**lower, "md5": lower["md5"].lower()})).get("code") == "0"

    forged = xml(await client.post(url, data=kassa_form("checkOrder", attempt.id, password="guess")))
    assert (forged.tag, forged.get("code")) == ("checkOrderResponse", "1")
    changed_sum = xml(await client.post(url, data=kassa_form("checkOrder", attempt.id, orderSumAmount="1.00")))
    assert changed_sum.get("code") == "1"
    other_shop = xml(await client.post(url, data=kassa_form("checkOrder", attempt.id, shopId="14")))
    assert other_shop.get("code") == "1"
    unknown = kassa_form("checkOrder", 0, customerNumber="someone")
    unknown["md5"] = md5_signature(unknown, PASSWORD)
    assert xml(await client.post(url, data=unknown)).get("code") == "100"

    assert await credited(tenant) == 0 and await balance(tenant, customer.id) == Money.of("-1220.00")
    assert (await payments.get(tenant.actor, attempt.id)).record.status == "pending"


async def test_payment_aviso_credits_once_and_a_forged_one_credits_nothing(
        kassa_tenant, open_invoice, plugin_registry, client):
    tenant, customer, invoice, _, attempt = await legacy_attempt(kassa_tenant, open_invoice, plugin_registry)
    url = f"/p/{tenant.slug}/yandex_kassa/payment-aviso"
    forged = xml(await client.post(url, data=kassa_form("paymentAviso", attempt.id, password="guess")))
    assert (forged.tag, forged.get("code")) == ("paymentAvisoResponse", "1")
    assert await credited(tenant) == 0

    for _ in range(2):  # Kassa repeats an aviso until it reads code 0
        done = xml(await client.post(url, data=kassa_form("paymentAviso", attempt.id)))
        assert (done.tag, done.get("code"), done.get("invoiceId")) == ("paymentAvisoResponse", "0", "2000000123")
    assert await credited(tenant) == 1 and await balance(tenant, customer.id) == Money.of("0.00")
    assert (await documents.get(tenant.actor, invoice.id)).record.status == "paid"
    record = (await payments.get(tenant.actor, attempt.id)).record
    assert (record.status, record.external_id, record.amount) == ("succeeded", "2000000123", Money.of("1220.00"))


async def test_legacy_refunds_are_recorded_only_and_a_protocol_left_off_answers_404(
        kassa_tenant, open_invoice, plugin_registry, client):
    tenant, customer, _, _, attempt = await legacy_attempt(kassa_tenant, open_invoice, plugin_registry)
    await client.post(f"/p/{tenant.slug}/yandex_kassa/payment-aviso", data=kassa_form("paymentAviso", attempt.id))
    with pytest.raises(Conflict, match="refunded in the shop's cabinet"):
        await payments.refund(tenant.actor, plugin_registry, attempt.id, Money.of("200.00"), "возврат")
    recorded = await payments.refund(tenant.actor, plugin_registry, attempt.id, Money.of("200.00"), "возврат",
                                     record_only=True)
    assert recorded.refunded == Money.of("200.00") and await balance(tenant, customer.id) == Money.of("-200.00")

    await plugins.configure(tenant.actor, plugin_registry, "yandex_kassa", config={"legacy_protocol": False})
    for path in ("check-order", "payment-aviso"):
        answer = await client.post(f"/p/{tenant.slug}/yandex_kassa/{path}",
                                   data=kassa_form("paymentAviso", attempt.id, invoice_id="2000000124"))
        assert answer.status_code == 404
    assert await credited(tenant) == 1


async def test_an_aviso_the_core_refuses_is_answered_in_kassas_xml(kassa_tenant, open_invoice, plugin_registry, client):
    tenant, customer, _, _, attempt = await legacy_attempt(kassa_tenant, open_invoice, plugin_registry)
    url = f"/p/{tenant.slug}/yandex_kassa/payment-aviso"
    other_sum = kassa_form("paymentAviso", attempt.id, orderSumAmount="1.00")
    other_sum["md5"] = md5_signature(other_sum, PASSWORD)
    refused = xml(await client.post(url, data=other_sum))  # signed, but not what the attempt asked for
    assert (refused.tag, refused.get("code")) == ("paymentAvisoResponse", "200") and "differs" in refused.get("message")
    assert await credited(tenant) == 0 and await balance(tenant, customer.id) == Money.of("-1220.00")

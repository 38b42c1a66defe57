"""The provider alone: payment links and ResultURL parsing (vectors of protocols-ru.md §1.7)."""

from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from core.domain.money import Money
from core.domain.payments import PaymentError, PaymentRequest, PaymentStatus, ProviderCallback, RefundRequest
from core.plugins.testing import build_tenant_context

from saldo_robokassa.config import HashAlgorithm, RobokassaConfig
from saldo_robokassa.provider import RobokassaProvider
from saldo_robokassa.signature import digest
from robokassa_vectors import INIT_5_12

CODE_EXAMPLE = {"merchant_login": "test", "password1": "securepass1", "password2": "securepass2"}


def provider(**settings) -> RobokassaProvider:
    config = RobokassaConfig(**{**CODE_EXAMPLE, **settings})
    return RobokassaProvider(build_tenant_context({"robokassa": config}), config)


def request(payment_id=5, amount="5.12", description="Оплата по счёту № 12 от 01.04.2026", email=None):
    return PaymentRequest(payment_id=payment_id, amount=Money.of(amount), description=description, client_id=1,
                          callback_url="", return_url="", email=email)


async def link(p: RobokassaProvider, req: PaymentRequest) -> tuple[str, dict[str, str]]:
    started = await p.start_payment(req)
    parts = urlsplit(started.redirect_url)
    assert started.external_id == str(req.payment_id)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", dict(parse_qsl(parts.query, keep_blank_values=True))


@pytest.mark.parametrize("algorithm", list(HashAlgorithm))
async def test_payment_link_of_the_official_example_with_every_algorithm(algorithm):
    url, params = await link(provider(hash_algorithm=algorithm.value), request(email="buh@fabrika.ru"))
    assert url == "https://auth.robokassa.ru/Merchant/Index.aspx"
    assert params == {"MerchantLogin": "test", "OutSum": "5.12", "InvId": "5",
                      "Description": "Оплата по счёту № 12 от 01.04.2026", "SignatureValue": INIT_5_12[algorithm],
                      "Email": "buh@fabrika.ru", "Culture": "ru"}


async def test_amounts_have_two_decimals_and_the_description_is_cut_to_100_characters():
    _, params = await link(provider(), request(payment_id=77, amount="1500", description="Ы" * 150))
    assert (params["OutSum"], params["InvId"], params["Description"]) == ("1500.00", "77", "Ы" * 100)
    assert params["SignatureValue"] == digest(HashAlgorithm.MD5, "test:1500.00:77:securepass1")
    assert "Email" not in params and "IsTest" not in params and "Receipt" not in params


async def test_test_mode_signs_with_test_password_1_and_sends_istest():
    p = provider(test_mode=True, test_password1="t-pass-1", test_password2="t-pass-2")
    _, params = await link(p, request())
    assert params["IsTest"] == "1"
    assert params["SignatureValue"] == digest(HashAlgorithm.MD5, "test:5.12:5:t-pass-1")


async def test_receipt_is_sent_url_encoded_and_signed_after_invid():
    p = provider(merchant_login="demo", password1="password_1", send_receipt=True, tax_system="usn_income",
                 receipt_tax="none")
    _, params = await link(p, request(payment_id=8, amount="100.00", description="Подписка на сервис, 1 мес."))
    # One decoding of the link gives the URL-encoded JSON that was signed (§1.7 vector).
    assert params["Receipt"] == (
        "%7B%22sno%22%3A%22usn_income%22%2C%22items%22%3A%5B%7B%22name%22%3A%22%D0%9F%D0%BE%D0%B4%D0%BF%D0%B8%D1"
        "%81%D0%BA%D0%B0%20%D0%BD%D0%B0%20%D1%81%D0%B5%D1%80%D0%B2%D0%B8%D1%81%2C%201%20%D0%BC%D0%B5%D1%81.%22%2C"
        "%22quantity%22%3A1%2C%22sum%22%3A100%2C%22payment_method%22%3A%22full_payment%22%2C%22payment_object%22"
        "%3A%22service%22%2C%22tax%22%3A%22none%22%7D%5D%7D")
    assert params["SignatureValue"] == "96af8809b867b38f0d2adf07b46d2399"


async def test_receipt_carries_kopecks_the_vat_and_the_tax_system():
    p = provider(send_receipt=True, tax_system="osn", receipt_tax="vat22")
    _, params = await link(p, request(payment_id=9, amount="1234.50", description="Хостинг"))
    assert unquote(params["Receipt"]) == (
        '{"sno":"osn","items":[{"name":"Хостинг","quantity":1,"sum":1234.5,"payment_method":"full_payment",'
        '"payment_object":"service","tax":"vat22"}]}')
    assert params["SignatureValue"] == digest(HashAlgorithm.MD5, f"test:1234.50:9:{params['Receipt']}:securepass1")


@pytest.mark.parametrize(("req", "message"), [
    (PaymentRequest(5, Money.of("5.12", "USD"), "x", 1, "", ""), "roubles"),
    (PaymentRequest(5, Money.of("0"), "x", 1, "", ""), "positive"),
    (PaymentRequest(2 ** 31, Money.of("5.12"), "x", 1, "", ""), "InvId"),
])
async def test_a_payment_robokassa_cannot_take_is_refused(req, message):
    with pytest.raises(PaymentError, match=message):
        await provider().start_payment(req)


def result_url(method="POST", **params) -> ProviderCallback:
    fields = {k: v for k, v in params.items() if v is not None}
    return ProviderCallback(method=method, remote_addr="185.59.216.65",
                            **({"form": fields} if method == "POST" else {"query": fields}))


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_result_url_of_the_official_example(method):
    callback = result_url(method, OutSum="5.12", InvId="5", SignatureValue="5E000357E91DE9AC78F9DF163ECEEFA8",
                          Fee="0.15", EMail="buh@fabrika.ru", PaymentMethod="BankCard")
    result = await provider().handle_callback(callback)
    assert (result.external_id, result.payment_id, result.status) == ("5", 5, PaymentStatus.SUCCEEDED)
    assert result.amount == Money.of("5.12")
    assert (result.response.status_code, result.response.body, result.response.media_type) == (200, "OK5",
                                                                                                "text/plain")


async def test_result_url_with_six_decimals_and_shp_parameters():
    p = provider(merchant_login="demo", password1="password_1", password2="password_2", hash_algorithm="sha256")
    callback = result_url(OutSum="100.000000", InvId="450009", Shp_login="Vasya", Shp_oplata="1",
                          SignatureValue="025e4f4f5385f685e8b04a9fcf7021ff3084f89d0afbadd977b3609c09d31fc9")
    result = await p.handle_callback(callback)
    assert (result.amount, result.payment_id, result.response.body) == (Money.of("100.00"), 450009, "OK450009")


async def test_result_url_in_test_mode_is_checked_with_test_password_2():
    p = provider(test_mode=True, test_password1="t1", test_password2="t2")
    signed = digest(HashAlgorithm.MD5, "5.12:5:t2")
    assert (await p.handle_callback(result_url(OutSum="5.12", InvId="5", SignatureValue=signed))).payment_id == 5
    with pytest.raises(PaymentError, match="signature"):
        await p.handle_callback(result_url(OutSum="5.12", InvId="5", SignatureValue="5e000357e91de9ac78f9df163eceefa8"))


@pytest.mark.parametrize("params", [
    {"OutSum": "5.12", "InvId": "5"},  # no signature
    {"OutSum": "5.12", "InvId": "5", "SignatureValue": "5e000357e91de9ac78f9df163eceefa9"},  # forged
    {"OutSum": "512.00", "InvId": "5", "SignatureValue": "5e000357e91de9ac78f9df163eceefa8"},  # amount changed
    {"InvId": "5", "SignatureValue": "5e000357e91de9ac78f9df163eceefa8"},  # no OutSum
    {"OutSum": "5.12", "SignatureValue": "5e000357e91de9ac78f9df163eceefa8"},  # no InvId
])
async def test_a_notification_without_a_valid_signature_is_refused(params):
    with pytest.raises(PaymentError, match="signature"):
        await provider().handle_callback(result_url(**params))


@pytest.mark.parametrize(("out_sum", "inv_id", "message"), [
    ("5.12", "5a", "InvId"), ("5.12", "0", "InvId"), ("5.12", "-5", "InvId"), ("5.12", "2147483648", "InvId"),
    ("5.12", "٥", "InvId"), ("5,12", "5", "OutSum"), ("5.123", "5", "OutSum"), ("NaN", "5", "OutSum"),
    ("0.00", "5", "OutSum"), ("-5.12", "5", "OutSum"),
])
async def test_a_signed_but_garbled_notification_is_refused(out_sum, inv_id, message):
    signed = digest(HashAlgorithm.MD5, f"{out_sum}:{inv_id}:securepass2")
    with pytest.raises(PaymentError, match=message):
        await provider().handle_callback(result_url(OutSum=out_sum, InvId=inv_id, SignatureValue=signed))


async def test_a_post_notification_is_read_from_the_form_only():
    callback = ProviderCallback(method="POST", remote_addr="", query={
        "OutSum": "5.12", "InvId": "5", "SignatureValue": "5e000357e91de9ac78f9df163eceefa8"})
    with pytest.raises(PaymentError, match="signature"):
        await provider().handle_callback(callback)


async def test_refunds_are_left_to_the_cabinet():
    with pytest.raises(PaymentError, match="refunds are made in the Robokassa cabinet"):
        await provider().refund(RefundRequest("5", Money.of("5.12"), "возврат"))

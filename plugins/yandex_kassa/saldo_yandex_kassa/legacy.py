"""The legacy Яндекс.Касса HTTP protocol: the payment form, checkOrder and paymentAviso.

Kassa posts a form signed with MD5 over fixed fields and the shop password, and reads
an XML answer. The core's payment attempt travels in ``customerNumber`` (and, for the
payer's receipt page, ``orderNumber``): ``customerNumber`` is covered by the MD5 while
``orderNumber`` is not, so only the former is believed. Kassa's ``invoiceId`` is the
payment's external id.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Mapping
from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

from core.domain.money import Money
from core.domain.payments import (
    CallbackResponse,
    CallbackResult,
    PaymentError,
    PaymentProvider,
    PaymentRequest,
    PaymentStart,
    PaymentStatus,
    ProviderCallback,
    RefundRequest,
    RefundResult,
)

from saldo_yandex_kassa.config import PLUGIN_ID, YooKassaConfig

SIGNED_FIELDS = ("action", "orderSumAmount", "orderSumCurrencyPaycash", "orderSumBankPaycash", "shopId",
                 "invoiceId", "customerNumber")
CHECK_ORDER, PAYMENT_AVISO = "checkOrder", "paymentAviso"
OK, BAD_SIGNATURE, REFUSED, UNREADABLE = 0, 1, 100, 200
CURRENCIES = {"643": "RUB", "10643": "RUB"}  # roubles; 10643 on the demo server


def md5_signature(form: Mapping[str, str], shop_password: str) -> str:
    """``UPPER(md5("action;orderSumAmount;…;customerNumber;shopPassword"))``."""
    joined = ";".join([*(form.get(name, "") for name in SIGNED_FIELDS), shop_password])
    return hashlib.md5(joined.encode("utf-8")).hexdigest().upper()


def answer(action: str, code: int, invoice_id: str, shop_id: str, message: str = "") -> CallbackResponse:
    """Kassa's XML answer, e.g. ``<checkOrderResponse performedDatetime=… code="0" …/>``."""
    attributes = {"performedDatetime": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                  "code": str(code), "invoiceId": invoice_id, "shopId": shop_id}
    if message:
        attributes["message"] = message
    body = " ".join(f"{name}={quoteattr(value)}" for name, value in attributes.items())
    return CallbackResponse(200, f'<?xml version="1.0" encoding="UTF-8"?><{action}Response {body}/>',
                            "application/xml")


def _sum(form: Mapping[str, str]) -> Money | None:
    currency = CURRENCIES.get(form.get("orderSumCurrencyPaycash", ""))
    try:
        value = Decimal(form.get("orderSumAmount", ""))
    except InvalidOperation:
        return None
    if currency is None or not value.is_finite() or value <= 0 or value != round(value, 2):
        return None
    return Money.of(value, currency)


class LegacyYandexKassaProvider(PaymentProvider):
    """Яндекс.Касса's old protocol, for shops that still use it (``legacy_protocol``)."""

    plugin_id = PLUGIN_ID
    code = "yandex_legacy"
    name = "Яндекс.Касса (старый протокол)"
    config: YooKassaConfig

    @property
    def available(self) -> bool:
        return self.config.legacy_protocol

    def refused(self, callback: ProviderCallback, message: str, status_code: int = 400) -> CallbackResponse:
        """Kassa reads only its XML: a refused aviso (code 200) is sent again later, a refused
        checkOrder (code 100) stops the payment."""
        action = callback.form.get("action", "")
        if action not in (CHECK_ORDER, PAYMENT_AVISO):
            return super().refused(callback, message, status_code)
        return answer(action, UNREADABLE if action == PAYMENT_AVISO else REFUSED, callback.form.get("invoiceId", ""),
                      self.config.legacy_shop_id or "", message)

    def _require_on(self) -> None:
        if not self.config.legacy_protocol:
            raise PaymentError("the legacy Яндекс.Касса protocol is off for this shop")

    async def start_payment(self, request: PaymentRequest) -> PaymentStart:
        self._require_on()
        fields = {"shopId": self.config.legacy_shop_id, "scid": self.config.legacy_scid,
                  "sum": str(request.amount.amount), "customerNumber": str(request.payment_id),
                  "orderNumber": str(request.payment_id), "shopSuccessURL": request.return_url,
                  "shopFailURL": request.return_url}
        if request.email:
            fields["cps_email"] = request.email
        return PaymentStart(f"{self.config.legacy_form_url}?{urlencode(fields)}")

    def _pending(self, action: str, code: int, invoice_id: str, message: str = "") -> CallbackResult:
        """An answer that records nothing."""
        return CallbackResult(invoice_id, PaymentStatus.PENDING, Money.zero(self.tenant.currency),
                              answer(action, code, invoice_id, self.config.legacy_shop_id or "", message))

    async def handle_callback(self, callback: ProviderCallback) -> CallbackResult:
        self._require_on()
        form = callback.form
        action, invoice_id = form.get("action", ""), form.get("invoiceId", "")
        if action not in (CHECK_ORDER, PAYMENT_AVISO):
            raise PaymentError(f"unknown action {action!r}")
        expected = md5_signature(form, self.config.legacy_shop_password.get_secret_value())
        if form.get("shopId") != self.config.legacy_shop_id \
                or not hmac.compare_digest(expected, form.get("md5", "").upper()):
            return self._pending(action, BAD_SIGNATURE, invoice_id, "bad md5")
        amount = _sum(form)
        customer = form.get("customerNumber", "")
        if amount is None or not invoice_id:
            return self._pending(action, UNREADABLE if action == PAYMENT_AVISO else REFUSED, invoice_id,
                                 "bad orderSumAmount, orderSumCurrencyPaycash or invoiceId")
        if action == CHECK_ORDER:
            if not customer.isdigit():
                return self._pending(action, REFUSED, invoice_id, "unknown order")
            return self._pending(action, OK, invoice_id)
        # An unknown customerNumber still records the money: it waits in the accountants' queue.
        return CallbackResult(invoice_id, PaymentStatus.SUCCEEDED, amount,
                              answer(action, OK, invoice_id, self.config.legacy_shop_id or ""),
                              int(customer) if customer.isdigit() else None)

    async def refund(self, request: RefundRequest) -> RefundResult:
        raise PaymentError("payments of the legacy Яндекс.Касса protocol are refunded in the shop's cabinet; "
                           "record such a refund only")

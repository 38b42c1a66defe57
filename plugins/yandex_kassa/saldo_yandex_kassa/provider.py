"""Payments through the YooKassa API v3: create with a receipt, verify notifications by
re-reading the payment, refund."""

from __future__ import annotations

import hashlib
import json
import re

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

from saldo_yandex_kassa.addresses import inside, sender
from saldo_yandex_kassa.api import Shop, ShopPayment, ShopRefund, call
from saldo_yandex_kassa.config import PLUGIN_ID, YooKassaConfig

METADATA_KEY = "saldo_payment_id"
DESCRIPTION_MAX = 128  # payment descriptions and receipt lines
REFUND_DESCRIPTION_MAX = 250
OBJECT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
STATUSES = {"succeeded": PaymentStatus.SUCCEEDED, "canceled": PaymentStatus.FAILED}
ACKNOWLEDGED = CallbackResponse(200, "", "text/plain")  # YooKassa ignores the body; anything but 200 is retried


def _amount(money: Money) -> dict[str, str]:
    return {"value": str(money.amount), "currency": money.currency}


def _notification(body: bytes) -> tuple[str, str]:
    """(event, object id) of a notification; raises PaymentError when it is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        raise PaymentError("the notification is not JSON") from None
    if not isinstance(data, dict) or data.get("type") != "notification" or not isinstance(data.get("object"), dict):
        raise PaymentError("not a YooKassa notification")
    event, object_id = data.get("event"), data["object"].get("id")
    if not isinstance(event, str) or not isinstance(object_id, str) or not OBJECT_ID.match(object_id):
        raise PaymentError("not a YooKassa notification")
    return event, object_id


def _saldo_payment_id(metadata: dict | None) -> int | None:
    value = (metadata or {}).get(METADATA_KEY)
    return int(value) if isinstance(value, str) and value.isdigit() else None


class YooKassaProvider(PaymentProvider):
    """ЮKassa (API v3). Notifications are not signed: the sender's address is checked,
    then only what the API says about the payment is believed."""

    plugin_id = PLUGIN_ID
    code = "yookassa"
    name = "ЮKassa"
    config: YooKassaConfig

    @property
    def _shop(self) -> Shop:
        return Shop.of(self.config)

    def _receipt(self, request: PaymentRequest) -> dict:
        """A 54-FZ receipt: one service line for the whole amount, paid in advance."""
        if not request.email:
            raise PaymentError("a 54-FZ receipt needs the client's e-mail, and the client has none")
        receipt = {
            "customer": {"email": request.email},
            "items": [{"description": request.description[:DESCRIPTION_MAX], "quantity": "1",
                       "amount": _amount(request.amount), "vat_code": self.config.vat_code,
                       "payment_mode": "full_prepayment", "payment_subject": "service"}],
        }
        if self.config.tax_system_code is not None:
            receipt["tax_system_code"] = self.config.tax_system_code
        return receipt

    async def start_payment(self, request: PaymentRequest) -> PaymentStart:
        params = {
            "amount": _amount(request.amount),
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": request.return_url},
            "description": request.description[:DESCRIPTION_MAX],
            "metadata": {METADATA_KEY: str(request.payment_id)},
        }
        if self.config.send_receipt:
            params["receipt"] = self._receipt(request)
        # One key per attempt: a repeated call within YooKassa's 24 hours returns the same payment.
        key = f"saldo-{self.tenant.id}-payment-{request.payment_id}"
        created = await call(self._shop, lambda: ShopPayment.create(params, key),
                             f"payment {request.payment_id}")
        url = getattr(created.confirmation, "confirmation_url", None)
        if not url:
            raise PaymentError(f"YooKassa gave no confirmation address for payment {created.id}")
        return PaymentStart(url, created.id)

    async def handle_callback(self, callback: ProviderCallback) -> CallbackResult:
        source = sender(callback.remote_addr, callback.headers, self.config.trusted_proxies)
        if source is None or not inside(source, self.config.notification_networks):
            raise PaymentError(f"a notification from {source or callback.remote_addr or 'nowhere'} "
                               f"is not from YooKassa's networks", status_code=403)
        event, object_id = _notification(callback.body)
        if not event.startswith("payment."):  # refunds are recorded when staff make them
            return CallbackResult(object_id, PaymentStatus.PENDING, Money.zero(self.tenant.currency), ACKNOWLEDGED)
        shop = self._shop
        payment = await call(shop, lambda: ShopPayment.find_one(object_id), f"payment {object_id}")
        saldo_id = _saldo_payment_id(payment.metadata)
        if payment.status == "waiting_for_capture" and saldo_id is not None:
            payment = await call(shop, lambda: ShopPayment.capture(payment.id, None, f"saldo-capture-{payment.id}"),
                                 f"the capture of payment {payment.id}")
        return CallbackResult(payment.id, STATUSES.get(payment.status, PaymentStatus.PENDING),
                              Money.of(payment.amount.value, payment.amount.currency), ACKNOWLEDGED, saldo_id)

    async def refund(self, request: RefundRequest) -> RefundResult:
        if not OBJECT_ID.match(request.external_id):
            raise PaymentError(f"{request.external_id!r} is not a YooKassa payment id")
        params = {"payment_id": request.external_id, "amount": _amount(request.amount),
                  "description": request.reason[:REFUND_DESCRIPTION_MAX]}
        # The same refund asked again (after a timeout, say) must not pay twice: the key is
        # derived from what is refunded, so a repeat within 24 hours returns the first refund.
        digest = hashlib.sha256(f"{self.tenant.id}:{request.external_id}:{request.amount.minor}:"
                                f"{request.reason}".encode()).hexdigest()[:40]
        done = await call(self._shop, lambda: ShopRefund.create(params, f"saldo-refund-{digest}"),
                          f"the refund of payment {request.external_id}")
        status = STATUSES.get(done.status, PaymentStatus.PENDING)
        if status is PaymentStatus.FAILED:
            reason = getattr(done.cancellation_details, "reason", "") or "no reason given"
            raise PaymentError(f"YooKassa canceled the refund of payment {request.external_id}: {reason}")
        return RefundResult(done.id, status)

"""The Robokassa payment provider: payment links and ResultURL notifications.

The payer is sent to Robokassa's payment page with a link signed with password #1;
the InvId is the core's id of the payment attempt. Robokassa then calls the tenant's
ResultURL, signed with password #2, and expects ``OK{InvId}`` back. The core applies a
notification once per attempt and refuses one whose amount differs from the attempt's
or whose InvId is no attempt of this tenant.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from core.domain.money import Money, MoneyError, to_decimal
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

from saldo_robokassa.config import RobokassaConfig
from saldo_robokassa.signature import encode_receipt, payment_signature, result_signature_valid

PLUGIN_ID = "robokassa"
PAYMENT_URL = "https://auth.robokassa.ru/Merchant/Index.aspx"
CURRENCY = "RUB"  # OutSum is always in roubles
MAX_INV_ID = 2_147_483_647
MAX_DESCRIPTION = 100


class RobokassaProvider(PaymentProvider):
    plugin_id = PLUGIN_ID
    code = PLUGIN_ID
    name = "Robokassa"
    config: RobokassaConfig

    @property
    def _password1(self) -> str:
        secret = self.config.test_password1 if self.config.test_mode else self.config.password1
        return secret.get_secret_value()

    @property
    def _password2(self) -> str:
        secret = self.config.test_password2 if self.config.test_mode else self.config.password2
        return secret.get_secret_value()

    def _receipt(self, request: PaymentRequest) -> dict[str, Any]:
        """A 54-FZ receipt of one service item: what is paid, for the whole amount."""
        return {"sno": self.config.tax_system.value, "items": [{
            "name": request.description[:128], "quantity": 1, "sum": request.amount.amount,
            "payment_method": "full_payment", "payment_object": "service", "tax": self.config.receipt_tax.value}]}

    async def start_payment(self, request: PaymentRequest) -> PaymentStart:
        if request.amount.currency != CURRENCY:
            raise PaymentError(f"Robokassa takes payments in roubles, not {request.amount.currency}")
        if request.amount.amount <= 0:
            raise PaymentError("a payment must be positive")
        if not 0 < request.payment_id <= MAX_INV_ID:
            raise PaymentError(f"payment {request.payment_id} cannot be a Robokassa InvId")
        out_sum, inv_id = f"{request.amount.amount:.2f}", str(request.payment_id)
        receipt = encode_receipt(self._receipt(request)) if self.config.send_receipt else None
        params = {"MerchantLogin": self.config.merchant_login, "OutSum": out_sum, "InvId": inv_id,
                  "Description": request.description[:MAX_DESCRIPTION]}
        if receipt:
            params["Receipt"] = receipt
        params["SignatureValue"] = payment_signature(
            self.config.hash_algorithm, merchant_login=self.config.merchant_login, out_sum=out_sum, inv_id=inv_id,
            password1=self._password1, receipt=receipt)
        if request.email:
            params["Email"] = request.email
        params["Culture"] = "ru"
        if self.config.test_mode:
            params["IsTest"] = "1"
        return PaymentStart(f"{PAYMENT_URL}?{urlencode(params)}", external_id=inv_id)

    async def handle_callback(self, callback: ProviderCallback) -> CallbackResult:
        """A ResultURL notification (GET query or POST form, as set in the cabinet)."""
        params = callback.form if callback.method.upper() == "POST" else callback.query
        if not result_signature_valid(self.config.hash_algorithm, params, self._password2):
            raise PaymentError("the notification's signature is missing or wrong")
        raw_inv_id, raw_out_sum = params["InvId"], params["OutSum"]
        if not re.fullmatch(r"[0-9]{1,10}", raw_inv_id) or not 0 < int(raw_inv_id) <= MAX_INV_ID:
            raise PaymentError(f"InvId {raw_inv_id!r} is not a payment number")
        try:
            amount = Money(to_decimal(raw_out_sum), CURRENCY)
        except MoneyError:
            raise PaymentError(f"OutSum {raw_out_sum!r} is not an amount in roubles and kopecks") from None
        if amount.amount <= 0:
            raise PaymentError(f"OutSum {raw_out_sum!r} is not a positive amount")
        inv_id = str(int(raw_inv_id))
        return CallbackResult(external_id=inv_id, status=PaymentStatus.SUCCEEDED, amount=amount,
                              response=CallbackResponse(200, f"OK{inv_id}"), payment_id=int(inv_id))

    async def refund(self, request: RefundRequest) -> RefundResult:
        raise PaymentError("refunds are made in the Robokassa cabinet")

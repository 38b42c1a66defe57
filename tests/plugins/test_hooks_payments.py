import logging
from datetime import date

import pytest
from pydantic import BaseModel, SecretStr

from core.domain.money import Money
from core.domain.payments import (
    AppliedPayment,
    CallbackResponse,
    CallbackResult,
    PaymentError,
    PaymentProvider,
    PaymentRequest,
    PaymentStart,
    PaymentStatus,
    ProviderCallback,
    RefundResult,
)
from core.plugins.extensions import ExtensionError, instantiate


class CardConfig(BaseModel):
    shop: str
    secret: SecretStr


class CardProvider(PaymentProvider):
    """A provider whose notifications carry the shared secret in a header."""

    plugin_id, code, name = "cards", "cards", "Bank cards"

    async def start_payment(self, request):
        return PaymentStart(f"https://pay.example/{self.config.shop}/{request.payment_id}?sum={request.amount.amount}")

    async def handle_callback(self, callback):
        if callback.headers.get("X-Secret") != self.config.secret.get_secret_value():
            raise PaymentError("bad signature")
        return CallbackResult(callback.form["id"], PaymentStatus.SUCCEEDED, Money.of(callback.form["sum"]),
                              CallbackResponse(body=f"OK{callback.form['id']}"), payment_id=int(callback.form["order"]))

    async def refund(self, request):
        return RefundResult(f"r-{request.external_id}", PaymentStatus.PENDING)


async def test_hook_saldo_payment_providers_are_collected_and_get_the_tenants_config(
    plugin_registry, plugin, tenant_context
):
    plugin("cards", config_model=CardConfig, saldo_payment_providers=lambda: [CardProvider])
    plugin("unused", saldo_payment_providers=lambda: None)
    hooks = plugin_registry.for_tenant({"cards", "unused"})
    results = hooks.hook.saldo_payment_providers()
    assert results == [[CardProvider]]  # pluggy leaves None results out

    tenant = tenant_context(configs={"cards": CardConfig(shop="acme", secret="s3")})
    (provider,) = instantiate(results, tenant, PaymentProvider)
    start = await provider.start_payment(PaymentRequest(payment_id=7, amount=Money.of("1220.00"), description="Счёт 7",
                                                        client_id=1, callback_url="https://x/cb", return_url="https://x"))
    assert start.redirect_url == "https://pay.example/acme/7?sum=1220.00"
    result = await provider.handle_callback(ProviderCallback(
        "POST", "10.0.0.1", headers={"X-Secret": "s3"}, form={"id": "ext-1", "sum": "1220.00", "order": "7"}))
    assert (result.external_id, result.status, result.amount, result.payment_id) == \
        ("ext-1", PaymentStatus.SUCCEEDED, Money.of("1220.00"), 7)
    assert result.response.body == "OKext-1"
    with pytest.raises(PaymentError, match="bad signature"):
        await provider.handle_callback(ProviderCallback("POST", "10.0.0.1", headers={"X-Secret": "guess"}))


def test_hook_saldo_payment_providers_codes_must_be_unique(plugin_registry, plugin, tenant_context):
    class Copy(CardProvider):
        plugin_id = "copycat"

    plugin("cards", saldo_payment_providers=lambda: [CardProvider])
    plugin("copycat", saldo_payment_providers=lambda: [Copy])
    results = plugin_registry.for_tenant({"cards", "copycat"}).hook.saldo_payment_providers()
    with pytest.raises(ExtensionError, match="code 'cards' is used by both"):
        instantiate(results, tenant_context(), PaymentProvider)


async def test_hook_saldo_payment_applied_notifies_enabled_listeners_and_survives_failures(
    plugin_registry, plugin, tenant_context, caplog
):
    receipts = []

    async def send_receipt(tenant, payment):
        receipts.append((tenant.slug, payment.external_id, payment.amount))

    def crm_down(tenant, payment):
        raise ConnectionError("crm unreachable")

    plugin("receipts", saldo_payment_applied=send_receipt)
    plugin("crm", saldo_payment_applied=crm_down)
    plugin("off", saldo_payment_applied=lambda tenant, payment: receipts.append("disabled plugin called"))
    payment = AppliedPayment(id=1, client_id=42, account_id=420, amount=Money.of("500.00"),
                             received_on=date(2026, 3, 3), provider="cards", external_id="ext-9")
    hooks = plugin_registry.for_tenant({"receipts", "crm"})
    with caplog.at_level(logging.ERROR, logger="saldo.plugins"):
        await hooks.notify("saldo_payment_applied", tenant=tenant_context(slug="acme"), payment=payment)
    assert receipts == [("acme", "ext-9", Money.of("500.00"))]
    assert "plugin crm failed in saldo_payment_applied" in caplog.text

"""A tenant's YooKassa settings."""

from __future__ import annotations

import os
from ipaddress import ip_network
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr, ValidationInfo, field_validator

PLUGIN_ID = "yandex_kassa"

# The networks YooKassa sends HTTP notifications from, as listed by its official SDK
# (yookassa 3.13.0, SecurityHelper).
YOOKASSA_NETWORKS = (
    "77.75.153.0/25",
    "77.75.156.11/32",
    "77.75.156.35/32",
    "77.75.154.128/25",
    "185.71.76.0/27",
    "185.71.77.0/27",
    "2a02:5180:0:1509::/64",
    "2a02:5180:0:2655::/64",
    "2a02:5180:0:1533::/64",
    "2a02:5180:0:2669::/64",
)
API_URL = "https://api.yookassa.ru/v3"
# The payment form of the legacy protocol (historical address; the shop's contract names the current one).
LEGACY_FORM_URL = "https://money.yandex.ru/eshop.xml"
DIGITS = r"^\d+$"


class YooKassaConfig(BaseModel):
    shop_id: str = Field(pattern=DIGITS, description="Shop ID (shopId) from the YooKassa cabinet.")
    secret_key: SecretStr = Field(min_length=1, description="Secret key of the API v3 (live_… or test_…).")
    api_url: str = Field(
        default=API_URL, pattern=r"^https?://[^\s/]+(/\S*)?$",
        description="Base address of the YooKassa API v3. Another address is accepted only on a host the "
                    "deployment allows in SALDO_YOOKASSA_API_HOSTS (a test server), so that a tenant cannot make "
                    "the server call an address of its choice.",
    )
    @field_validator("api_url")
    @classmethod
    def _allowed_api_host(cls, value: str) -> str:
        allowed = {h.strip() for h in os.environ.get("SALDO_YOOKASSA_API_HOSTS", "").split(",") if h.strip()}
        if value.rstrip("/") != API_URL and urlsplit(value).hostname not in allowed:
            raise ValueError(f"only {API_URL} (or a host the deployment allows in SALDO_YOOKASSA_API_HOSTS)")
        return value

    timeout_seconds: float = Field(
        default=10, gt=0, le=120, description="Deadline of every call to the YooKassa API, in seconds."
    )
    notification_networks: list[IPvAnyNetwork] = Field(
        default_factory=lambda: [ip_network(n) for n in YOOKASSA_NETWORKS],
        min_length=1,
        description="Source networks from which payment notifications are accepted.",
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Reverse proxies in front of Saldo: their X-Forwarded-For header names the notification's sender.",
    )
    send_receipt: bool = Field(default=False, description="Send a 54-FZ receipt with each payment.")
    vat_code: int | None = Field(
        default=None, ge=1, le=12, validate_default=True,
        description="VAT code (vat_code) of the receipt line: 1 no VAT, 2 0%, 3 10%, 11 22%, 12 22/122… "
                    "(required to send receipts).",
    )
    tax_system_code: int | None = Field(
        default=None, ge=1, le=6,
        description="Tax system on receipts (tax_system_code 1–6); leave empty when the shop has only one.",
    )
    legacy_protocol: bool = Field(
        default=False, description="Also accept the legacy Яндекс.Касса checkOrder/paymentAviso notifications."
    )
    legacy_shop_id: str | None = Field(
        default=None, pattern=DIGITS, validate_default=True,
        description="shopId of the legacy protocol (required when it is on).",
    )
    legacy_scid: str | None = Field(
        default=None, pattern=DIGITS, validate_default=True,
        description="Showcase id (scid) of the legacy payment form (required when the protocol is on).",
    )
    legacy_shop_password: SecretStr | None = Field(
        default=None, validate_default=True,
        description="shopPassword of the legacy protocol (required when it is on).",
    )
    legacy_form_url: str = Field(
        default=LEGACY_FORM_URL, pattern=r"^https://\S+$", description="Payment form of the legacy protocol."
    )

    @field_validator("vat_code")
    @classmethod
    def _needed_for_receipts(cls, value: int | None, info: ValidationInfo) -> int | None:
        if info.data.get("send_receipt") and value is None:
            raise ValueError("required to send receipts")
        return value

    @field_validator("legacy_shop_id", "legacy_scid", "legacy_shop_password")
    @classmethod
    def _needed_for_legacy(cls, value: str | SecretStr | None, info: ValidationInfo) -> str | SecretStr | None:
        filled = value.get_secret_value() if isinstance(value, SecretStr) else value
        if info.data.get("legacy_protocol") and not filled:
            raise ValueError("required for the legacy protocol")
        return value

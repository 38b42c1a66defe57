"""A tenant's YooKassa settings."""

from __future__ import annotations

from ipaddress import ip_network

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr, ValidationInfo, field_validator

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


class YooKassaConfig(BaseModel):
    shop_id: str = Field(pattern=r"^\d+$", description="Shop ID (shopId) from the YooKassa cabinet.")
    secret_key: SecretStr = Field(min_length=1, description="Secret key of the API v3 (live_… or test_…).")
    notification_networks: list[IPvAnyNetwork] = Field(
        default_factory=lambda: [ip_network(n) for n in YOOKASSA_NETWORKS],
        min_length=1,
        description="Source networks from which payment notifications are accepted.",
    )
    legacy_protocol: bool = Field(
        default=False, description="Also accept the legacy Яндекс.Касса checkOrder/paymentAviso notifications."
    )
    legacy_shop_password: SecretStr | None = Field(
        default=None, validate_default=True,
        description="shopPassword of the legacy protocol (required when it is on).",
    )

    @field_validator("legacy_shop_password")
    @classmethod
    def _needed_for_legacy(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if info.data.get("legacy_protocol") and not (value and value.get_secret_value()):
            raise ValueError("required for the legacy protocol")
        return value

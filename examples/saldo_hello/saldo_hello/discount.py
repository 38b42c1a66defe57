from __future__ import annotations

from core.domain.money import Money
from core.domain.pricing import PriceAdjustment, percent_of

from saldo_hello.config import HelloConfig

PLUGIN_ID = "hello"


def discount(config: HelloConfig, base: Money) -> PriceAdjustment | None:
    """``config.percent`` % off ``base``, rounded half-up to the kopeck; None when there is nothing off."""
    amount = percent_of(base, config.percent)
    if amount.is_zero():
        return None
    return PriceAdjustment(amount=-amount, reason=f"{config.reason} {config.percent}%", plugin_id=PLUGIN_ID)

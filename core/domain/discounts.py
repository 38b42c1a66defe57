"""Discounts: a percentage or a fixed amount off a charge line, for a client, a product or
both, within validity dates, optionally only with a promo code.

Every discount that applies becomes its own adjustment line computed from the line's base
(no chaining). Their sum never takes a line below zero: once the base is used up, the
remaining discounts are cut, in the order (id) they were created.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Iterable

from core.domain.money import Money
from core.domain.pricing import PriceAdjustment, round_fraction

PLUGIN_ID = "discounts"
PROMO_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")


class DiscountKind(str, Enum):
    PERCENT = "percent"
    FIXED = "fixed"


class DiscountError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Discount:
    """``value`` is a percentage (0–100) or an amount off a whole period (prorated with the line)."""

    id: int
    kind: DiscountKind
    value: Decimal
    description: str
    client_id: int | None = None
    product_id: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    promo_code: str | None = None

    def __post_init__(self) -> None:
        if self.value <= 0:
            raise DiscountError("a discount must be more than zero", "value")
        if self.kind is DiscountKind.PERCENT and self.value > 100:
            raise DiscountError("a percentage discount cannot be more than 100", "value")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise DiscountError("valid_to is before valid_from", "valid_to")
        if self.promo_code is not None and not PROMO_CODE_RE.match(self.promo_code):
            raise DiscountError("a promo code is 3-32 capital latin letters, digits, '-' or '_'", "promo_code")

    def applies(self, *, client_id: int, product_id: int, on: date, promo_codes: frozenset[str]) -> bool:
        return ((self.client_id is None or self.client_id == client_id)
                and (self.product_id is None or self.product_id == product_id)
                and (self.valid_from is None or self.valid_from <= on)
                and (self.valid_to is None or on <= self.valid_to)
                and (self.promo_code is None or self.promo_code in promo_codes))

    def amount_off(self, base: Money, period_fraction: Fraction) -> Money:
        if self.kind is DiscountKind.PERCENT:
            return Money(round_fraction(Fraction(base.amount) * Fraction(self.value) / 100), base.currency)
        return Money(round_fraction(Fraction(self.value) * period_fraction), base.currency)

    @property
    def reason(self) -> str:
        shown = f"{self.value.normalize():f}%" if self.kind is DiscountKind.PERCENT else f"{self.value:.2f}"
        return f"{self.description} ({shown})"


def discount_adjustments(discounts: Iterable[Discount], base: Money, period_fraction: Fraction, *,
                         client_id: int, product_id: int, on: date,
                         promo_codes: frozenset[str] = frozenset()) -> list[PriceAdjustment]:
    """The adjustment lines of the discounts that apply to a line, never more than its base."""
    left = base.amount
    lines = []
    for discount in sorted(discounts, key=lambda d: d.id):
        if left <= 0 or not discount.applies(client_id=client_id, product_id=product_id, on=on,
                                             promo_codes=promo_codes):
            continue
        off = min(discount.amount_off(base, period_fraction).amount, left)
        if off > 0:
            left -= off
            lines.append(PriceAdjustment(Money(-off, base.currency), discount.reason, PLUGIN_ID))
    return lines

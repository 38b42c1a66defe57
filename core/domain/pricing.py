"""The price of a charge line: a base amount, explicit adjustments, and VAT at the line.

Pricing plugins never fold a running total (no ``previous_value`` chaining): the
base comes from one plugin and every other plugin returns adjustment lines. The
core composes them with :func:`price_charge` in a fixed order, so the result does
not depend on the order plugins were installed in and each adjustment can be
shown on the document.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Iterable

from core.domain.money import (
    QUANTITY_PLACES,
    UNIT_PRICE_PLACES,
    Money,
    MoneyError,
    Number,
    exact,
    money_sum,
    to_decimal,
)


class PricingError(ValueError):
    pass


class VatRate(Enum):
    """VAT rates of a line: 22 % (standard from 2026), 10 %, 0 %, and «без НДС»."""

    VAT22 = "22"
    VAT10 = "10"
    VAT0 = "0"
    NONE = "none"

    @property
    def percent(self) -> Decimal | None:
        """The rate in percent; None for «без НДС» (not a VAT payer or exempt)."""
        return None if self is VatRate.NONE else Decimal(self.value)


@dataclass(frozen=True)
class Charge:
    """A line to price: ``quantity`` units at ``unit_price`` for ``period_fraction`` of a period.

    ``period_fraction`` is 1 for a whole period and less for a prorated one; it is
    kept as an exact ``Fraction`` (e.g. ``Fraction(17, 31)`` from
    :mod:`core.domain.periods`). ``vat_included`` says whether amounts already
    include VAT («в том числе») or VAT is added on top («сверху»).
    """

    description: str
    unit_price: Decimal
    quantity: Decimal = Decimal("1.000")
    period_fraction: Fraction = Fraction(1)
    currency: str = "RUB"
    vat_rate: VatRate = VatRate.NONE
    vat_included: bool = True
    client_id: int | None = None
    subscription_id: int | None = None

    def __post_init__(self) -> None:
        try:
            unit_price = exact(self.unit_price, UNIT_PRICE_PLACES, "unit price")
            quantity = exact(self.quantity, QUANTITY_PLACES, "quantity")
            fraction = self.period_fraction
            if not isinstance(fraction, Fraction):
                fraction = Fraction(to_decimal(fraction))
            Money.zero(self.currency)  # checks the currency code
        except MoneyError as exc:
            raise PricingError(str(exc)) from None
        if unit_price < 0 or quantity < 0 or fraction < 0:
            raise PricingError("unit price, quantity and period fraction cannot be negative")
        object.__setattr__(self, "unit_price", unit_price)
        object.__setattr__(self, "quantity", quantity)
        object.__setattr__(self, "period_fraction", fraction)


@dataclass(frozen=True)
class PriceAdjustment:
    """One explicit change to a line's amount (negative for a discount), shown on the document."""

    amount: Money
    reason: str
    plugin_id: str


@dataclass(frozen=True)
class PricedLine:
    """A priced charge. ``amount`` is base plus adjustments; ``total`` is what the client pays.

    With VAT included, ``total`` equals ``amount`` and ``net`` is ``amount`` minus VAT;
    with VAT on top, ``net`` equals ``amount`` and ``total`` is ``net`` plus VAT.
    """

    charge: Charge
    base: Money
    adjustments: tuple[PriceAdjustment, ...]
    amount: Money
    net: Money
    vat: Money
    total: Money


def round_fraction(value: Fraction) -> Decimal:
    """An exact fraction rounded half-up (away from zero) to the kopeck."""
    kopecks = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(kopecks if value >= 0 else -kopecks).scaleb(-2)


def base_amount(charge: Charge) -> Money:
    """unit price × quantity × period fraction, computed exactly, rounded half-up to the kopeck."""
    exact_amount = Fraction(charge.unit_price) * Fraction(charge.quantity) * charge.period_fraction
    return Money(round_fraction(exact_amount), charge.currency)


def vat_of(amount: Money, rate: VatRate, included: bool) -> Money:
    """The VAT of ``amount`` at ``rate``, rounded half-up: the included part or the part on top."""
    percent = rate.percent
    if not percent:
        return Money.zero(amount.currency)
    divisor = 100 + percent if included else Decimal(100)
    return Money.of(amount.amount * percent / divisor, amount.currency)


def price_charge(charge: Charge, base: Money, adjustments: Iterable[PriceAdjustment] = ()) -> PricedLine:
    """Compose a line from its base and adjustments, then compute its VAT.

    Adjustments are applied in the order (plugin id, reason, amount), whatever order
    the plugins returned them in; each is already rounded, so the line amount is an
    exact sum. A line whose amount would be negative is an error, not a credit.
    """
    ordered = tuple(sorted(adjustments, key=lambda a: (a.plugin_id, a.reason, a.amount.amount)))
    for item in (base, *(a.amount for a in ordered)):
        if item.currency != charge.currency:
            raise PricingError(f"{item} is not in the charge's currency {charge.currency}")
    amount = base + money_sum((a.amount for a in ordered), charge.currency)
    if amount.amount < 0:
        raise PricingError(f"adjustments take {charge.description!r} below zero ({amount})")
    vat = vat_of(amount, charge.vat_rate, charge.vat_included)
    net, total = (amount - vat, amount) if charge.vat_included else (amount, amount + vat)
    return PricedLine(charge=charge, base=base, adjustments=ordered, amount=amount, net=net, vat=vat, total=total)


def percent_of(amount: Money, percent: Number) -> Money:
    """``percent`` % of ``amount``, rounded half-up (for percentage discounts and fees)."""
    return amount.times(to_decimal(percent) / 100)

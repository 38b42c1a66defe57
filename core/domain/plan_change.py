"""Plan changes inside a paid period, prorated by days.

A subscription is a set of priced items (the plan and its options). A change at
once credits the unused part of what goes away and charges the rest of the period
for what comes: an item that only changes quantity is one line for the difference;
an item that changes price is a credit of the old and a charge of the new. Lines
are rounded half-up away from zero, so a change and its reverse on the same day
net to exactly zero. A change from the next period has no lines now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from core.domain.money import Money
from core.domain.periods import Period, remaining_fraction
from core.domain.pricing import Charge, VatRate, base_amount


class ChangeKind(str, Enum):
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    CROSSGRADE = "crossgrade"


class ChangePolicy(str, Enum):
    AT_ONCE = "at_once"
    NEXT_PERIOD = "next_period"


@dataclass(frozen=True)
class Item:
    """One priced part of a subscription: ``key`` identifies it across plans (e.g. "plan",
    "option:users"); ``unit_price`` is per unit for a whole period."""

    key: str
    description: str
    unit_price: Decimal
    quantity: Decimal = Decimal("1.000")
    vat_rate: VatRate = VatRate.NONE
    vat_included: bool = True

    def period_amount(self, currency: str) -> Money:
        return base_amount(self.charge(Fraction(1), currency, self.quantity))

    def charge(self, fraction: Fraction, currency: str, quantity: Decimal) -> Charge:
        return Charge(description=self.description, unit_price=self.unit_price, quantity=quantity,
                      period_fraction=fraction, currency=currency, vat_rate=self.vat_rate,
                      vat_included=self.vat_included)


@dataclass(frozen=True)
class ChangeLine:
    """A charge (``sign`` +1) or a credit (``sign`` -1) of ``charge`` for the rest of the period."""

    charge: Charge
    sign: int
    period: Period

    def amount(self) -> Money:
        """The amount at the default price (the pricing hooks may adjust it)."""
        base = base_amount(self.charge)
        return base if self.sign > 0 else -base


def classify(old: list[Item], new: list[Item], currency: str, old_months: int = 1, new_months: int = 1) -> ChangeKind:
    """Dearer, cheaper or equally priced; across billing cycles, compared per month."""
    before = sum((i.period_amount(currency).amount for i in old), Decimal(0)) * new_months
    after = sum((i.period_amount(currency).amount for i in new), Decimal(0)) * old_months
    if after > before:
        return ChangeKind.UPGRADE
    return ChangeKind.DOWNGRADE if after < before else ChangeKind.CROSSGRADE


def change_lines(old: list[Item], new: list[Item], period: Period, on: date, currency: str) -> list[ChangeLine]:
    """The lines of a change made on ``on`` inside ``period`` (seed 001: «150 / 181»)."""
    fraction = remaining_fraction(period, on)
    rest = Period(on, period.end)
    old_by_key = {i.key: i for i in old}
    new_by_key = {i.key: i for i in new}
    lines: list[ChangeLine] = []
    for key in sorted(old_by_key.keys() | new_by_key.keys()):
        before, after = old_by_key.get(key), new_by_key.get(key)
        if before and after and (before.unit_price, before.vat_rate, before.vat_included) == (
                after.unit_price, after.vat_rate, after.vat_included):
            delta = after.quantity - before.quantity
            if delta:
                lines.append(ChangeLine(after.charge(fraction, currency, abs(delta)), 1 if delta > 0 else -1, rest))
            continue
        if before and before.quantity:
            lines.append(ChangeLine(before.charge(fraction, currency, before.quantity), -1, rest))
        if after and after.quantity:
            lines.append(ChangeLine(after.charge(fraction, currency, after.quantity), 1, rest))
    return lines

"""Products, their kinds and payment models, and which price applies to a period.

A price change takes effect either at once, splitting the current period into
prorated parts (``prorate_now``), or from the first period that starts on or after
its date (``next_period``). The choice is made explicitly with each new price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import Iterable

from core.domain.periods import BillingCycle, Period


class ProductKind(str, Enum):
    RECURRING = "recurring"
    ONE_TIME = "one_time"
    USAGE = "usage"
    FREE = "free"


class PaymentModel(str, Enum):
    PREPAID = "prepaid"
    POSTPAID = "postpaid"


class PriceApply(str, Enum):
    PRORATE_NOW = "prorate_now"
    NEXT_PERIOD = "next_period"


# Units of measure with their ОКЕИ codes, as printed on acts and tax invoices.
OKEI_UNITS = {
    "796": "шт",
    "642": "ед",
    "362": "мес",
    "356": "ч",
    "359": "сут",
    "2553": "Гбайт",
    "839": "компл",
    "384": "тыс руб",
}


class CatalogError(ValueError):
    pass


@dataclass(frozen=True)
class PricePoint:
    """A price of one billing cycle from a date on."""

    cycle: BillingCycle
    unit_price: Decimal
    effective_from: date
    apply_mode: PriceApply = PriceApply.NEXT_PERIOD
    setup_fee: Decimal = Decimal("0.00")

    def __post_init__(self) -> None:
        if self.unit_price < 0 or self.setup_fee < 0:
            raise CatalogError("prices cannot be negative")


def cycles_allowed(kind: ProductKind) -> frozenset[BillingCycle]:
    if kind is ProductKind.FREE:
        return frozenset({BillingCycle.FREE})
    if kind is ProductKind.ONE_TIME:
        return frozenset({BillingCycle.ONE_TIME})
    return frozenset(c for c in BillingCycle if c.recurring)


def price_on(points: Iterable[PricePoint], cycle: BillingCycle, day: date) -> PricePoint | None:
    """The price of ``cycle`` in effect on ``day`` (the latest one dated on or before it)."""
    current = [p for p in points if p.cycle == cycle and p.effective_from <= day]
    return max(current, key=lambda p: p.effective_from, default=None)


def price_segments(points: Iterable[PricePoint], cycle: BillingCycle,
                   period: Period) -> list[tuple[Period, PricePoint]]:
    """The parts of ``period`` and the price of each.

    The period starts at the price in effect on its first day; a ``prorate_now``
    change dated inside the period starts a new part on its date; a
    ``next_period`` change dated inside it waits for the next period.
    """
    points = [p for p in points if p.cycle == cycle]
    first = price_on(points, cycle, period.start)
    if first is None:
        raise CatalogError(f"no {cycle.value} price in effect on {period.start}")
    changes = sorted(
        (p for p in points if p.apply_mode is PriceApply.PRORATE_NOW and period.start < p.effective_from <= period.end),
        key=lambda p: p.effective_from,
    )
    segments: list[tuple[Period, PricePoint]] = []
    start, price = period.start, first
    for change in changes:
        segments.append((Period(start, change.effective_from - timedelta(days=1)), price))
        start, price = change.effective_from, change
    segments.append((Period(start, period.end), price))
    return segments

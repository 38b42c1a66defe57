"""Billing cycles, service periods and day-based proration.

Periods are closed date ranges ``[start, end]``. Recurring periods follow a
``billing_day``: a period starts on that day of a month and ends the day before it
comes round again; ``billing_day=1`` is calendar-month alignment, under which every
period ends on the last day of a month (seed 001: «Крайняя дата всегда последнее
число месяца»). A billing day past the end of a short month falls on its last day.
A first period that starts between billing days runs to the next period end and is
charged for its share of the full period it belongs to.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from fractions import Fraction


class BillingCycle(str, Enum):
    FREE = "free"
    ONE_TIME = "one_time"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    BIENNIAL = "biennial"
    TRIENNIAL = "triennial"

    @property
    def months(self) -> int | None:
        """Length in months; None for free and one-time, which have no periods."""
        return _MONTHS.get(self)

    @property
    def recurring(self) -> bool:
        return self.months is not None


_MONTHS = {
    BillingCycle.MONTHLY: 1,
    BillingCycle.QUARTERLY: 3,
    BillingCycle.SEMIANNUAL: 6,
    BillingCycle.ANNUAL: 12,
    BillingCycle.BIENNIAL: 24,
    BillingCycle.TRIENNIAL: 36,
}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"period ends {self.end} before it starts {self.start}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def days_from(self, day: date) -> int:
        """Days from ``day`` to the end of the period, both included (0 after the end)."""
        if day < self.start:
            return self.days
        return max((self.end - day).days + 1, 0)

    def __str__(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"


def add_months(day: date, months: int, day_of_month: int | None = None) -> date:
    """``day`` moved by ``months`` calendar months, on ``day_of_month`` (default: the same day),
    clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day_of_month or day.day, last))


def _check(cycle: BillingCycle, billing_day: int) -> int:
    if not cycle.recurring:
        raise PeriodError(f"a {cycle.value} subscription has no billing periods")
    if not 1 <= billing_day <= 31:
        raise PeriodError(f"billing day must be 1..31, got {billing_day}")
    return cycle.months


def period_starting(anchor: date, cycle: BillingCycle, billing_day: int) -> Period:
    """The full period that starts on ``anchor`` (a billing day)."""
    months = _check(cycle, billing_day)
    return Period(anchor, add_months(anchor, months, billing_day) - timedelta(days=1))


def anchor_on_or_before(day: date, billing_day: int) -> date:
    """The latest billing day that is not after ``day``."""
    this_month = add_months(day.replace(day=1), 0, billing_day)
    return this_month if this_month <= day else add_months(day.replace(day=1), -1, billing_day)


def first_period(start: date, cycle: BillingCycle, billing_day: int = 1) -> tuple[Period, Period]:
    """The first service period of a subscription started on ``start``, and the full period
    it is a share of. They are equal when ``start`` falls on a billing day."""
    anchor = anchor_on_or_before(start, billing_day)
    full = period_starting(anchor, cycle, billing_day)
    return Period(start, full.end), full


def next_period(period: Period, cycle: BillingCycle, billing_day: int = 1) -> Period:
    """The full period following ``period``."""
    return period_starting(period.end + timedelta(days=1), cycle, billing_day)


def remaining_fraction(period: Period, on: date) -> Fraction:
    """The share of ``period`` from ``on`` to its end, by days (seed 001: «150 / 181»)."""
    if on not in period:
        raise PeriodError(f"{on} is outside the period {period}")
    return Fraction(period.days_from(on), period.days)


def share_fraction(part: Period, whole: Period) -> Fraction:
    """The share of ``whole`` that ``part`` (a sub-range of it) covers, by days."""
    if part.start < whole.start or part.end > whole.end:
        raise PeriodError(f"{part} is not inside {whole}")
    return Fraction(part.days, whole.days)

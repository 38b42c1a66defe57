"""Which charges of a subscription fall due by a business date, and how it moves on.

A subscription's ``next_billing_date`` is the business date on which its next charge
falls due: the first day of a period under the prepaid model, its last day under the
postpaid model, the activation date of a one-time product. Activation sets the first
(possibly partial) period and that date; the day close then bills every period whose
date has come, in order, and moves the subscription to the next period. At a period
boundary a cancellation at the period's end takes effect, and a plan change scheduled
for the new period's first day is applied before that period is priced.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Mapping

from core.domain.catalog import PaymentModel
from core.domain.periods import BillingCycle, Period, anchor_on_or_before, first_period, period_starting, share_fraction

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class BillingState:
    """What the day close reads and writes of a subscription to bill it."""

    cycle: BillingCycle
    billing_day: int
    payment_model: PaymentModel
    period: Period | None
    next_billing_date: date | None
    cancel_at_period_end: bool = False
    cancelled_on: date | None = None  # set when a cancellation at the period's end took effect


@dataclass(frozen=True)
class Due:
    """One charge that falls due: the period it pays for (a single day for one-time
    products), its share of the full period, and the scheduled change taking effect at
    this period's start (prepaid) or right after it (postpaid)."""

    period: Period
    fraction: Fraction
    due_on: date
    cycle: BillingCycle
    change_id: int | None = None
    change_first: bool = True  # prepaid: the change is priced in this period; postpaid: from the next


def due_date(period: Period, model: PaymentModel) -> date:
    return period.end if model is PaymentModel.POSTPAID else period.start


def activation(start: date, cycle: BillingCycle, billing_day: int, model: PaymentModel,
               on: date) -> tuple[Period | None, date | None]:
    """The first period and next billing date of a subscription activated on ``on``."""
    if cycle is BillingCycle.ONE_TIME:
        return None, max(start, on)
    if not cycle.recurring:
        return None, None
    period, _ = first_period(start, cycle, billing_day)
    return period, due_date(period, model)


def full_period_of(period: Period, cycle: BillingCycle, billing_day: int) -> Period:
    """The full period that ``period`` (perhaps a first, partial one) is a share of."""
    return period_starting(anchor_on_or_before(period.start, billing_day), cycle, billing_day)


def dues(state: BillingState, on: date,
         scheduled: Mapping[date, tuple[int, BillingCycle]] = {}) -> tuple[list[Due], BillingState]:
    """Every charge that falls due on or before ``on``, and the state after billing them.

    ``scheduled`` maps a period's first day to the id and billing cycle of the plan
    change that takes effect then.
    """
    found: list[Due] = []
    if state.next_billing_date is None or state.next_billing_date > on:
        return found, state
    if state.cycle is BillingCycle.ONE_TIME:
        day = state.next_billing_date
        return [Due(Period(day, day), Fraction(1), day, state.cycle)], replace(state, next_billing_date=None)
    if state.period is None:
        raise ValueError("a recurring subscription being billed has no period")
    while state.next_billing_date is not None and state.next_billing_date <= on:
        if state.payment_model is PaymentModel.POSTPAID:
            state, due = _postpaid_step(state, scheduled)
        else:
            state, due = _prepaid_step(state, scheduled)
        if due is not None:
            found.append(due)
    return found, state


def _prepaid_step(state: BillingState, scheduled) -> tuple[BillingState, Due | None]:
    change_id = None
    if state.next_billing_date == state.period.start:  # the first period, set at activation
        period, cycle = state.period, state.cycle
    else:
        starts = state.next_billing_date
        if state.cancel_at_period_end:
            return replace(state, next_billing_date=None, cancelled_on=starts), None
        change_id, cycle = scheduled.get(starts, (None, state.cycle))
        period = period_starting(starts, cycle, state.billing_day)
    fraction = share_fraction(period, full_period_of(period, cycle, state.billing_day))
    after = replace(state, cycle=cycle, period=period, next_billing_date=period.end + ONE_DAY)
    return after, Due(period, fraction, period.start, cycle, change_id)


def _postpaid_step(state: BillingState, scheduled) -> tuple[BillingState, Due]:
    period = state.period
    fraction = share_fraction(period, full_period_of(period, state.cycle, state.billing_day))
    starts = period.end + ONE_DAY
    if state.cancel_at_period_end:
        return replace(state, next_billing_date=None, cancelled_on=starts), Due(period, fraction, period.end,
                                                                                state.cycle)
    change_id, cycle = scheduled.get(starts, (None, state.cycle))
    following = period_starting(starts, cycle, state.billing_day)
    after = replace(state, cycle=cycle, period=following, next_billing_date=following.end)
    return after, Due(period, fraction, period.end, state.cycle, change_id, change_first=False)

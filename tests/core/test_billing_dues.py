"""When charges fall due (prepaid, postpaid, one-time) and how a subscription moves on;
property tests: closing day by day bills exactly what one late close bills, with no gap
and no overlap between the periods charged."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.billing import BillingState, activation, dues
from core.domain.catalog import PaymentModel
from core.domain.day_close import close_due, dates_to_close, financial_period
from core.domain.periods import BillingCycle, Period

PREPAID, POSTPAID = PaymentModel.PREPAID, PaymentModel.POSTPAID


def _active(start, cycle=BillingCycle.MONTHLY, billing_day=1, model=PREPAID):
    period, due = activation(start, cycle, billing_day, model, start)
    return BillingState(cycle, billing_day, model, period, due)


def test_prepaid_first_partial_month_then_whole_months():
    found, after = dues(_active(date(2026, 3, 10)), date(2026, 4, 1))
    assert [(d.period, d.fraction, d.due_on) for d in found] == [
        (Period(date(2026, 3, 10), date(2026, 3, 31)), Fraction(22, 31), date(2026, 3, 10)),
        (Period(date(2026, 4, 1), date(2026, 4, 30)), Fraction(1), date(2026, 4, 1)),
    ]
    assert (after.period, after.next_billing_date) == (Period(date(2026, 4, 1), date(2026, 4, 30)), date(2026, 5, 1))
    assert dues(after, date(2026, 4, 30)) == ([], after)


def test_postpaid_is_due_on_the_last_day_of_its_period():
    state = _active(date(2026, 3, 10), model=POSTPAID)
    assert state.next_billing_date == date(2026, 3, 31)
    assert dues(state, date(2026, 3, 30))[0] == []
    [due], after = dues(state, date(2026, 3, 31))
    assert (due.period, due.fraction, due.due_on) == (Period(date(2026, 3, 10), date(2026, 3, 31)), Fraction(22, 31),
                                                      date(2026, 3, 31))
    assert (after.period, after.next_billing_date) == (Period(date(2026, 4, 1), date(2026, 4, 30)), date(2026, 4, 30))


def test_one_time_is_due_once_on_activation():
    state = _active(date(2026, 3, 10), cycle=BillingCycle.ONE_TIME)
    [due], after = dues(state, date(2026, 3, 12))
    assert (due.period, due.fraction) == (Period(date(2026, 3, 10), date(2026, 3, 10)), 1)
    assert after.next_billing_date is None and dues(after, date(2027, 1, 1))[0] == []


def test_a_cancellation_at_the_period_end_stops_billing_at_the_boundary():
    state = _active(date(2026, 3, 1))
    _, state = dues(state, date(2026, 3, 1))
    cancelled = BillingState(**{**state.__dict__, "cancel_at_period_end": True})
    found, after = dues(cancelled, date(2026, 4, 5))
    assert found == [] and after.cancelled_on == date(2026, 4, 1) and after.next_billing_date is None
    post = _active(date(2026, 3, 1), model=POSTPAID)
    found, after = dues(BillingState(**{**post.__dict__, "cancel_at_period_end": True}), date(2026, 4, 5))
    assert [d.period for d in found] == [Period(date(2026, 3, 1), date(2026, 3, 31))]  # the used month is billed
    assert after.cancelled_on == date(2026, 4, 1)


def test_a_scheduled_cycle_change_starts_the_next_period_on_the_new_cycle():
    _, state = dues(_active(date(2026, 3, 1)), date(2026, 3, 1))
    found, after = dues(state, date(2026, 4, 1), {date(2026, 4, 1): (7, BillingCycle.QUARTERLY)})
    assert [(d.period, d.change_id, d.cycle) for d in found] == [
        (Period(date(2026, 4, 1), date(2026, 6, 30)), 7, BillingCycle.QUARTERLY)]
    assert after.cycle is BillingCycle.QUARTERLY and after.next_billing_date == date(2026, 7, 1)


cycles = st.sampled_from([BillingCycle.MONTHLY, BillingCycle.QUARTERLY, BillingCycle.ANNUAL])


@settings(max_examples=150, deadline=None)
@given(start=st.dates(date(2024, 1, 1), date(2027, 12, 31)), cycle=cycles, billing_day=st.integers(1, 31),
       model=st.sampled_from([PREPAID, POSTPAID]), days=st.integers(0, 800), step=st.integers(1, 45))
def test_closing_in_any_steps_bills_the_same_contiguous_periods(start, cycle, billing_day, model, days, step):
    end = start + timedelta(days=days)
    at_once, last = dues(_active(start, cycle, billing_day, model), end)
    state, stepped, day = _active(start, cycle, billing_day, model), [], start
    while day <= end:
        found, state = dues(state, day)
        stepped += found
        day = min(day + timedelta(days=step), end) if day < end else end + timedelta(days=1)
    assert stepped == at_once and state == last
    for before, after in zip(at_once, at_once[1:]):
        assert after.period.start == before.period.end + timedelta(days=1)  # no gap, no overlap
    for due in at_once:
        assert due.due_on <= end and 0 < due.fraction <= 1
        assert due.due_on == (due.period.end if model is POSTPAID else due.period.start)
    if at_once:
        assert at_once[0].period.start == start
    assert all(d.fraction == 1 for d in at_once[1:])


def test_dates_to_close_and_the_close_time():
    assert dates_to_close(None, date(2026, 2, 1)) == [date(2026, 2, 1)]
    assert dates_to_close(date(2026, 1, 30), date(2026, 2, 1)) == [date(2026, 1, 31), date(2026, 2, 1)]
    assert dates_to_close(date(2026, 2, 1), date(2026, 2, 1)) == []
    from datetime import datetime, time
    assert close_due(datetime(2026, 2, 2, 4, 0), time(4, 0)) == date(2026, 2, 1)  # seed 000
    assert close_due(datetime(2026, 2, 2, 3, 59), time(4, 0)) == date(2026, 1, 31)
    assert financial_period(date(2026, 2, 14)) == Period(date(2026, 2, 1), date(2026, 2, 28))

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.periods import (
    BillingCycle,
    Period,
    PeriodError,
    add_months,
    first_period,
    next_period,
    remaining_fraction,
)


def test_seed_001_semiannual_period_and_the_150_of_181_share():
    period, full = first_period(date(2019, 2, 1), BillingCycle.SEMIANNUAL)
    assert period == full == Period(date(2019, 2, 1), date(2019, 7, 31))
    assert period.days == 181
    assert remaining_fraction(period, date(2019, 3, 4)) == Fraction(150, 181)


def test_seed_001_addon_started_mid_period_ends_with_the_main_period():
    period, full = first_period(date(2019, 2, 8), BillingCycle.SEMIANNUAL)
    assert period == Period(date(2019, 2, 8), date(2019, 7, 31))
    assert full == Period(date(2019, 2, 1), date(2019, 7, 31))


def test_calendar_month_alignment_ends_every_period_on_a_month_end():
    period, _ = first_period(date(2026, 1, 20), BillingCycle.MONTHLY)
    assert period == Period(date(2026, 1, 20), date(2026, 1, 31))
    periods = [period]
    for _ in range(13):
        periods.append(next_period(periods[-1], BillingCycle.MONTHLY))
    assert periods[2] == Period(date(2026, 3, 1), date(2026, 3, 31))
    assert periods[1] == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert all((p.end + timedelta(days=1)).day == 1 for p in periods)


def test_billing_day_past_a_short_month_falls_on_its_last_day():
    period, full = first_period(date(2026, 1, 31), BillingCycle.MONTHLY, billing_day=31)
    assert full == Period(date(2026, 1, 31), date(2026, 2, 27))
    assert next_period(full, BillingCycle.MONTHLY, 31) == Period(date(2026, 2, 28), date(2026, 3, 30))
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_free_and_one_time_have_no_periods():
    for cycle in (BillingCycle.FREE, BillingCycle.ONE_TIME):
        with pytest.raises(PeriodError, match="no billing periods"):
            first_period(date(2026, 1, 1), cycle)


def test_a_day_outside_the_period_is_refused():
    with pytest.raises(PeriodError, match="outside"):
        remaining_fraction(Period(date(2026, 1, 1), date(2026, 1, 31)), date(2026, 2, 1))


cycles = st.sampled_from([c for c in BillingCycle if c.recurring])
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(days, cycles, st.integers(min_value=1, max_value=31), st.integers(min_value=1, max_value=40))
def test_periods_tile_time_without_gaps_or_overlaps(start, cycle, billing_day, count):
    period, full = first_period(start, cycle, billing_day)
    assert period.start == start and period.end == full.end and start in full
    for _ in range(count):
        following = next_period(period, cycle, billing_day)
        assert following.start == period.end + timedelta(days=1)
        assert 28 * cycle.months <= following.days <= 31 * cycle.months
        period = following

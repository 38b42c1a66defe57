from datetime import date, datetime, timezone

import pytest

from core.domain.clock import SIMULATED, TenantClock


def test_business_date_is_in_the_tenant_time_zone():
    instant = datetime(2026, 3, 31, 22, 30, tzinfo=timezone.utc)  # 01:30 on 1 April in Moscow
    assert TenantClock("Europe/Moscow", SIMULATED, instant).today() == date(2026, 4, 1)
    assert TenantClock("America/New_York", SIMULATED, instant).today() == date(2026, 3, 31)


def test_simulated_clock_moves_by_whole_days_across_month_ends():
    clock = TenantClock("Europe/Moscow").simulated_on(date(2026, 1, 30))
    assert clock.advanced(2).today() == date(2026, 2, 1)
    assert clock.advanced(30).today() == date(2026, 3, 1)
    assert clock.advanced(2).now().hour == 0


def test_clock_does_not_go_back():
    with pytest.raises(ValueError, match="forward"):
        TenantClock("Europe/Moscow").simulated_on(date(2026, 1, 1)).advanced(-1)


def test_real_clock_follows_real_time():
    now = TenantClock("Europe/Moscow").now()
    assert abs((now - datetime.now(timezone.utc)).total_seconds()) < 5
    assert now.utcoffset().total_seconds() == 3 * 3600


def test_unknown_mode_and_zone_are_refused():
    with pytest.raises(ValueError):
        TenantClock("Europe/Moscow", "lunar")
    with pytest.raises(Exception):
        TenantClock("Nowhere/City")

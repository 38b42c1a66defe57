from datetime import date
from decimal import Decimal

import pytest

from core.domain.catalog import CatalogError, PriceApply, PricePoint, ProductKind, cycles_allowed, price_on, price_segments
from core.domain.periods import BillingCycle, Period

M = BillingCycle.MONTHLY
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def point(price: str, day: date, mode=PriceApply.NEXT_PERIOD, cycle=M) -> PricePoint:
    return PricePoint(cycle, Decimal(price), day, mode)


def test_price_in_effect_is_the_latest_dated_on_or_before_the_day():
    points = [point("100", date(2026, 1, 1)), point("120", date(2026, 3, 10)), point("90", date(2026, 1, 1), cycle=BillingCycle.ANNUAL)]
    assert price_on(points, M, date(2026, 3, 9)).unit_price == Decimal("100")
    assert price_on(points, M, date(2026, 3, 10)).unit_price == Decimal("120")
    assert price_on(points, M, date(2025, 12, 31)) is None


def test_next_period_change_waits_for_the_next_period():
    points = [point("100", date(2026, 1, 1)), point("120", date(2026, 3, 10))]
    assert [(p, pp.unit_price) for p, pp in price_segments(points, M, MARCH)] == [(MARCH, Decimal("100"))]
    april = Period(date(2026, 4, 1), date(2026, 4, 30))
    assert price_segments(points, M, april)[0][1].unit_price == Decimal("120")


def test_prorate_now_change_splits_the_period_on_its_date():
    points = [point("100", date(2026, 1, 1)), point("120", date(2026, 3, 10), PriceApply.PRORATE_NOW)]
    segments = price_segments(points, M, MARCH)
    assert [(p.start, p.end, pp.unit_price) for p, pp in segments] == [
        (date(2026, 3, 1), date(2026, 3, 9), Decimal("100")),
        (date(2026, 3, 10), date(2026, 3, 31), Decimal("120")),
    ]
    assert sum(p.days for p, _ in segments) == MARCH.days


def test_no_price_is_an_error():
    with pytest.raises(CatalogError, match="no monthly price"):
        price_segments([point("100", date(2026, 4, 1))], M, MARCH)


def test_cycles_by_product_kind():
    assert cycles_allowed(ProductKind.FREE) == {BillingCycle.FREE}
    assert cycles_allowed(ProductKind.ONE_TIME) == {BillingCycle.ONE_TIME}
    assert BillingCycle.TRIENNIAL in cycles_allowed(ProductKind.RECURRING)
    assert BillingCycle.ONE_TIME not in cycles_allowed(ProductKind.USAGE)

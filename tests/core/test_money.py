from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.money import (
    Money,
    MoneyError,
    amount_from_minor,
    amount_to_minor,
    quantity_from_units,
    quantity_to_units,
    round_amount,
    unit_price_from_units,
    unit_price_to_units,
)

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2)
quantities = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e9"), places=3)
unit_prices = st.decimals(min_value=Decimal("-1e10"), max_value=Decimal("1e10"), places=4)


@pytest.mark.parametrize(("value", "rounded"), [
    ("10.005", "10.01"), ("10.004", "10.00"), ("-10.005", "-10.01"), ("0.125", "0.13"), ("2.675", "2.68"),
])
def test_rounding_is_half_up_away_from_zero(value, rounded):
    assert round_amount(value) == Decimal(rounded)


def test_floats_are_refused():
    with pytest.raises(MoneyError, match="never float"):
        Money.of(0.1)


def test_amount_with_more_than_two_places_is_an_error_not_a_rounding():
    with pytest.raises(MoneyError, match="more than 2 decimal places"):
        Money(Decimal("1.001"))
    with pytest.raises(MoneyError, match="quantity"):
        quantity_to_units("1.0001")


def test_absurdly_large_values_are_refused_not_crashed():
    with pytest.raises(MoneyError, match="too large"):
        Money(Decimal("1e30"))
    with pytest.raises(MoneyError, match="too large"):
        amount_to_minor("1e25")


def test_currencies_do_not_mix():
    with pytest.raises(MoneyError, match="RUB with USD"):
        Money.of("1", "RUB") + Money.of("1", "USD")


def test_times_rounds_at_the_line():
    assert Money.of("4800").times(Decimal(150) / Decimal(181)) == Money.of("3977.90")
    assert Money.of("0.01").times("0.5") == Money.of("0.01")


@given(amounts)
def test_amount_round_trips_through_minor_units(amount):
    assert amount_from_minor(amount_to_minor(amount)) == amount
    assert isinstance(amount_to_minor(amount), int)


@given(quantities)
def test_quantity_round_trips(quantity):
    assert quantity_from_units(quantity_to_units(quantity)) == quantity


@given(unit_prices)
def test_unit_price_round_trips(price):
    assert unit_price_from_units(unit_price_to_units(price)) == price


@given(st.lists(amounts, max_size=50))
def test_sum_of_minor_units_is_the_exact_sum(items):
    assert amount_from_minor(sum(amount_to_minor(a) for a in items)) == sum(items, Decimal("0.00"))

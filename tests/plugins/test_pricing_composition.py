from decimal import Decimal
from fractions import Fraction

import pytest

from core.domain.money import Money
from core.domain.pricing import (
    Charge,
    PriceAdjustment,
    PricingError,
    VatRate,
    base_amount,
    percent_of,
    price_charge,
    vat_of,
)


def charge(**fields) -> Charge:
    return Charge(**{"description": "VPS", "unit_price": Decimal("1000"), **fields})


@pytest.mark.parametrize(("fields", "base"), [
    ({}, "1000.00"),
    ({"quantity": Decimal("3"), "unit_price": Decimal("0.3333")}, "1.00"),
    ({"period_fraction": Fraction(17, 31)}, "548.39"),
    ({"period_fraction": Decimal("0.5")}, "500.00"),
    ({"unit_price": Decimal("0.0150"), "period_fraction": Fraction(1, 3)}, "0.01"),  # exactly 0.005
    ({"unit_price": Decimal("0.0050"), "quantity": Decimal("1")}, "0.01"),
    ({"unit_price": Decimal("0.0049"), "quantity": Decimal("1")}, "0.00"),
])
def test_base_is_price_times_quantity_times_fraction_rounded_half_up(fields, base):
    assert base_amount(charge(**fields)) == Money.of(base)


@pytest.mark.parametrize("fields", [
    {"unit_price": Decimal("1.00001")}, {"quantity": Decimal("1.0001")}, {"quantity": Decimal("-1")},
    {"period_fraction": Decimal("-0.5")}, {"period_fraction": 0.5}, {"currency": "rub"}, {"unit_price": 1.5},
])
def test_malformed_charges_are_refused(fields):
    with pytest.raises(PricingError):
        charge(**fields)


def test_vat_included_and_on_top():
    assert vat_of(Money.of("122.00"), VatRate.VAT22, included=True) == Money.of("22.00")
    assert vat_of(Money.of("100.00"), VatRate.VAT22, included=False) == Money.of("22.00")
    assert vat_of(Money.of("110.00"), VatRate.VAT10, included=True) == Money.of("10.00")
    assert vat_of(Money.of("100.00"), VatRate.VAT0, included=False) == Money.zero()
    assert vat_of(Money.of("100.00"), VatRate.NONE, included=True) == Money.zero()
    assert VatRate.NONE.percent is None and VatRate.VAT22.percent == Decimal(22)


def test_line_with_vat_included():
    line = price_charge(charge(vat_rate=VatRate.VAT22), Money.of(1000))
    assert (line.amount, line.net, line.vat, line.total) == \
        (Money.of("1000.00"), Money.of("819.67"), Money.of("180.33"), Money.of("1000.00"))


def test_line_with_vat_on_top():
    line = price_charge(charge(vat_rate=VatRate.VAT22, vat_included=False), Money.of(1000))
    assert (line.amount, line.net, line.vat, line.total) == \
        (Money.of("1000.00"), Money.of("1000.00"), Money.of("220.00"), Money.of("1220.00"))


def test_adjustments_are_summed_in_plugin_then_reason_order():
    adjustments = [
        PriceAdjustment(Money.of("-100.00"), "loyalty", "zeta"),
        PriceAdjustment(Money.of("50.00"), "setup", "alpha"),
        PriceAdjustment(Money.of("-10.00"), "coupon", "alpha"),
    ]
    line = price_charge(charge(), Money.of(1000), adjustments)
    assert [(a.plugin_id, a.reason) for a in line.adjustments] == \
        [("alpha", "coupon"), ("alpha", "setup"), ("zeta", "loyalty")]
    assert line.amount == Money.of("940.00")
    assert price_charge(charge(), Money.of(1000), reversed(adjustments)) == line


def test_vat_is_computed_on_the_adjusted_amount():
    discount = PriceAdjustment(percent_of(Money.of(1000), "-12.5"), "promo", "hello")
    line = price_charge(charge(vat_rate=VatRate.VAT22, vat_included=False), Money.of(1000), [discount])
    assert (line.net, line.vat, line.total) == (Money.of("875.00"), Money.of("192.50"), Money.of("1067.50"))


def test_a_line_below_zero_is_an_error():
    with pytest.raises(PricingError, match="below zero"):
        price_charge(charge(), Money.of(10), [PriceAdjustment(Money.of("-10.01"), "too much", "x")])
    assert price_charge(charge(), Money.of(10), [PriceAdjustment(Money.of("-10"), "free", "x")]).total.is_zero()


def test_amounts_must_be_in_the_charges_currency():
    with pytest.raises(PricingError, match="not in the charge's currency RUB"):
        price_charge(charge(), Money.of(10), [PriceAdjustment(Money.of(1, "USD"), "fx", "x")])
    with pytest.raises(PricingError):
        price_charge(charge(), Money.of(10, "EUR"))

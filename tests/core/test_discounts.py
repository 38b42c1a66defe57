from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.discounts import Discount, DiscountError, DiscountKind, discount_adjustments
from core.domain.money import Money

P, F = DiscountKind.PERCENT, DiscountKind.FIXED
ON = date(2026, 3, 15)


def lines(discounts, base="1000", fraction=Fraction(1), promo=frozenset(), client=1, product=10):
    return [(a.amount.amount, a.reason) for a in discount_adjustments(
        discounts, Money.of(base), fraction, client_id=client, product_id=product, on=ON, promo_codes=promo)]


def test_percentage_and_fixed_discounts_are_separate_lines_from_the_base():
    found = lines([Discount(1, P, Decimal("10"), "Партнёр"), Discount(2, F, Decimal("150"), "Лояльность")])
    assert found == [(Decimal("-100.00"), "Партнёр (10%)"), (Decimal("-150.00"), "Лояльность (150.00)")]


def test_fixed_discount_is_prorated_with_the_line():
    assert lines([Discount(1, F, Decimal("300"), "Скидка")], base="500", fraction=Fraction(11, 31)) == [
        (Decimal("-106.45"), "Скидка (300.00)")]  # 300 × 11/31 = 106.4516…


def test_scope_dates_and_promo_codes():
    discounts = [
        Discount(1, P, Decimal("5"), "Клиенту", client_id=2),
        Discount(2, P, Decimal("7"), "На продукт", product_id=10),
        Discount(3, P, Decimal("3"), "Весна", valid_from=date(2026, 3, 1), valid_to=date(2026, 3, 31)),
        Discount(4, P, Decimal("4"), "Прошлое", valid_to=date(2026, 2, 28)),
        Discount(5, P, Decimal("20"), "Промо", promo_code="HELLO2026"),
    ]
    assert [r for _, r in lines(discounts)] == ["На продукт (7%)", "Весна (3%)"]
    assert [r for _, r in lines(discounts, promo=frozenset({"HELLO2026"}), client=2)] == [
        "Клиенту (5%)", "На продукт (7%)", "Весна (3%)", "Промо (20%)"]


def test_discounts_never_take_a_line_below_zero():
    found = lines([Discount(1, P, Decimal("80"), "A"), Discount(2, F, Decimal("500"), "B"),
                   Discount(3, P, Decimal("10"), "C")])
    assert [a for a, _ in found] == [Decimal("-800.00"), Decimal("-200.00")]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kind": P, "value": Decimal("101")}, "more than 100"), ({"kind": F, "value": Decimal("0")}, "more than zero"),
    ({"kind": P, "value": Decimal("5"), "promo_code": "a b"}, "promo code"),
    ({"kind": P, "value": Decimal("5"), "valid_from": date(2026, 2, 1), "valid_to": date(2026, 1, 1)}, "before"),
])
def test_bad_discounts_are_refused(kwargs, message):
    with pytest.raises(DiscountError, match=message):
        Discount(id=1, description="x", **kwargs)


@given(st.decimals(min_value=0, max_value=10**6, places=2),
       st.lists(st.tuples(st.sampled_from([P, F]), st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)),
                max_size=6))
def test_total_discount_is_at_most_the_base(base, specs):
    discounts = [Discount(n, kind, value, f"d{n}") for n, (kind, value) in enumerate(specs)]
    total = sum((a for a, _ in lines(discounts, base=str(base))), Decimal(0))
    assert -total <= base and all(a < 0 for a, _ in lines(discounts, base=str(base)))

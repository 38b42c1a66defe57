from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.domain.money import Money
from core.domain.periods import BillingCycle, Period, first_period, share_fraction
from core.domain.plan_change import ChangeKind, Item, change_lines, classify
from core.domain.pricing import base_amount

SEMIANNUAL_2019 = Period(date(2019, 2, 1), date(2019, 7, 31))


def users(count: str, price: str = "4800") -> Item:
    return Item("option:users", "Доступ на пользователя «Стандарт»", Decimal(price), Decimal(count))


def test_seed_001_adding_a_user_on_4_march_charges_150_of_181_days():
    lines = change_lines([users("5")], [users("6")], SEMIANNUAL_2019, date(2019, 3, 4), "RUB")
    assert len(lines) == 1
    line = lines[0]
    assert line.charge.period_fraction.numerator == 150 and line.charge.period_fraction.denominator == 181
    assert line.charge.quantity == Decimal("1.000")
    # 4800 × 150 / 181 = 3977.9005… → 3977.90
    assert line.amount() == Money.of("3977.90")
    assert line.period == Period(date(2019, 3, 4), date(2019, 7, 31))


def test_price_change_credits_the_old_and_charges_the_new():
    old = [Item("plan", "VPS S", Decimal("1000"))]
    new = [Item("plan", "VPS M", Decimal("1550"))]
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    lines = change_lines(old, new, march, date(2026, 3, 21), "RUB")
    # 11 of 31 days: 1000 × 11/31 = 354.838… → 354.84; 1550 × 11/31 = 550.00
    assert [(l.sign, l.amount()) for l in lines] == [(-1, Money.of("-354.84")), (1, Money.of("550.00"))]
    assert classify(old, new, "RUB") is ChangeKind.UPGRADE
    assert classify(new, old, "RUB") is ChangeKind.DOWNGRADE
    assert classify(old, [Item("plan", "VPS S2", Decimal("1000"))], "RUB") is ChangeKind.CROSSGRADE


def test_removed_and_added_options():
    old = [Item("plan", "Хостинг", Decimal("300")), Item("option:disk", "Диск 5 ГБ", Decimal("60"), Decimal("2"))]
    new = [Item("plan", "Хостинг", Decimal("300")), Item("option:ip", "Доп. IP", Decimal("150"))]
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    lines = change_lines(old, new, march, date(2026, 3, 1), "RUB")
    assert [(l.charge.description, l.amount()) for l in lines] == [
        ("Диск 5 ГБ", Money.of("-120.00")), ("Доп. IP", Money.of("150.00"))]


items = st.lists(
    st.builds(Item, key=st.sampled_from(["plan", "option:a", "option:b", "option:c"]), description=st.just("x"),
              unit_price=st.decimals(min_value=0, max_value=100000, places=4),
              quantity=st.decimals(min_value=0, max_value=1000, places=3)),
    max_size=4, unique_by=lambda i: i.key)


@given(items, items, st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       st.sampled_from([c for c in BillingCycle if c.recurring]), st.integers(min_value=0, max_value=2000))
def test_a_change_and_its_reverse_on_the_same_day_net_to_zero(old, new, start, cycle, offset):
    period, _ = first_period(start, cycle)
    on = min(period.start.fromordinal(period.start.toordinal() + offset % period.days), period.end)
    there = change_lines(old, new, period, on, "RUB")
    back = change_lines(new, old, period, on, "RUB")
    total = sum((l.amount().amount for l in there + back), Decimal(0))
    assert total == 0



@given(st.decimals(min_value=0, max_value=10**7, places=4), st.decimals(min_value=0, max_value=1000, places=3),
       st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       st.sampled_from([c for c in BillingCycle if c.recurring]),
       st.lists(st.integers(min_value=1, max_value=1100), max_size=8))
def test_prorated_parts_sum_to_the_whole_within_a_kopeck_per_part(price, quantity, start, cycle, cuts):
    _, whole = first_period(start, cycle)
    bounds = [whole.start + timedelta(days=d) for d in sorted({c % whole.days for c in cuts} - {0})]
    parts = [Period(s, e) for s, e in zip([whole.start, *bounds], [b - timedelta(days=1) for b in bounds] + [whole.end])]
    item = Item("plan", "x", price, quantity)
    amounts = [base_amount(item.charge(share_fraction(p, whole), "RUB", quantity)).amount for p in parts]
    assert sum(p.days for p in parts) == whole.days
    assert abs(sum(amounts) - item.period_amount("RUB").amount) <= Decimal("0.01") * len(parts)

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.ledger import (
    Adjustment,
    AdjustmentState,
    Entry,
    EntryKind,
    LedgerError,
    balance,
    entry_for,
    statement,
)
from core.domain.money import Money

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2)
entries = st.builds(
    Entry,
    kind=st.sampled_from(list(EntryKind)),
    amount=amounts.map(Money),
    booked_on=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
)


def test_credits_add_and_debits_take():
    day = date(2026, 2, 1)
    ledger = [
        Entry(EntryKind.PAYMENT, Money.of("1000"), day),
        Entry(EntryKind.CHARGE, Money.of("4800"), day),
        Entry(EntryKind.ADJUSTMENT_CREDIT, Money.of("100.50"), day),
        Entry(EntryKind.LATE_FEE, Money.of("0.50"), day),
        Entry(EntryKind.REFUND_TO_BALANCE, Money.of("200"), day),
        Entry(EntryKind.CREDIT_NOTE, Money.of("50"), day),
        Entry(EntryKind.PAYOUT, Money.of("10"), day),
        Entry(EntryKind.ADJUSTMENT_DEBIT, Money.of("1"), day),
    ]
    assert balance(ledger, "RUB") == Money.of("-3461.00")  # credits 1350.50, debits 4811.50


def test_entries_are_positive_and_in_the_account_currency():
    with pytest.raises(LedgerError, match="positive"):
        Entry(EntryKind.PAYMENT, Money.of("0"), date(2026, 1, 1))
    with pytest.raises(LedgerError, match="positive"):
        Entry(EntryKind.CHARGE, Money.of("-5"), date(2026, 1, 1))
    with pytest.raises(Exception, match="USD"):
        balance([Entry(EntryKind.PAYMENT, Money.of("5", "USD"), date(2026, 1, 1))], "RUB")


def test_entry_for_picks_the_kind_by_sign():
    day = date(2026, 1, 1)
    assert entry_for(Money.of("0"), credit=EntryKind.ADJUSTMENT_CREDIT, debit=EntryKind.ADJUSTMENT_DEBIT,
                     booked_on=day) is None
    up = entry_for(Money.of("5"), credit=EntryKind.ADJUSTMENT_CREDIT, debit=EntryKind.ADJUSTMENT_DEBIT, booked_on=day)
    down = entry_for(Money.of("-5"), credit=EntryKind.ADJUSTMENT_CREDIT, debit=EntryKind.ADJUSTMENT_DEBIT,
                     booked_on=day)
    assert (up.kind, up.amount, up.signed) == (EntryKind.ADJUSTMENT_CREDIT, Money.of("5"), Money.of("5"))
    assert (down.kind, down.amount, down.signed) == (EntryKind.ADJUSTMENT_DEBIT, Money.of("5"), Money.of("-5"))


def test_adjustment_moves_the_balance_only_when_confirmed():
    adjustment = Adjustment(Money.of("-150.00"), "Компенсация простоя отменена")
    confirmed, entry = adjustment.confirm(date(2026, 3, 5))
    assert confirmed.state is AdjustmentState.CONFIRMED and confirmed.confirmed_on == date(2026, 3, 5)
    assert entry.kind is EntryKind.ADJUSTMENT_DEBIT and entry.signed == Money.of("-150.00")
    assert entry.booked_on == date(2026, 3, 5)
    with pytest.raises(LedgerError, match="already confirmed"):
        confirmed.confirm(date(2026, 3, 6))
    with pytest.raises(LedgerError, match="already confirmed"):
        confirmed.cancel()
    assert adjustment.cancel().state is AdjustmentState.CANCELLED
    with pytest.raises(LedgerError, match="reason"):
        Adjustment(Money.of("1"), "  ")


@given(st.lists(entries, max_size=60))
def test_balance_is_the_sum_of_signed_entries(ledger):
    expected = sum((e.amount.amount if e.kind.is_credit else -e.amount.amount for e in ledger), Decimal("0.00"))
    assert balance(ledger, "RUB").amount == expected


@given(st.lists(entries, max_size=60), st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
       st.integers(min_value=0, max_value=120))
def test_statement_opening_plus_movements_is_the_closing_balance(ledger, start, length):
    ledger = sorted(ledger, key=lambda e: e.booked_on)
    end = start + timedelta(days=length)
    result = statement(ledger, start, end, "RUB")
    assert result.opening == balance((e for e in ledger if e.booked_on < start), "RUB")
    assert result.closing == balance((e for e in ledger if e.booked_on <= end), "RUB")
    assert result.closing == (result.lines[-1].balance_after if result.lines else result.opening)
    assert all(start <= line.entry.booked_on <= end for line in result.lines)


@given(amounts, st.booleans())
def test_a_transfer_moves_a_balance_and_keeps_the_total(amount, negative):
    from core.domain.ledger import transfer

    moved = Money(-amount if negative else amount)
    off, on = transfer(moved, date(2026, 1, 1), "merge")
    assert off.signed == -moved and on.signed == moved
    assert {off.kind, on.kind} == {EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT}

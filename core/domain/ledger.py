"""The current account (лицевой счёт): append-only entries whose sum is the balance.

Credits (зачисления) add to the balance and debits (списания) take from it. An
entry's ``amount`` is always positive; its kind says which way it goes, and
``signed`` gives the amount with its sign. Nothing here is ever changed or
removed: a wrong entry is answered by a reversing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Iterable

from core.domain.money import Money, MoneyError


class EntryKind(str, Enum):
    PAYMENT = "payment"
    ADJUSTMENT_CREDIT = "adjustment_credit"
    REFUND_TO_BALANCE = "refund_to_balance"
    CREDIT_NOTE = "credit_note"
    CHARGE = "charge"
    ADJUSTMENT_DEBIT = "adjustment_debit"
    LATE_FEE = "late_fee"
    PAYOUT = "payout"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"

    @property
    def is_credit(self) -> bool:
        return self in CREDIT_KINDS


CREDIT_KINDS = frozenset({EntryKind.PAYMENT, EntryKind.ADJUSTMENT_CREDIT, EntryKind.REFUND_TO_BALANCE,
                          EntryKind.CREDIT_NOTE, EntryKind.TRANSFER_IN})


class LedgerError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    """One ledger entry. ``source`` names what it comes from, e.g. ("subscription", 12)."""

    kind: EntryKind
    amount: Money
    booked_on: date
    description: str = ""
    source: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise LedgerError(f"a ledger entry's amount must be positive, got {self.amount}")

    @property
    def signed(self) -> Money:
        return self.amount if self.kind.is_credit else -self.amount


def entry_for(signed: Money, *, credit: EntryKind, debit: EntryKind, booked_on: date, description: str = "",
              source: tuple[str, str] | None = None) -> Entry | None:
    """The entry that moves the balance by ``signed`` (None for zero): a ``credit`` kind when
    positive, a ``debit`` kind when negative."""
    if signed.is_zero():
        return None
    kind = credit if signed.amount > 0 else debit
    if kind.is_credit != (signed.amount > 0):
        raise LedgerError(f"{kind.value} cannot carry {signed}")
    return Entry(kind, Money(abs(signed.amount), signed.currency), booked_on, description, source)


def transfer(amount: Money, booked_on: date, description: str) -> tuple[Entry | None, Entry | None]:
    """The pair of entries that moves ``amount`` (signed, as a balance) from one account to
    another: what takes it off the source, and what puts it on the target."""
    off = entry_for(-amount, credit=EntryKind.TRANSFER_IN, debit=EntryKind.TRANSFER_OUT, booked_on=booked_on,
                    description=description)
    on = entry_for(amount, credit=EntryKind.TRANSFER_IN, debit=EntryKind.TRANSFER_OUT, booked_on=booked_on,
                   description=description)
    return off, on


def balance(entries: Iterable[Entry], currency: str) -> Money:
    total = Money.zero(currency)
    for entry in entries:
        if entry.amount.currency != currency:
            raise MoneyError(f"entry in {entry.amount.currency} on a {currency} account")
        total = total + entry.signed
    return total


@dataclass(frozen=True)
class StatementLine:
    entry: Entry
    balance_after: Money


@dataclass(frozen=True)
class Statement:
    """Account movements from ``start`` to ``end`` (both included) with opening and closing balance."""

    start: date
    end: date
    opening: Money
    lines: tuple[StatementLine, ...] = field(default_factory=tuple)

    @property
    def credits(self) -> Money:
        return _total((l.entry.amount for l in self.lines if l.entry.kind.is_credit), self.opening.currency)

    @property
    def debits(self) -> Money:
        return _total((l.entry.amount for l in self.lines if not l.entry.kind.is_credit), self.opening.currency)

    @property
    def closing(self) -> Money:
        return self.opening + self.credits - self.debits


def _total(amounts: Iterable[Money], currency: str) -> Money:
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total


def statement(entries: Iterable[Entry], start: date, end: date, currency: str) -> Statement:
    """``entries`` in booking order; those before ``start`` make the opening balance."""
    if end < start:
        raise LedgerError(f"statement ends {end} before it starts {start}")
    opening = Money.zero(currency)
    lines: list[StatementLine] = []
    running = opening
    for entry in entries:
        if entry.booked_on < start:
            opening = opening + entry.signed
            running = opening
        elif entry.booked_on <= end:
            running = running + entry.signed
            lines.append(StatementLine(entry, running))
    return Statement(start, end, opening, tuple(lines))


def available_to_spend(balance_now: Money, credit_limit: Money) -> Money:
    """What a postpaid client may still run up: the balance plus the credit limit."""
    return balance_now + credit_limit


class AdjustmentState(str, Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Adjustment:
    """A manual correction (корректировка). It moves the balance only once confirmed;
    the confirmation date is kept and is the entry's booking date (seed 003)."""

    amount: Money  # positive ▲ adds to the balance, negative ▼ takes from it
    reason: str
    state: AdjustmentState = AdjustmentState.PENDING
    confirmed_on: date | None = None

    def __post_init__(self) -> None:
        if self.amount.is_zero():
            raise LedgerError("an adjustment of zero changes nothing")
        if not self.reason.strip():
            raise LedgerError("an adjustment needs a reason")

    def confirm(self, on: date) -> tuple["Adjustment", Entry]:
        if self.state is not AdjustmentState.PENDING:
            raise LedgerError(f"the adjustment is already {self.state.value}")
        entry = entry_for(self.amount, credit=EntryKind.ADJUSTMENT_CREDIT, debit=EntryKind.ADJUSTMENT_DEBIT,
                          booked_on=on, description=self.reason)
        return Adjustment(self.amount, self.reason, AdjustmentState.CONFIRMED, on), entry

    def cancel(self) -> "Adjustment":
        if self.state is not AdjustmentState.PENDING:
            raise LedgerError(f"the adjustment is already {self.state.value}")
        return Adjustment(self.amount, self.reason, AdjustmentState.CANCELLED)

"""The day close as plain data: its modes and states, what one account's day produces
(charges, subscription moves, documents, blocks), how documents are grouped, which dates
a catch-up closes, and the steps plugins add (usage charges, late fees)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import Any, Iterable, Mapping

from core.domain.blocking import BlockingOutcome
from core.domain.documents import DocumentType, TaxForm
from core.domain.extension import Extension
from core.domain.money import Money, money_sum
from core.domain.periods import Period, add_months
from core.domain.pricing import Charge, PricedLine, VatRate


@dataclass(frozen=True)
class AccountDay:
    """One account on the business date being closed."""

    account_id: int
    client_id: int
    business_date: date
    balance: Money


class DayCloseStep(Extension, ABC):
    """A step of the day close, run for each account after the core's own charges.

    Steps compute and never write: what they return is priced, shown (sandbox),
    parked (confirm) or committed (auto) by the core like its own charges. Steps
    run in the order of (plugin id, code).
    """

    @abstractmethod
    async def run(self, day: AccountDay) -> list[Charge]:
        """The charges to add to the account for ``day``; an empty list when none."""


class Mode(str, Enum):
    """What a run does with what it computes (seed 002: «Три режима работы»)."""

    SANDBOX = "sandbox"  # «Песочница»: shows, changes nothing
    AUTO = "auto"  # «Полный автомат»: commits at once
    CONFIRM = "confirm"  # «С подтверждением»: waits for a manager per account


class RunState(str, Enum):
    RUNNING = "running"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    DONE = "done"


class AccountState(str, Enum):
    PREVIEW = "preview"  # a sandbox result
    PENDING = "pending"  # waiting for confirmation
    DONE = "done"
    CANCELLED = "cancelled"
    PARKED = "parked"  # failed, with its error; retried by hand


@dataclass(frozen=True)
class OutcomeLine:
    """A charge (or, when ``credit``, an amount back to the balance) the day posts."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    period: Period
    vat_rate: VatRate
    net: Money
    vat: Money
    total: Money
    discount: Money
    subscription_id: int | None = None
    seller_id: int | None = None
    source: str = "subscription"  # or "step:<plugin id>:<code>"
    credit: bool = False
    unit: str = ""  # the product's unit of measure and its ОКЕИ code, for documents
    unit_okei: str = ""

    @classmethod
    def priced(cls, line: PricedLine, period: Period, **kwargs) -> "OutcomeLine":
        discount = money_sum((-a.amount for a in line.adjustments if a.amount.amount < 0), line.total.currency)
        return cls(line.charge.description, line.charge.quantity, line.charge.unit_price, period,
                   line.charge.vat_rate, line.net, line.vat, line.total, discount, **kwargs)

    @property
    def signed(self) -> Money:
        return self.total if self.credit else -self.total

    def public(self) -> dict:
        return {"description": self.description, "quantity": str(self.quantity), "unit_price": str(self.unit_price),
                "period_start": self.period.start.isoformat(), "period_end": self.period.end.isoformat(),
                "vat_rate": self.vat_rate.value, "net": str(self.net.amount), "vat": str(self.vat.amount),
                "total": str(self.total.amount), "discount": str(self.discount.amount),
                "subscription_id": self.subscription_id, "seller_id": self.seller_id, "source": self.source,
                "credit": self.credit}


@dataclass(frozen=True)
class SubscriptionUpdate:
    """How the day moves a subscription on. ``expected_next_billing_date`` guards the write:
    a subscription changed since it was read fails the account instead of billing twice."""

    subscription_id: int
    expected_next_billing_date: date | None
    values: Mapping[str, Any]
    events: tuple[Mapping[str, Any], ...] = ()
    applied_changes: tuple[int, ...] = ()

    def public(self) -> dict:
        def shown(value):
            if isinstance(value, Period):
                return {"start": value.start.isoformat(), "end": value.end.isoformat()}
            if isinstance(value, (date, Decimal)):
                return str(value)
            return value.value if isinstance(value, Enum) else value

        return {"subscription_id": self.subscription_id,
                "values": {k: shown(v) for k, v in sorted(self.values.items()) if k != "options"},
                "events": [dict(e) for e in self.events], "applied_changes": list(self.applied_changes)}


@dataclass(frozen=True)
class PlannedDocument:
    """A document the day issues: an invoice for the day's charges, or an act closing a
    financial period (its ``adjustments`` are the period's other movements, signed as
    they moved the balance)."""

    type: DocumentType
    seller_id: int | None
    issue_date: date
    period: Period
    lines: tuple[OutcomeLine, ...]
    adjustments: tuple[tuple[str, Money, date], ...] = ()
    form: TaxForm | None = None

    @cached_property
    def total(self) -> Money:
        currency = self.lines[0].total.currency if self.lines else (
            self.adjustments[0][1].currency if self.adjustments else "RUB")
        charged = money_sum((l.total for l in self.lines), currency)
        return charged - money_sum((a for _, a, _ in self.adjustments), currency)

    @cached_property
    def vat(self) -> Money:
        return money_sum((l.vat for l in self.lines), self.total.currency)

    def public(self) -> dict:
        return {"type": self.type.value, "seller_id": self.seller_id, "issue_date": self.issue_date.isoformat(),
                "period_start": self.period.start.isoformat(), "period_end": self.period.end.isoformat(),
                "total": str(self.total.amount), "vat": str(self.vat.amount), "lines": len(self.lines),
                "adjustments": [{"description": d, "amount": str(a.amount), "on": on.isoformat()}
                                for d, a, on in self.adjustments]}


@dataclass(frozen=True)
class AccountOutcome:
    """Everything one account's day produces; computed the same way in every mode."""

    account_id: int
    client_id: int
    currency: str
    business_date: date
    lines: tuple[OutcomeLine, ...] = ()
    updates: tuple[SubscriptionUpdate, ...] = ()
    documents: tuple[PlannedDocument, ...] = ()
    blocking: tuple[BlockingOutcome, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.lines or self.updates or self.documents or self.blocking)

    @cached_property
    def charges(self) -> Money:
        return money_sum((l.total for l in self.lines if not l.credit), self.currency)

    @cached_property
    def credits(self) -> Money:
        return money_sum((l.total for l in self.lines if l.credit), self.currency)

    def public(self) -> dict:
        return {"account_id": self.account_id, "client_id": self.client_id, "currency": self.currency,
                "business_date": self.business_date.isoformat(), "charges": str(self.charges.amount),
                "credits": str(self.credits.amount), "lines": [l.public() for l in self.lines],
                "subscriptions": [u.public() for u in self.updates],
                "documents": [d.public() for d in self.documents],
                "blocking": [{"subscription_id": b.subscription_id, "action": b.action.value,
                              "reasons": list(b.reasons)} for b in self.blocking]}


def invoices(lines: Iterable[OutcomeLine], day: date, separate: bool = False) -> tuple[PlannedDocument, ...]:
    """One invoice per seller entity for the day's charges (credits go to the balance); with
    ``separate`` (the client's «Разделять счета») one per seller entity and subscription."""
    groups: dict[tuple[int, int], list[OutcomeLine]] = {}
    for line in lines:
        if not line.credit:
            key = (line.seller_id or 0, (line.subscription_id or 0) if separate else 0)
            groups.setdefault(key, []).append(line)
    return tuple(
        PlannedDocument(DocumentType.INVOICE, found[0].seller_id, day,
                        Period(min(l.period.start for l in found), max(l.period.end for l in found)), tuple(found))
        for _, found in sorted(groups.items()))


def acts(period: Period, lines: Iterable[OutcomeLine], adjustments: Iterable[tuple[int | None, str, Money, date]],
         tax_forms: Mapping[int | None, TaxForm | None] | None = None) -> tuple[PlannedDocument, ...]:
    """One act per seller entity closing ``period``: the period's invoiced lines, and its
    other movements (plan-change prorations, manual adjustments) as adjustments. Where the
    seller issues a tax document (``tax_forms``), a счёт-фактура or УПД of the act's lines
    follows its act."""
    by_seller: dict[int | None, tuple[list, list]] = {}
    for line in lines:
        by_seller.setdefault(line.seller_id, ([], []))[0].append(line)
    for seller, description, amount, on in adjustments:
        by_seller.setdefault(seller, ([], []))[1].append((description, amount, on))
    planned: list[PlannedDocument] = []
    for seller, (found, moves) in sorted(by_seller.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        planned.append(PlannedDocument(DocumentType.ACT, seller, period.end, period, tuple(found), tuple(moves)))
        form = (tax_forms or {}).get(seller)
        if form is not None and found:
            planned.append(PlannedDocument(DocumentType.TAX_INVOICE, seller, period.end, period, tuple(found),
                                           form=form))
    return tuple(planned)


def financial_period(day: date) -> Period:
    """The financial period (a calendar month) that ``day`` belongs to."""
    return Period(day.replace(day=1), add_months(day.replace(day=1), 1) - timedelta(days=1))


def dates_to_close(last_closed: date | None, target: date) -> list[date]:
    """The business dates a catch-up closes, oldest first: every day after the last closed
    one up to ``target``; only ``target`` when nothing was ever closed."""
    if last_closed is None or last_closed >= target:
        return [] if last_closed is not None else [target]
    return [last_closed + timedelta(days=n) for n in range(1, (target - last_closed).days + 1)]


def close_due(now: datetime, close_at: time) -> date:
    """The latest business date whose close is due at ``now`` (tenant-local): yesterday
    once today's close time has passed, else the day before yesterday (seed 000: the run
    at 04:00 on 2 February closes 1 February)."""
    yesterday = now.date() - timedelta(days=1)
    return yesterday if now.timetz().replace(tzinfo=None) >= close_at else yesterday - timedelta(days=1)

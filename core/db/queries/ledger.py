from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from piccolo.query.functions.aggregate import Sum

from core.db.tables import Account, Adjustment, LedgerEntry
from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money


@dataclass(frozen=True)
class AccountRecord:
    id: int
    tenant_id: int
    client_id: int
    currency: str
    balance: Money

    def public(self) -> dict:
        return {"id": self.id, "client_id": self.client_id, "currency": self.currency,
                "balance": str(self.balance.amount)}


@dataclass(frozen=True)
class EntryRecord:
    id: int
    account_id: int
    entry: Entry
    actor_label: str
    created_at: datetime

    def public(self) -> dict:
        return {
            "id": self.id, "kind": self.entry.kind.value, "amount": str(self.entry.signed.amount),
            "booked_on": self.entry.booked_on.isoformat(), "description": self.entry.description,
            "source": {"type": self.entry.source[0], "id": self.entry.source[1]} if self.entry.source else None,
            "actor": self.actor_label, "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class AdjustmentRecord:
    id: int
    account_id: int
    amount: Money
    reason: str
    state: str
    created_by: str
    created_at: datetime
    decided_by: str
    confirmed_on: date | None
    entry_id: int | None

    def public(self) -> dict:
        return {"id": self.id, "account_id": self.account_id, "amount": str(self.amount.amount),
                "reason": self.reason, "state": self.state, "created_by": self.created_by,
                "created_at": self.created_at.isoformat(), "decided_by": self.decided_by,
                "confirmed_on": self.confirmed_on.isoformat() if self.confirmed_on else None,
                "entry_id": self.entry_id}


def _account(row: dict) -> AccountRecord:
    return AccountRecord(row["id"], row["tenant"], row["client"], row["currency"],
                         Money.from_minor(row["balance_minor"], row["currency"]))


async def account(tenant_id: int, account_id: int) -> AccountRecord | None:
    row = await Account.select().where((Account.tenant == tenant_id) & (Account.id == account_id)).first()
    return _account(row) if row else None


async def account_of(tenant_id: int, client_id: int, currency: str) -> AccountRecord | None:
    row = await Account.select().where(
        (Account.tenant == tenant_id) & (Account.client == client_id) & (Account.currency == currency)).first()
    return _account(row) if row else None


async def accounts_of(tenant_id: int, client_id: int) -> list[AccountRecord]:
    rows = await Account.select().where((Account.tenant == tenant_id) & (Account.client == client_id)).order_by(
        Account.currency)
    return [_account(r) for r in rows]


async def reassign_account(tenant_id: int, account_id: int, client_id: int) -> None:
    """Give an account to another client (a merge); its entries stay exactly as they are."""
    await Account.update({Account.client: client_id}).where((Account.tenant == tenant_id) & (Account.id == account_id))


async def insert_account(tenant_id: int, client_id: int, currency: str) -> AccountRecord:
    rows = await Account.insert(Account(tenant=tenant_id, client=client_id, currency=currency,
                                        balance_minor=0)).returning(Account.id)
    return await account(tenant_id, rows[0]["id"])


def _entry(row: dict, currency: str) -> EntryRecord:
    amount = Money.from_minor(abs(row["amount_minor"]), currency)
    source = (row["source_type"], row["source_id"]) if row["source_type"] else None
    return EntryRecord(row["id"], row["account"],
                       Entry(EntryKind(row["kind"]), amount, row["booked_on"], row["description"], source),
                       row["actor_label"], row["created_at"])


async def entries(tenant_id: int, account: AccountRecord, *, until: date | None = None,
                  limit: int | None = None, before_id: int | None = None) -> list[EntryRecord]:
    """The account's entries in booking order (``limit`` takes the newest, still in order)."""
    where = (LedgerEntry.tenant == tenant_id) & (LedgerEntry.account == account.id)
    if until is not None:
        where &= LedgerEntry.booked_on <= until
    if before_id is not None:
        where &= LedgerEntry.id < before_id
    query = LedgerEntry.select().where(where)
    if limit is not None:
        rows = await query.order_by(LedgerEntry.booked_on, LedgerEntry.id, ascending=False).limit(limit)
        rows.reverse()
    else:
        rows = await query.order_by(LedgerEntry.booked_on, LedgerEntry.id)
    return [_entry(r, account.currency) for r in rows]


def _key(idempotency_key: str, n: int) -> str:
    return f"{idempotency_key}#{n}"


async def key_used(tenant_id: int, idempotency_key: str) -> bool:
    """Whether a posting under this key exists (its first entry carries ``key#0``)."""
    return await LedgerEntry.exists().where(
        (LedgerEntry.tenant == tenant_id) & (LedgerEntry.idempotency_key == _key(idempotency_key, 0)))


async def insert_entries(tenant_id: int, account: AccountRecord, items: list[Entry], *, actor_label: str,
                         idempotency_key: str | None) -> list[int]:
    """Insert entries and move the cached balance by their sum, in the caller's transaction.
    Entry n of a posting under an idempotency key carries ``key#n`` (unique per tenant)."""
    rows = [
        LedgerEntry(tenant=tenant_id, account=account.id, kind=e.kind.value, amount_minor=e.signed.minor,
                    booked_on=e.booked_on, description=e.description,
                    source_type=e.source[0] if e.source else "", source_id=e.source[1] if e.source else "",
                    actor_label=actor_label,
                    idempotency_key=_key(idempotency_key, n) if idempotency_key else None)
        for n, e in enumerate(items)
    ]
    inserted = await LedgerEntry.insert(*rows).returning(LedgerEntry.id)
    delta = sum(e.signed.minor for e in items)
    await Account.update({Account.balance_minor: Account.balance_minor + delta}).where(
        (Account.tenant == tenant_id) & (Account.id == account.id))
    return [r["id"] for r in inserted]


async def entries_total_minor(tenant_id: int, account_id: int) -> int:
    rows = await LedgerEntry.select(Sum(LedgerEntry.amount_minor).as_alias("total")).where(
        (LedgerEntry.tenant == tenant_id) & (LedgerEntry.account == account_id))
    return int(rows[0]["total"] or 0)


def _adjustment(row: dict, currency: str) -> AdjustmentRecord:
    return AdjustmentRecord(row["id"], row["account"], Money.from_minor(row["amount_minor"], currency),
                            row["reason"], row["state"], row["created_by"], row["created_at"], row["decided_by"],
                            row["confirmed_on"], row["entry"])


async def adjustment(tenant_id: int, adjustment_id: int) -> tuple[AdjustmentRecord, AccountRecord] | None:
    row = await Adjustment.select().where((Adjustment.tenant == tenant_id) & (Adjustment.id == adjustment_id)).first()
    if not row:
        return None
    owner = await account(tenant_id, row["account"])
    return _adjustment(row, owner.currency), owner


async def adjustments_of(tenant_id: int, account: AccountRecord) -> list[AdjustmentRecord]:
    rows = await Adjustment.select().where(
        (Adjustment.tenant == tenant_id) & (Adjustment.account == account.id)).order_by(Adjustment.id)
    return [_adjustment(r, account.currency) for r in rows]


async def insert_adjustment(tenant_id: int, account: AccountRecord, amount: Money, reason: str,
                            created_by: str) -> int:
    rows = await Adjustment.insert(Adjustment(tenant=tenant_id, account=account.id, amount_minor=amount.minor,
                                              reason=reason, state="pending", created_by=created_by)
                                   ).returning(Adjustment.id)
    return rows[0]["id"]


async def decide_adjustment(tenant_id: int, adjustment_id: int, *, state: str, decided_by: str,
                            confirmed_on: date | None = None, entry_id: int | None = None) -> None:
    await Adjustment.update({Adjustment.state: state, Adjustment.decided_by: decided_by,
                             Adjustment.confirmed_on: confirmed_on, Adjustment.entry: entry_id}).where(
        (Adjustment.tenant == tenant_id) & (Adjustment.id == adjustment_id) & (Adjustment.state == "pending"))

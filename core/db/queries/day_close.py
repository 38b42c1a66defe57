"""Reads and writes of the day close: runs, per-account results, and the batched loads of
what a chunk of accounts needs (streamed by account id, never all at once)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from piccolo.query.functions.aggregate import Count, Max, Sum

from core.db import bulk
from core.db.queries import clients as clients_q
from core.db.queries.clients import COLUMNS as CLIENT_COLUMNS
from core.db.queries.clients import ClientRecord
from core.db.queries.clients import _record as client_record
from core.db.queries.subscriptions import SubscriptionRecord
from core.db.queries.subscriptions import _record as subscription_record
from core.db.tables import (
    Account,
    Client,
    DayCloseAccount,
    DayCloseRun,
    LedgerEntry,
    ScheduledChange,
    Subscription,
    SubscriptionEvent,
    SubscriptionOption,
)
from core.domain.day_close import AccountState, RunState
from core.domain.money import Money


@dataclass(frozen=True)
class RunRecord:
    id: int
    business_date: date
    mode: str
    state: str
    started_by: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int
    totals: dict

    def public(self) -> dict:
        return {"id": self.id, "business_date": self.business_date.isoformat(), "mode": self.mode,
                "state": self.state, "started_by": self.started_by, "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat() if self.finished_at else None,
                "duration_ms": self.duration_ms, "totals": self.totals}


@dataclass(frozen=True)
class AccountResultRecord:
    id: int
    run_id: int
    account_id: int
    client_id: int
    client_name: str
    business_date: date
    state: str
    charges_minor: int
    credits_minor: int
    documents: int
    result: dict
    fingerprint: str
    error: str
    decided_by: str
    updated_at: datetime

    def public(self) -> dict:
        currency = self.result.get("currency", "RUB")
        return {"id": self.id, "run_id": self.run_id, "account_id": self.account_id, "client_id": self.client_id,
                "client_name": self.client_name, "business_date": self.business_date.isoformat(),
                "state": self.state, "charges": str(Money.from_minor(self.charges_minor, currency).amount),
                "credits": str(Money.from_minor(self.credits_minor, currency).amount), "documents": self.documents,
                "result": self.result, "error": self.error, "decided_by": self.decided_by,
                "updated_at": self.updated_at.isoformat()}


def _json(value) -> dict:
    return json.loads(value) if isinstance(value, str) else (value or {})


def _run(row: dict) -> RunRecord:
    return RunRecord(row["id"], row["business_date"], row["mode"], row["state"], row["started_by"], row["started_at"],
                     row["finished_at"], row["duration_ms"], _json(row["totals"]))


async def insert_run(tenant_id: int, business_date: date, mode: str, started_by: str) -> int:
    close_key = None if mode == "sandbox" else business_date.isoformat()
    rows = await DayCloseRun.insert(DayCloseRun(tenant=tenant_id, business_date=business_date, mode=mode,
                                                close_key=close_key, state=RunState.RUNNING.value,
                                                started_by=started_by)).returning(DayCloseRun.id)
    return rows[0]["id"]


async def get_run(tenant_id: int, run_id: int) -> RunRecord | None:
    row = await DayCloseRun.select().where((DayCloseRun.tenant == tenant_id) & (DayCloseRun.id == run_id)).first()
    return _run(row) if row else None


async def committing_run(tenant_id: int, business_date: date) -> RunRecord | None:
    """The run that commits ``business_date`` (auto or confirm), if there is one."""
    row = await DayCloseRun.select().where(
        (DayCloseRun.tenant == tenant_id) & (DayCloseRun.close_key == business_date.isoformat())).first()
    return _run(row) if row else None


async def last_closed_date(tenant_id: int) -> date | None:
    row = await DayCloseRun.select(DayCloseRun.business_date).where(
        (DayCloseRun.tenant == tenant_id) & DayCloseRun.close_key.is_not_null()).order_by(
        DayCloseRun.business_date, ascending=False).first()
    return row["business_date"] if row else None


async def list_runs(tenant_id: int, *, state: str | None = None, limit: int = 50,
                    offset: int = 0) -> tuple[list[RunRecord], int]:
    where = DayCloseRun.tenant == tenant_id
    if state:
        where &= DayCloseRun.state == state
    rows = await DayCloseRun.select().where(where).order_by(DayCloseRun.business_date, DayCloseRun.id,
                                                            ascending=False).limit(limit).offset(offset)
    return [_run(r) for r in rows], await DayCloseRun.count().where(where)


async def update_run(tenant_id: int, run_id: int, **values) -> None:
    await DayCloseRun.update({getattr(DayCloseRun, k): v for k, v in values.items()}).where(
        (DayCloseRun.tenant == tenant_id) & (DayCloseRun.id == run_id))


async def move_run_to(tenant_id: int, run_id: int, state: str) -> bool:
    """Set the run's state; True only for the one caller that changed it (concurrent runs
    of a date finish the same run)."""
    changed = await DayCloseRun.update({DayCloseRun.state: state}).where(
        (DayCloseRun.tenant == tenant_id) & (DayCloseRun.id == run_id) & (DayCloseRun.state != state)
    ).returning(DayCloseRun.id)
    return bool(changed)


async def run_totals(tenant_id: int, run_id: int) -> dict:
    """Accounts by state, and the charges, credits and documents of each state."""
    rows = await DayCloseAccount.select(
        DayCloseAccount.state, Count(DayCloseAccount.id).as_alias("accounts"),
        Sum(DayCloseAccount.charges_minor).as_alias("charges"), Sum(DayCloseAccount.credits_minor).as_alias("credits"),
        Sum(DayCloseAccount.documents).as_alias("documents"),
    ).where((DayCloseAccount.tenant == tenant_id) & (DayCloseAccount.run == run_id)).group_by(DayCloseAccount.state)
    return {r["state"]: {"accounts": int(r["accounts"]), "charges_minor": int(r["charges"] or 0),
                         "credits_minor": int(r["credits"] or 0), "documents": int(r["documents"] or 0)}
            for r in rows}


# Accounts and what the computation of a chunk of them reads.

@dataclass(frozen=True)
class AccountRow:
    id: int
    client_id: int
    currency: str
    balance_minor: int


_ACCOUNT_COLUMNS = (Account.id, Account.client, Account.currency, Account.balance_minor)


def _account_row(row: dict) -> AccountRow:
    return AccountRow(row["id"], row["client"], row["currency"], row["balance_minor"])


async def accounts_after(tenant_id: int, after_id: int, limit: int) -> list[AccountRow]:
    """The next ``limit`` accounts by id (the day close streams them in chunks)."""
    rows = await Account.select(*_ACCOUNT_COLUMNS).where(
        (Account.tenant == tenant_id) & (Account.id > after_id)).order_by(Account.id).limit(limit)
    return [_account_row(r) for r in rows]


async def accounts_by_id(tenant_id: int, account_ids: list[int]) -> dict[int, AccountRow]:
    rows = await Account.select(*_ACCOUNT_COLUMNS).where(
        (Account.tenant == tenant_id) & Account.id.is_in(account_ids or [0]))
    return {r["id"]: _account_row(r) for r in rows}


async def recorded(tenant_id: int, run_id: int, account_ids: list[int]) -> dict[int, str]:
    """The state each of ``account_ids`` already has in the run."""
    rows = await DayCloseAccount.select(DayCloseAccount.account, DayCloseAccount.state).where(
        (DayCloseAccount.tenant == tenant_id) & (DayCloseAccount.run == run_id)
        & DayCloseAccount.account.is_in(account_ids or [0]))
    return {r["account"]: r["state"] for r in rows}


async def clients(tenant_id: int, client_ids: list[int]) -> dict[int, tuple[ClientRecord, bool]]:
    """Clients by id, each with whether it is blocked as a whole."""
    rows = await Client.select(*[getattr(Client, c) for c in CLIENT_COLUMNS], Client.blocked).where(
        (Client.tenant == tenant_id) & Client.id.is_in(client_ids or [0]))
    return {r["id"]: (client_record(r), r["blocked"]) for r in rows}


async def due_subscriptions(tenant_id: int, client_ids: list[int], on: date) -> list[SubscriptionRecord]:
    """Subscriptions of the clients with a charge falling due on or before ``on``."""
    rows = await Subscription.select().where(
        (Subscription.tenant == tenant_id) & Subscription.client.is_in(client_ids or [0])
        & (Subscription.next_billing_date <= on)).order_by(Subscription.id)
    return await _with_options(tenant_id, rows)


async def subscriptions_of_clients(tenant_id: int, client_ids: list[int]) -> list[SubscriptionRecord]:
    rows = await Subscription.select().where(
        (Subscription.tenant == tenant_id) & Subscription.client.is_in(client_ids or [0])
        & (Subscription.status != "cancelled")).order_by(Subscription.id)
    return await _with_options(tenant_id, rows)


async def _with_options(tenant_id: int, rows: list[dict]) -> list[SubscriptionRecord]:
    options: dict[int, dict[int, int]] = {r["id"]: {} for r in rows}
    if rows:
        found = await SubscriptionOption.select(SubscriptionOption.subscription, SubscriptionOption.option,
                                                SubscriptionOption.quantity).where(
            (SubscriptionOption.tenant == tenant_id) & SubscriptionOption.subscription.is_in(list(options)))
        for o in found:
            options[o["subscription"]][o["option"]] = o["quantity"]
    return [subscription_record(r, options[r["id"]]) for r in rows]


@dataclass(frozen=True)
class ScheduledRecord:
    id: int
    subscription_id: int
    effective_on: date
    change: dict


async def scheduled_changes(tenant_id: int, subscription_ids: list[int], until: date) -> list[ScheduledRecord]:
    rows = await ScheduledChange.select().where(
        (ScheduledChange.tenant == tenant_id) & ScheduledChange.subscription.is_in(subscription_ids or [0])
        & (ScheduledChange.state == "pending") & (ScheduledChange.effective_on <= until)).order_by(ScheduledChange.id)
    return [ScheduledRecord(r["id"], r["subscription"], r["effective_on"], _json(r["change"])) for r in rows]


async def mark_changes_applied(tenant_id: int, change_ids: list[int]) -> None:
    if change_ids:
        await ScheduledChange.update({ScheduledChange.state: "applied"}).where(
            (ScheduledChange.tenant == tenant_id) & ScheduledChange.id.is_in(change_ids)
            & (ScheduledChange.state == "pending"))


async def fingerprints(tenant_id: int, accounts: list[AccountRow]) -> dict[int, str]:
    """What a pending result was computed from, cheaply: the account's balance and last
    entry, the last event and scheduled change of its client's subscriptions."""
    account_ids = [a.id for a in accounts]
    client_ids = sorted({a.client_id for a in accounts})
    entries = {r["account"]: r["last"] for r in await LedgerEntry.select(
        LedgerEntry.account, Max(LedgerEntry.id).as_alias("last")).where(
        (LedgerEntry.tenant == tenant_id) & LedgerEntry.account.is_in(account_ids or [0])).group_by(LedgerEntry.account)}
    subscriptions = await Subscription.select(Subscription.id, Subscription.client).where(
        (Subscription.tenant == tenant_id) & Subscription.client.is_in(client_ids or [0]))
    client_of = {r["id"]: r["client"] for r in subscriptions}
    last: dict[tuple[int, str], int] = {}
    for table in (SubscriptionEvent, ScheduledChange):
        for r in await table.select(table.subscription, Max(table.id).as_alias("last")).where(
                (table.tenant == tenant_id) & table.subscription.is_in(list(client_of) or [0])).group_by(
                table.subscription):
            key = (client_of[r["subscription"]], table._meta.tablename)
            last[key] = max(last.get(key, 0), r["last"])
    return {a.id: f"{a.balance_minor}:{entries.get(a.id, 0)}:{last.get((a.client_id, 'subscription_event'), 0)}:"
                  f"{last.get((a.client_id, 'scheduled_change'), 0)}" for a in accounts}


async def period_movements(tenant_id: int, account_ids: list[int], start: date, end: date,
                           excluded_kinds: list[str]) -> list[dict]:
    """Entries of the accounts booked within [start, end] that no invoice carries (plan-change
    prorations, manual adjustments), without the kinds in ``excluded_kinds`` (payments)."""
    return await LedgerEntry.select(LedgerEntry.account, LedgerEntry.description, LedgerEntry.amount_minor,
                                    LedgerEntry.booked_on).where(
        (LedgerEntry.tenant == tenant_id) & LedgerEntry.account.is_in(account_ids or [0])
        & (LedgerEntry.booked_on >= start) & (LedgerEntry.booked_on <= end) & (LedgerEntry.source_type != "document")
        & LedgerEntry.kind.not_in(excluded_kinds)).order_by(LedgerEntry.id)


async def open_missing_accounts(tenant_id: int, currency: str, on: date) -> int:
    """Open the account in ``currency`` of every client with a charge due by ``on`` that has none
    (a concurrent run opening it first is no error)."""
    rows = await Account.raw(
        'INSERT INTO "account" (tenant, client, currency, balance_minor, created_at) '
        'SELECT DISTINCT s.tenant, s.client, {}, 0, CURRENT_TIMESTAMP FROM "subscription" s '
        'WHERE s.tenant = {} AND s.next_billing_date <= {} AND NOT EXISTS '
        '(SELECT 1 FROM "account" a WHERE a.tenant = s.tenant AND a.client = s.client AND a.currency = {}) '
        'ON CONFLICT DO NOTHING RETURNING id', currency, tenant_id, on, currency)
    return len(rows)


# Per-account results.

def _result(row: dict) -> AccountResultRecord:
    return AccountResultRecord(row["id"], row["run"], row["account"], row["client"],
                               row.get("client.display_name", ""), row["business_date"], row["state"],
                               row["charges_minor"], row["credits_minor"], row["documents"], _json(row["result"]),
                               row["fingerprint"], row["error"], row["decided_by"], row["updated_at"])


_RESULT_COLUMNS = [DayCloseAccount.all_columns(), DayCloseAccount.client.display_name]


def result_row(tenant_id: int, run_id: int, account_id: int, client_id: int, business_date: date, state: str, *,
               result: dict, charges_minor: int = 0, credits_minor: int = 0, documents: int = 0,
               fingerprint: str = "", error: str = "", decided_by: str = "") -> dict:
    """A ``day_close_account`` row, as written by :func:`insert_results` or :func:`replace_result`."""
    return {"tenant": tenant_id, "run": run_id, "account": account_id, "client": client_id,
            "business_date": business_date, "state": state, "charges_minor": charges_minor,
            "credits_minor": credits_minor, "documents": documents, "result": json.dumps(result),
            "fingerprint": fingerprint, "error": error, "decided_by": decided_by,
            "updated_at": datetime.now(timezone.utc)}


async def insert_results(rows: list[dict], *, skip_recorded: bool = False) -> None:
    """Insert results; with ``skip_recorded`` an account another process recorded in the run
    meanwhile keeps that record (without it the insert fails: the exactly-once marker)."""
    await bulk.insert_rows(DayCloseAccount, rows, skip_conflicts=skip_recorded)


_REWRITTEN = ("state", "charges_minor", "credits_minor", "documents", "result", "fingerprint", "error", "decided_by",
              "updated_at")


async def replace_result(tenant_id: int, result_id: int, from_states: tuple[str, ...], row: dict) -> bool:
    """Overwrite a result that is still in one of ``from_states``; False when it is not."""
    updated = await DayCloseAccount.update({getattr(DayCloseAccount, c): row[c] for c in _REWRITTEN}).where(
        (DayCloseAccount.tenant == tenant_id) & (DayCloseAccount.id == result_id)
        & DayCloseAccount.state.is_in(list(from_states))).returning(DayCloseAccount.id)
    return bool(updated)


async def results(tenant_id: int, run_id: int, *, state: str | None = None, search: str = "", limit: int = 100,
                  offset: int = 0) -> tuple[list[AccountResultRecord], int]:
    where = (DayCloseAccount.tenant == tenant_id) & (DayCloseAccount.run == run_id)
    if state:
        where &= DayCloseAccount.state == state
    if search:
        where &= DayCloseAccount.client.is_in(await clients_q.ids_matching(tenant_id, search) or [0])
    rows = await DayCloseAccount.select(*_RESULT_COLUMNS).where(where).order_by(DayCloseAccount.account).limit(
        limit).offset(offset)
    return [_result(r) for r in rows], await DayCloseAccount.count().where(where)


async def result(tenant_id: int, result_id: int) -> AccountResultRecord | None:
    row = await DayCloseAccount.select(*_RESULT_COLUMNS).where(
        (DayCloseAccount.tenant == tenant_id) & (DayCloseAccount.id == result_id)).first()
    return _result(row) if row else None


async def result_ids(tenant_id: int, run_id: int, state: str) -> list[int]:
    rows = await DayCloseAccount.select(DayCloseAccount.id).where(
        (DayCloseAccount.tenant == tenant_id) & (DayCloseAccount.run == run_id)
        & (DayCloseAccount.state == state)).order_by(DayCloseAccount.account)
    return [r["id"] for r in rows]


async def count_in_state(tenant_id: int, run_id: int, states: tuple[str, ...]) -> int:
    return await DayCloseAccount.count().where(
        (DayCloseAccount.tenant == tenant_id) & (DayCloseAccount.run == run_id)
        & DayCloseAccount.state.is_in(list(states)))


PENDING_STATES = (AccountState.PENDING.value,)

"""Current accounts: opening them, posting entries exactly once, balances, statements,
and adjustments that take effect when confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.db.integrity import is_unique_violation
from core.db.queries import ledger as ledger_q
from core.db.queries import tenants as tenants_q
from core.db.queries.ledger import AccountRecord, AdjustmentRecord
from core.db.transaction import atomic
from core.domain.ledger import (
    Adjustment,
    AdjustmentState,
    Entry,
    LedgerError,
    Statement,
    available_to_spend,
    statement,
    transfer,
)
from core.domain.money import Money, MoneyError
from core.domain.roles import MANAGE_BILLING, MANAGE_FINANCE
from core.services import audit, clients, tenants
from core.services.actor import Actor
from core.services.errors import Conflict, Forbidden, InvalidInput, NotFound

def _require_any(actor: Actor, *permissions: str) -> None:
    if not any(actor.can(p) for p in permissions):
        raise Forbidden(f"role {actor.role} may not do this ({' or '.join(permissions)})")


async def account(actor: Actor, account_id: int) -> AccountRecord:
    found = await ledger_q.account(actor.tenant_id, account_id)
    if found is None:
        raise NotFound("account", account_id)
    return found


@dataclass(frozen=True)
class AccountView:
    """An account with what its client may still spend: the balance plus the client's credit
    limit (postpaid clients), when the account is in the client's currency."""

    account: AccountRecord
    credit_limit: Money
    available: Money

    def public(self) -> dict:
        return self.account.public() | {"credit_limit": str(self.credit_limit.amount),
                                        "available": str(self.available.amount)}


async def account_view(actor: Actor, account_id: int) -> AccountView:
    found = await account(actor, account_id)
    client = await clients.get(actor, found.client_id)
    limit = Money.from_minor(client.credit_limit_minor if client.currency == found.currency else 0, found.currency)
    return AccountView(found, limit, available_to_spend(found.balance, limit))


async def accounts_of(actor: Actor, client_id: int) -> list[AccountRecord]:
    await clients.get(actor, client_id)
    return await ledger_q.accounts_of(actor.tenant_id, client_id)


async def open_account(actor: Actor, client_id: int, currency: str | None = None) -> AccountRecord:
    """The client's account in ``currency`` (the client's currency by default), opened if missing."""
    _require_any(actor, MANAGE_BILLING, MANAGE_FINANCE)
    client = await clients.get(actor, client_id)
    currency = currency or client.currency
    try:
        Money.zero(currency)
    except MoneyError:
        raise InvalidInput.field("currency", "must be an ISO 4217 code such as RUB") from None
    existing = await ledger_q.account_of(actor.tenant_id, client_id, currency)
    if existing:
        return existing
    try:
        async with atomic():
            opened = await ledger_q.insert_account(actor.tenant_id, client_id, currency)
            await audit.record(actor, "account.open", "account", opened.id, None, opened.public())
            return opened
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        return await ledger_q.account_of(actor.tenant_id, client_id, currency)


@dataclass(frozen=True)
class Posting:
    account: AccountRecord
    applied: bool  # False when the idempotency key had been used already


async def post(actor: Actor, account_id: int, items: list[Entry], *, idempotency_key: str | None = None) -> Posting:
    """Append ``items`` to the account in one transaction and move its balance; with an
    idempotency key the posting happens once, however often it is attempted."""
    if not items:
        raise InvalidInput.field("entries", "nothing to post")
    target = await account(actor, account_id)
    for item in items:
        if item.amount.currency != target.currency:
            raise InvalidInput.field("amount", f"{item.amount.currency} cannot be posted to a {target.currency} account")
    try:
        async with atomic():
            if idempotency_key and await ledger_q.key_used(actor.tenant_id, idempotency_key):
                return Posting(target, applied=False)
            await ledger_q.insert_entries(actor.tenant_id, target, items, actor_label=actor.label,
                                          idempotency_key=idempotency_key)
    except Exception as exc:
        if is_unique_violation(exc) and idempotency_key and await ledger_q.key_used(actor.tenant_id, idempotency_key):
            return Posting(await account(actor, account_id), applied=False)
        raise
    return Posting(await account(actor, account_id), applied=True)


async def entries(actor: Actor, account_id: int, *, limit: int = 100, before_id: int | None = None):
    target = await account(actor, account_id)
    return await ledger_q.entries(actor.tenant_id, target, limit=min(max(limit, 1), 500), before_id=before_id)


async def account_statement(actor: Actor, account_id: int, start: date, end: date) -> Statement:
    target = await account(actor, account_id)
    if end < start:
        raise InvalidInput.field("end", "is before start")
    rows = await ledger_q.entries(actor.tenant_id, target, until=end)
    return statement([r.entry for r in rows], start, end, target.currency)


async def balance_matches_entries(tenant_id: int, account_id: int) -> bool:
    """The cached balance equals the sum of the entries (checked by tests and by `saldo check`)."""
    target = await ledger_q.account(tenant_id, account_id)
    return target.balance.minor == await ledger_q.entries_total_minor(tenant_id, account_id)


async def merge_accounts(tenant_id: int, source_client: int, target_client: int) -> int:
    """Move a merged client's accounts to the target client, in the merge's transaction. An
    account in a currency the target lacks is reassigned whole; otherwise its balance is
    transferred with a pair of entries and the emptied account stays with the source."""
    tenant = await tenants_q.by_id(tenant_id)
    today = tenants.clock_of(tenant).today()
    moved = 0
    for source in await ledger_q.accounts_of(tenant_id, source_client):
        target = await ledger_q.account_of(tenant_id, target_client, source.currency)
        if target is None:
            await ledger_q.reassign_account(tenant_id, source.id, target_client)
        elif not source.balance.is_zero():
            off, on = transfer(source.balance, today, f"client {source_client} merged into {target_client}")
            key = f"merge:{source.id}:{target.id}"
            await ledger_q.insert_entries(tenant_id, source, [off], actor_label="merge", idempotency_key=f"{key}:off")
            await ledger_q.insert_entries(tenant_id, target, [on], actor_label="merge", idempotency_key=f"{key}:on")
        moved += 1
    return moved


async def propose_adjustment(actor: Actor, account_id: int, amount: Money, reason: str) -> AdjustmentRecord:
    """Enter a manual correction; it changes nothing until confirmed."""
    _require_any(actor, MANAGE_BILLING, MANAGE_FINANCE)
    target = await account(actor, account_id)
    if amount.currency != target.currency:
        raise InvalidInput.field("amount", f"must be in {target.currency}")
    try:
        Adjustment(amount, reason)
    except LedgerError as exc:
        raise InvalidInput.field("reason" if "reason" in str(exc) else "amount", str(exc)) from None
    async with atomic():
        adjustment_id = await ledger_q.insert_adjustment(actor.tenant_id, target, amount, reason.strip(), actor.label)
        created, _ = await ledger_q.adjustment(actor.tenant_id, adjustment_id)
        await audit.record(actor, "adjustment.create", "adjustment", adjustment_id, None, created.public())
    return created


async def adjustments_of(actor: Actor, account_id: int) -> list[AdjustmentRecord]:
    return await ledger_q.adjustments_of(actor.tenant_id, await account(actor, account_id))


async def _pending(actor: Actor, adjustment_id: int) -> tuple[AdjustmentRecord, AccountRecord]:
    found = await ledger_q.adjustment(actor.tenant_id, adjustment_id)
    if found is None:
        raise NotFound("adjustment", adjustment_id)
    if found[0].state != AdjustmentState.PENDING.value:
        raise Conflict(f"adjustment {adjustment_id} is already {found[0].state}")
    return found


async def confirm_adjustment(actor: Actor, adjustment_id: int) -> AdjustmentRecord:
    """Confirm: the entry is posted, booked on the tenant's business date, which is kept."""
    actor.require(MANAGE_FINANCE)
    tenant = await tenants_q.by_id(actor.tenant_id)
    today = tenants.clock_of(tenant).today()
    async with atomic():
        before, target = await _pending(actor, adjustment_id)
        _, entry = Adjustment(before.amount, before.reason).confirm(today)
        entry = Entry(entry.kind, entry.amount, entry.booked_on, entry.description, ("adjustment", str(before.id)))
        [entry_id] = await ledger_q.insert_entries(actor.tenant_id, target, [entry], actor_label=actor.label,
                                                   idempotency_key=f"adjustment:{before.id}")
        await ledger_q.decide_adjustment(actor.tenant_id, adjustment_id, state="confirmed", decided_by=actor.label,
                                         confirmed_on=today, entry_id=entry_id)
        after, _ = await ledger_q.adjustment(actor.tenant_id, adjustment_id)
        await audit.record(actor, "adjustment.confirm", "adjustment", adjustment_id, before.public(), after.public())
    return after


async def cancel_adjustment(actor: Actor, adjustment_id: int) -> AdjustmentRecord:
    _require_any(actor, MANAGE_BILLING, MANAGE_FINANCE)
    async with atomic():
        before, _ = await _pending(actor, adjustment_id)
        await ledger_q.decide_adjustment(actor.tenant_id, adjustment_id, state="cancelled", decided_by=actor.label)
        after, _ = await ledger_q.adjustment(actor.tenant_id, adjustment_id)
        await audit.record(actor, "adjustment.cancel", "adjustment", adjustment_id, before.public(), after.public())
    return after

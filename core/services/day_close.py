"""The day close: one code path computes every account's day; the mode decides what
happens to the result (sandbox shows it, auto commits it, confirm parks it until a
manager confirms or cancels it).

Accounts are streamed by id in chunks. In auto mode a chunk is written in one
transaction; when that fails, its accounts are written one by one, each in its own
transaction, and an account that still fails is parked with its error. The done row of
an account in the date's run is written in the same transaction as its entries, so a
day is applied once per (tenant, date, account), however often it is run or resumed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable

from core.db.integrity import is_unique_violation
from core.db.queries import day_close as day_q
from core.db.queries import tenants as tenants_q
from core.db.queries.day_close import AccountResultRecord, AccountRow, RunRecord
from core.db.transaction import atomic
from core.domain.day_close import AccountState, Mode, RunState, close_due, dates_to_close
from core.domain.roles import MANAGE_BILLING
from core.domain.rules import BillingRules
from core.plugins.manager import PluginRegistry
from core.services import audit, day_close_notice, plugins, tenants
from core.services.actor import Actor
from core.services.day_close_commit import Committed, Posted, commit
from core.services.day_close_compute import AccountFailure, RunInputs, compute, load_chunk
from core.services.errors import Conflict, InvalidInput, NotFound

logger = logging.getLogger("saldo.day_close")
CHUNK = 500
Progress = Callable[[int], None]


async def _inputs(registry: PluginRegistry, tenant_id: int, business_date: date) -> RunInputs:
    hooks, context = await plugins.tenant_context(registry, tenant_id)
    return await RunInputs.load(tenant_id, business_date, hooks, context)


async def _notify(run: RunInputs, posted: Posted) -> None:
    for document in posted.documents:
        await run.hooks.notify("saldo_document_posted", tenant=run.context, document=document)
    for change in posted.blocks:
        await run.hooks.notify("saldo_block_changed", tenant=run.context, change=change)


async def close_day(actor: Actor, registry: PluginRegistry, business_date: date, *, mode: str | None = None,
                    progress: Progress | None = None) -> RunRecord:
    """Close ``business_date`` for the actor's tenant in ``mode`` (the tenant's setting by
    default). A committing run of a date that has one already resumes it: accounts it has
    recorded are left alone, so a done day changes nothing."""
    actor.require(MANAGE_BILLING)
    tenant = await tenants_q.by_id(actor.tenant_id)
    chosen = Mode(mode or BillingRules.from_settings(tenant.settings).day_close_mode)
    if chosen is not Mode.SANDBOX and business_date >= tenants.clock_of(tenant).today():
        raise InvalidInput.field("date", f"{business_date} has not ended yet for this tenant; close an earlier day")
    run_id, chosen = await _start(actor, business_date, chosen)
    started = time.monotonic()
    inputs = await _inputs(registry, actor.tenant_id, business_date)
    # Every client with a charge due needs its account (an empty one: this changes no balance).
    await day_q.open_missing_accounts(actor.tenant_id, inputs.context.currency, business_date)
    after, seen = 0, 0
    while True:
        accounts = await day_q.accounts_after(actor.tenant_id, after, CHUNK)
        if not accounts:
            break
        after = accounts[-1].id
        known = await day_q.recorded(actor.tenant_id, run_id, [a.id for a in accounts])
        await _process(inputs, run_id, chosen, [a for a in accounts if a.id not in known])
        seen += len(accounts)
        if progress:
            progress(seen)
    return await _finish(actor.tenant_id, run_id, chosen, time.monotonic() - started, announce=True)


async def _start(actor: Actor, business_date: date, mode: Mode) -> tuple[int, Mode]:
    """The run to work in: the date's committing run if it exists (resumed in its own mode),
    else a new one, recorded with its audit entry in one transaction."""
    if mode is not Mode.SANDBOX:
        existing = await day_q.committing_run(actor.tenant_id, business_date)
        if existing is not None:
            return existing.id, Mode(existing.mode)
    try:
        async with atomic():
            run_id = await day_q.insert_run(actor.tenant_id, business_date, mode.value, actor.label)
            await audit.record(actor, "day_close.run", "day_close_run", run_id, None,
                               {"business_date": business_date.isoformat(), "mode": mode.value})
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        existing = await day_q.committing_run(actor.tenant_id, business_date)
        return existing.id, Mode(existing.mode)
    return run_id, mode


async def _finish(tenant_id: int, run_id: int, mode: Mode, seconds: float, announce: bool = False) -> RunRecord:
    """Record the run's totals and state; with ``announce``, a run that has just come to
    await confirmation is announced to the managers (once, also when runs race)."""
    totals = await day_q.run_totals(tenant_id, run_id)
    state = RunState.AWAITING_CONFIRMATION if AccountState.PENDING.value in totals else RunState.DONE
    run = await day_q.get_run(tenant_id, run_id)
    moved = await day_q.move_run_to(tenant_id, run_id, state.value)
    await day_q.update_run(tenant_id, run_id, totals=totals, finished_at=datetime.now(timezone.utc),
                           duration_ms=run.duration_ms + int(seconds * 1000))
    finished = await day_q.get_run(tenant_id, run_id)
    if announce and moved and state is RunState.AWAITING_CONFIRMATION:
        await day_close_notice.announce_awaiting(tenant_id, finished)
    return finished


@dataclass(frozen=True)
class _Computed:
    account: AccountRow
    outcome: object  # AccountOutcome, or the AccountFailure/Exception that parks it


async def _compute_all(inputs: RunInputs, accounts: list[AccountRow]) -> list[_Computed]:
    if not accounts:
        return []
    chunk = await load_chunk(inputs, accounts)
    found = []
    for account in accounts:
        try:
            found.append(_Computed(account, await compute(inputs, chunk, account)))
        except Exception as exc:  # a plugin step or the data of one account: park it, go on
            logger.warning("day close: account %s failed: %s", account.id, exc)
            found.append(_Computed(account, exc))
    return found


def _error(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, AccountFailure) else f"{type(exc).__name__}: {exc}"


async def _process(inputs: RunInputs, run_id: int, mode: Mode, accounts: list[AccountRow]) -> None:
    computed = await _compute_all(inputs, accounts)
    tenant_id, on = inputs.tenant_id, inputs.business_date
    failed = [c for c in computed if isinstance(c.outcome, Exception)]
    ready = [c for c in computed if not isinstance(c.outcome, Exception) and not c.outcome.is_empty]
    rows = [day_q.result_row(tenant_id, run_id, c.account.id, c.account.client_id, on, AccountState.PARKED.value,
                             result={}, error=_error(c.outcome)) for c in failed]
    if mode is Mode.AUTO:
        await day_q.insert_results(rows, skip_recorded=True)
        await _commit_many(inputs, run_id, [Committed(c.account.id, c.outcome) for c in ready])
        return
    state = AccountState.PREVIEW if mode is Mode.SANDBOX else AccountState.PENDING
    prints = await day_q.fingerprints(tenant_id, [c.account for c in ready]) if mode is Mode.CONFIRM else {}
    rows += [day_q.result_row(tenant_id, run_id, c.account.id, c.account.client_id, on, state.value,
                              result=c.outcome.public(), charges_minor=c.outcome.charges.minor,
                              credits_minor=c.outcome.credits.minor, documents=len(c.outcome.documents),
                              fingerprint=prints.get(c.account.id, "")) for c in ready]
    await day_q.insert_results(rows, skip_recorded=True)


async def _commit_many(inputs: RunInputs, run_id: int, items: list[Committed], decided_by: str = "") -> None:
    """Write the items in one transaction, or else one by one, parking those that fail."""
    if not items:
        return
    try:
        await _notify(inputs, await commit(inputs, run_id, items, decided_by))
        return
    except Exception as exc:
        if len(items) == 1:
            await _park(inputs, run_id, items[0], exc)
            return
        logger.info("day close: a batch of %d accounts failed (%s); writing them one by one", len(items), exc)
    for item in items:
        await _commit_many(inputs, run_id, [item], decided_by)


async def _park(inputs: RunInputs, run_id: int, item: Committed, exc: Exception) -> None:
    tenant_id = inputs.tenant_id
    if item.result_id is None and is_unique_violation(exc):
        return  # another process wrote this account's day first
    logger.warning("day close: account %s parked: %s", item.account_id, exc)
    row = day_q.result_row(tenant_id, run_id, item.account_id, item.outcome.client_id, inputs.business_date,
                           AccountState.PARKED.value, result=item.outcome.public(), error=_error(exc))
    if item.result_id is None:
        await day_q.insert_results([row], skip_recorded=True)
    else:
        await day_q.replace_result(tenant_id, item.result_id, (AccountState.PENDING.value, AccountState.PARKED.value,
                                                               AccountState.CANCELLED.value), row)


# Reading runs.

async def runs(actor: Actor, *, state: str | None = None, limit: int = 50,
               offset: int = 0) -> tuple[list[RunRecord], int]:
    """Runs, newest date first; ``state`` "awaiting_confirmation" gives those a manager must decide."""
    if state and state not in {s.value for s in RunState}:
        raise InvalidInput.field("state", f"must be one of {', '.join(s.value for s in RunState)}")
    return await day_q.list_runs(actor.tenant_id, state=state, limit=min(max(limit, 1), 200),
                                 offset=max(offset, 0))


async def get_run(actor: Actor, run_id: int) -> RunRecord:
    found = await day_q.get_run(actor.tenant_id, run_id)
    if found is None:
        raise NotFound("day close run", run_id)
    return found


async def accounts(actor: Actor, registry: PluginRegistry, run_id: int, *, state: str | None = None,
                   search: str = "", limit: int = 100, offset: int = 0) -> tuple[list[AccountResultRecord], int]:
    """The run's accounts (pending ones recomputed first if their inputs changed)."""
    run = await get_run(actor, run_id)
    if state and state not in {s.value for s in AccountState}:
        raise InvalidInput.field("state", f"must be one of {', '.join(s.value for s in AccountState)}")
    if run.state == RunState.AWAITING_CONFIRMATION.value and actor.can(MANAGE_BILLING):
        await refresh(actor, registry, run_id)
    return await day_q.results(actor.tenant_id, run_id, state=state, search=search.strip(),
                               limit=min(max(limit, 1), 500), offset=max(offset, 0))


async def account_result(actor: Actor, result_id: int) -> AccountResultRecord:
    found = await day_q.result(actor.tenant_id, result_id)
    if found is None:
        raise NotFound("day close account", result_id)
    return found


# Confirmation.

async def refresh(actor: Actor, registry: PluginRegistry, run_id: int) -> int:
    """Recompute the run's pending accounts whose inputs changed since they were computed
    (a payment, a plan change…); returns how many were recomputed."""
    run = await get_run(actor, run_id)
    pending = [await day_q.result(actor.tenant_id, i)
               for i in await day_q.result_ids(actor.tenant_id, run_id, AccountState.PENDING.value)]
    if not pending:
        return 0
    prints = await day_q.fingerprints(
        actor.tenant_id, list((await day_q.accounts_by_id(actor.tenant_id, [r.account_id for r in pending])).values()))
    stale = [r for r in pending if prints.get(r.account_id) != r.fingerprint]
    await _recompute_to_pending(actor, registry, run, stale)
    return len(stale)


async def _recompute_to_pending(actor: Actor, registry: PluginRegistry, run: RunRecord,
                                chosen: list[AccountResultRecord]) -> None:
    """Compute the accounts afresh and keep them pending (or parked, when they fail)."""
    if not chosen:
        return
    inputs = await _inputs(registry, actor.tenant_id, run.business_date)
    rows = await day_q.accounts_by_id(actor.tenant_id, [c.account_id for c in chosen])
    prints = await day_q.fingerprints(actor.tenant_id, list(rows.values()))
    by_account = {c.account_id: c for c in chosen}
    for computed in await _compute_all(inputs, list(rows.values())):
        await _store(inputs, run.id, by_account[computed.account.id], computed, prints.get(computed.account.id, ""))


async def _store(inputs: RunInputs, run_id: int, result: AccountResultRecord, computed: _Computed,
                 fingerprint: str) -> None:
    outcome = computed.outcome
    if isinstance(outcome, Exception):
        row = day_q.result_row(inputs.tenant_id, run_id, result.account_id, result.client_id, inputs.business_date,
                               AccountState.PARKED.value, result={}, error=_error(outcome))
    else:
        row = day_q.result_row(inputs.tenant_id, run_id, result.account_id, result.client_id, inputs.business_date,
                               AccountState.PENDING.value, result=outcome.public(), charges_minor=outcome.charges.minor,
                               credits_minor=outcome.credits.minor, documents=len(outcome.documents),
                               fingerprint=fingerprint)
    await day_q.replace_result(inputs.tenant_id, result.id, (result.state,), row)


async def _decidable(actor: Actor, run_id: int, result_ids: list[int] | None, states: tuple[str, ...]
                     ) -> tuple[RunRecord, list[AccountResultRecord]]:
    actor.require(MANAGE_BILLING)
    run = await get_run(actor, run_id)
    if run.mode == Mode.SANDBOX.value:
        raise Conflict("a sandbox run changes nothing: run the day in auto or confirm mode")
    chosen = []
    for state in states:
        ids = await day_q.result_ids(actor.tenant_id, run_id, state) if result_ids is None else result_ids
        for result_id in ids:
            found = await day_q.result(actor.tenant_id, result_id)
            if found is None or found.run_id != run_id:
                raise NotFound("day close account", result_id)
            if found.state in states and found not in chosen:
                chosen.append(found)
    if result_ids is not None:
        wrong = [i for i in result_ids if i not in {c.id for c in chosen}]
        if wrong:
            found = await day_q.result(actor.tenant_id, wrong[0])
            raise Conflict(f"account {found.account_id} is {found.state}, not {' or '.join(states)}")
    return run, chosen


async def confirm(actor: Actor, registry: PluginRegistry, run_id: int,
                  result_ids: list[int] | None = None) -> RunRecord:
    """Confirm pending accounts (all of them when ``result_ids`` is None): each is computed
    afresh and written as auto would, so confirmation applies the latest result."""
    run, chosen = await _decidable(actor, run_id, result_ids, (AccountState.PENDING.value,))
    await _recompute_and_commit(actor, registry, run, chosen)
    await audit.record(actor, "day_close.confirm", "day_close_run", run_id, None,
                       {"accounts": [c.account_id for c in chosen]})
    return await _finish(actor.tenant_id, run_id, Mode(run.mode), 0)


async def _recompute_and_commit(actor: Actor, registry: PluginRegistry, run: RunRecord,
                                chosen: list[AccountResultRecord]) -> None:
    inputs = await _inputs(registry, actor.tenant_id, run.business_date)
    rows = await day_q.accounts_by_id(actor.tenant_id, [c.account_id for c in chosen])
    for start in range(0, len(chosen), CHUNK):
        part = chosen[start:start + CHUNK]
        computed = {c.account.id: c for c in await _compute_all(inputs, [rows[r.account_id] for r in part])}
        items = []
        for result in part:
            outcome = computed[result.account_id].outcome
            if isinstance(outcome, Exception):
                await _store(inputs, run.id, result, computed[result.account_id], "")
            else:
                items.append(Committed(result.account_id, outcome, result.id))
        for item in items:  # each confirmed account in its own transaction
            await _commit_many(inputs, run.id, [item], actor.label)


async def cancel(actor: Actor, run_id: int, result_ids: list[int] | None = None, reason: str = "") -> RunRecord:
    """Cancel pending accounts: nothing is written for them; their charges fall due again
    at the next run, or when the account is re-run by hand."""
    run, chosen = await _decidable(actor, run_id, result_ids, (AccountState.PENDING.value,))
    for result in chosen:
        row = day_q.result_row(actor.tenant_id, run_id, result.account_id, result.client_id, run.business_date,
                               AccountState.CANCELLED.value, result=result.result, charges_minor=result.charges_minor,
                               credits_minor=result.credits_minor, documents=result.documents,
                               error=reason.strip(), decided_by=actor.label)
        await day_q.replace_result(actor.tenant_id, result.id, (AccountState.PENDING.value,), row)
    await audit.record(actor, "day_close.cancel", "day_close_run", run_id, None,
                       {"accounts": [c.account_id for c in chosen], "reason": reason.strip()})
    return await _finish(actor.tenant_id, run_id, Mode(run.mode), 0)


async def retry(actor: Actor, registry: PluginRegistry, run_id: int, result_ids: list[int] | None = None) -> RunRecord:
    """Run parked (and cancelled) accounts again after their data was fixed: in an auto run
    they are written, in a confirm run they wait for confirmation again."""
    states = (AccountState.PARKED.value,) if result_ids is None else (AccountState.PARKED.value,
                                                                       AccountState.CANCELLED.value)
    run, chosen = await _decidable(actor, run_id, result_ids, states)
    if not chosen:
        return await _finish(actor.tenant_id, run_id, Mode(run.mode), 0)
    if run.mode == Mode.AUTO.value:
        await _recompute_and_commit(actor, registry, run, chosen)
    else:
        await _recompute_to_pending(actor, registry, run, chosen)
    await audit.record(actor, "day_close.retry", "day_close_run", run_id, None,
                       {"accounts": [c.account_id for c in chosen]})
    return await _finish(actor.tenant_id, run_id, Mode(run.mode), 0)


# Catching up and the schedule.

async def catch_up(actor: Actor, registry: PluginRegistry, until: date, *, mode: str | None = None,
                   progress: Callable[[date, int], None] | None = None) -> list[RunRecord]:
    """Finish the latest run if a crash left it running, then close every day after the last
    closed one up to ``until``, oldest first (days missed while the system was down), in
    ``mode`` (the tenant's by default). A sandbox run commits nothing, so it cannot catch up."""
    actor.require(MANAGE_BILLING)
    if mode == Mode.SANDBOX.value:
        raise InvalidInput.field("mode", "a sandbox run previews one given date; it cannot catch up")
    last = await day_q.last_closed_date(actor.tenant_id)
    days = dates_to_close(last, until)
    if last is not None and (await day_q.committing_run(actor.tenant_id, last)).state == RunState.RUNNING.value:
        logger.info("day close: resuming the unfinished run of %s (tenant %s)", last, actor.tenant_id)
        days.insert(0, last)
    return [await close_day(actor, registry, day, mode=mode,
                            progress=(lambda n, day=day: progress(day, n)) if progress else None) for day in days]


async def scheduled_tick(registry: PluginRegistry) -> list[RunRecord]:
    """Close, for every tenant, the days whose close time has passed by its clock (and
    finish a run a crash left unfinished)."""
    done = []
    for tenant in await tenants.all_tenants():
        rules = BillingRules.from_settings(tenant.settings)
        due = close_due(tenants.clock_of(tenant).now(), rules.close_at)
        try:
            done += await catch_up(Actor.system(tenant.id), registry, due)
        except Exception:  # one tenant's failure must not stop the others
            logger.exception("day close of tenant %s failed", tenant.slug)
    return done

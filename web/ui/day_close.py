"""«Закрытие дня»: the runs with their totals and a form to close a date, a run's accounts
filtered by state and client, one account's computed day (charges and credits, subscription
moves, the documents confirmation will issue, blocking, the error of a failed one), and the
manager's decisions: confirm, cancel with a reason, run failed or cancelled accounts again.

Every decision goes through ``core.services.day_close``, which checks the role, the tenant
and the account's state; a refused decision shows the page again with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from core.db.queries.day_close import AccountResultRecord, RunRecord
from core.domain.day_close import AccountState, Mode, RunState
from core.domain.money import Money
from core.domain.roles import MANAGE_BILLING
from core.domain.rules import BillingRules
from core.plugins.manager import PluginRegistry
from core.services import day_close, tenants
from core.services.errors import Conflict, InvalidInput, ServiceError
from web.principal import Principal
from web.ui.forms import day, errors_of
from web.ui.render import form_data, local_path, page, redirect

RUN_PAGE = 30
ACCOUNT_PAGE = 100
RUN_STATES = tuple(s.value for s in RunState)
ACCOUNT_STATES = tuple(s.value for s in AccountState)
MODES = tuple(m.value for m in Mode)
COUNTED = (AccountState.DONE.value, AccountState.PENDING.value, AccountState.PREVIEW.value)
SHOWN_STATES = (AccountState.DONE.value, AccountState.PENDING.value, AccountState.PARKED.value,
                AccountState.CANCELLED.value)


@dataclass(frozen=True)
class RunSummary:
    """A run as its row shows it: accounts by state, and what the run charges (done, pending
    or previewed accounts; not the cancelled or failed ones)."""

    run: RunRecord
    counts: dict[str, int]
    charges: Money
    credits: Money
    documents: int
    seconds: Decimal
    by_state: tuple[tuple[str, int, Money, Money, int], ...]  # state, accounts, charges, credits, documents

    @property
    def decidable(self) -> bool:
        return self.run.mode != Mode.SANDBOX.value


def summary(run: RunRecord, currency: str) -> RunSummary:
    totals = run.totals or {}
    counts = {state: int(totals.get(state, {}).get("accounts", 0)) for state in ACCOUNT_STATES}
    charged = [totals[s] for s in COUNTED if s in totals]
    return RunSummary(run, counts, Money.from_minor(sum(t.get("charges_minor", 0) for t in charged), currency),
                      Money.from_minor(sum(t.get("credits_minor", 0) for t in charged), currency),
                      sum(t.get("documents", 0) for t in charged),
                      (Decimal(run.duration_ms) / 1000).quantize(Decimal("0.1")),
                      tuple((state, int(totals[state].get("accounts", 0)),
                             Money.from_minor(totals[state].get("charges_minor", 0), currency),
                             Money.from_minor(totals[state].get("credits_minor", 0), currency),
                             int(totals[state].get("documents", 0)))
                            for state in ACCOUNT_STATES if state in totals))


async def awaiting(principal: Principal) -> list[RunSummary]:
    """Runs waiting for a manager's confirmation (the dashboard's notice), oldest date first."""
    actor = principal.actor
    if not actor.can(MANAGE_BILLING):
        return []
    tenant = await tenants.get(actor.tenant_id)
    found, _ = await day_close.runs(actor, state=RunState.AWAITING_CONFIRMATION.value, limit=200)
    return sorted((summary(r, tenant.currency) for r in found), key=lambda s: s.run.business_date)


def _result_money(result: AccountResultRecord) -> tuple[Money, Money]:
    currency = result.result.get("currency") or "RUB"
    return Money.from_minor(result.charges_minor, currency), Money.from_minor(result.credits_minor, currency)


async def _runs_page(request: Request, principal: Principal, *, offset: int = 0, errors: dict | None = None,
                     values: dict | None = None, status_code: int = 200) -> Template:
    actor = principal.actor
    tenant = await tenants.get(actor.tenant_id)
    offset = max(offset, 0)
    found, total = await day_close.runs(actor, limit=RUN_PAGE, offset=offset)
    yesterday = tenants.clock_of(tenant).today() - timedelta(days=1)
    return await page(
        request, principal, "day_close.html", active="day_close", status_code=status_code,
        runs=[summary(r, tenant.currency) for r in found], total=total, offset=offset, page_size=RUN_PAGE,
        tenant_mode=BillingRules.from_settings(tenant.settings).day_close_mode, modes=MODES,
        run_states=RUN_STATES, account_states=ACCOUNT_STATES, can_run=actor.can(MANAGE_BILLING),
        errors=errors or {}, values=values or {"business_date": yesterday.isoformat(), "mode": ""},
    )


async def _run_page(request: Request, principal: Principal, registry: PluginRegistry, run_id: int, *,
                    state: str = "", search: str = "", offset: int = 0, error: str = "",
                    status_code: int = 200) -> Template:
    actor = principal.actor
    tenant = await tenants.get(actor.tenant_id)
    state = state if state in ACCOUNT_STATES else ""
    offset = max(offset, 0)
    results, total = await day_close.accounts(actor, registry, run_id, state=state or None, search=search,
                                              limit=ACCOUNT_PAGE, offset=offset)
    run = await day_close.get_run(actor, run_id)  # after the refresh of its pending accounts
    return await page(
        request, principal, "day_close_run.html", active="day_close", status_code=status_code,
        subject=summary(run, tenant.currency), results=[(r, *_result_money(r)) for r in results], total=total,
        state=state, search=search, offset=offset, page_size=ACCOUNT_PAGE, run_states=RUN_STATES,
        account_states=ACCOUNT_STATES, modes=MODES, can_decide=actor.can(MANAGE_BILLING), action_error=error,
    )


async def _account_page(request: Request, principal: Principal, result_id: int, *, error: str = "",
                        values: dict | None = None, status_code: int = 200) -> Template:
    actor = principal.actor
    tenant = await tenants.get(actor.tenant_id)
    result = await day_close.account_result(actor, result_id)
    run = await day_close.get_run(actor, result.run_id)
    charges, credits = _result_money(result)
    return await page(
        request, principal, "day_close_account.html", active="day_close", status_code=status_code,
        result=result, outcome=result.result, charges=charges, credits=credits,
        currency=result.result.get("currency") or tenant.currency, subject=summary(run, tenant.currency),
        run_states=RUN_STATES, account_states=ACCOUNT_STATES, modes=MODES, can_decide=actor.can(MANAGE_BILLING),
        action_error=error, values=values or {},
    )


def _ids(form: dict) -> list[int] | None:
    """The one account a form names (``result_id``), or None for all of them."""
    text = (form.get("result_id") or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput.field("result_id", "must be a whole number")
    return [int(text)]


def _message(exc: ServiceError) -> str:
    errors = errors_of(exc)
    return next(iter(errors.values()), exc.message)


async def _decide(request: Request, principal: Principal, registry: PluginRegistry, run_id: int,
                  action: str) -> Template | Redirect:
    form = await form_data(request)
    actor = principal.actor
    try:
        ids = _ids(form)
        if action == "confirm":
            await day_close.confirm(actor, registry, run_id, ids)
        elif action == "cancel":
            await day_close.cancel(actor, run_id, ids, form.get("reason", ""))
        else:
            await day_close.retry(actor, registry, run_id, ids)
    except (InvalidInput, Conflict) as exc:
        status = HTTP_409_CONFLICT if isinstance(exc, Conflict) else HTTP_422_UNPROCESSABLE_ENTITY
        chosen = (form.get("result_id") or "").strip()
        if chosen.isdigit():
            return await _account_page(request, principal, int(chosen), error=_message(exc), values=form,
                                       status_code=status)
        return await _run_page(request, principal, registry, run_id, error=_message(exc), status_code=status)
    done = {"confirm": "day_close.confirmed", "cancel": "day_close.cancelled", "retry": "day_close.retried"}
    back = local_path(form.get("next"), f"/day-close/runs/{run_id}")
    return redirect(back, done[action])


class DayClosePages(Controller):
    path = "/day-close"

    @get("/")
    async def index(self, request: Request, principal: Principal, offset: int = 0) -> Template:
        return await _runs_page(request, principal, offset=offset)

    @post("/runs")
    async def start(self, request: Request, principal: Principal, registry: PluginRegistry) -> Template | Redirect:
        form = await form_data(request)
        mode = (form.get("mode") or "").strip()
        try:
            if mode and mode not in MODES:
                raise InvalidInput.field("mode", "must be one of sandbox, auto, confirm")
            business_date = day(form, "business_date")
            if business_date is None:
                raise InvalidInput.field("business_date", "is required")
            run = await day_close.close_day(principal.actor, registry, business_date, mode=mode or None)
        except (InvalidInput, Conflict) as exc:
            errors = errors_of(exc)
            if "date" in errors:  # the service names the field «date»
                errors["business_date"] = errors.pop("date")
            return await _runs_page(request, principal, errors=errors, values=form,
                                    status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/day-close/runs/{run.id}", "day_close.run_done")

    @get("/runs/{run_id:int}")
    async def run(self, request: Request, principal: Principal, registry: PluginRegistry, run_id: int,
                  account_state: Annotated[str, QueryParameter(name="state")] = "", q: str = "",
                  offset: int = 0) -> Template:
        """``?state=`` and ``?q=`` (part of the client's name) filter the accounts."""
        return await _run_page(request, principal, registry, run_id, state=account_state, search=q, offset=offset)

    @get("/accounts/{result_id:int}")
    async def account(self, request: Request, principal: Principal, result_id: int) -> Template:
        return await _account_page(request, principal, result_id)

    @post("/runs/{run_id:int}/confirm")
    async def confirm(self, request: Request, principal: Principal, registry: PluginRegistry,
                      run_id: int) -> Template | Redirect:
        """Confirm one pending account (``result_id``) or, without it, every pending one."""
        return await _decide(request, principal, registry, run_id, "confirm")

    @post("/runs/{run_id:int}/cancel")
    async def cancel(self, request: Request, principal: Principal, registry: PluginRegistry,
                     run_id: int) -> Template | Redirect:
        """Cancel one pending account (``result_id``) with a ``reason``, or every pending one."""
        return await _decide(request, principal, registry, run_id, "cancel")

    @post("/runs/{run_id:int}/retry")
    async def retry(self, request: Request, principal: Principal, registry: PluginRegistry,
                    run_id: int) -> Template | Redirect:
        """Run one parked or cancelled account (``result_id``) again or, without it, every parked one."""
        return await _decide(request, principal, registry, run_id, "retry")

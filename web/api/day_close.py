"""The day close (закрытие дня) over the API: runs, their accounts, and the confirmation,
cancellation and retry of accounts of a run."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.params import Parameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel, Field

from core.plugins.manager import PluginRegistry
from core.services import day_close
from core.services.actor import Actor

AccountStateName = Literal["preview", "pending", "done", "cancelled", "parked"]


class RunOut(BaseModel):
    id: int
    business_date: dt.date
    mode: str = Field(description="sandbox, auto or confirm.")
    state: str = Field(description="running, awaiting_confirmation or done.")
    started_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    duration_ms: int
    totals: dict = Field(description="By account state: accounts, charges_minor, credits_minor, documents.")


class RunPage(BaseModel):
    items: list[RunOut]
    total: int
    limit: int
    offset: int


class RunIn(BaseModel):
    business_date: dt.date = Field(description="The day to close; it must have ended by the tenant clock "
                                               "(a sandbox run may preview any day).")
    mode: Literal["sandbox", "auto", "confirm"] | None = Field(
        default=None, description="The tenant's day_close_mode by default.")


class AccountResultOut(BaseModel):
    id: int
    run_id: int
    account_id: int
    client_id: int
    client_name: str
    business_date: dt.date
    state: str = Field(description="preview, pending, done, cancelled or parked.")
    charges: str
    credits: str
    documents: int
    result: dict = Field(description="The computed day: lines, subscriptions, documents, blocking.")
    error: str = Field(description="Why a parked account failed, or the reason a cancelled one was cancelled.")
    decided_by: str
    updated_at: dt.datetime


class AccountResultPage(BaseModel):
    items: list[AccountResultOut]
    total: int
    limit: int
    offset: int


class ConfirmIn(BaseModel):
    result_ids: list[int] | None = Field(default=None, description="Results to confirm; every pending one "
                                                                   "when omitted.")


class CancelIn(BaseModel):
    result_ids: list[int] | None = Field(default=None, description="Results to cancel; every pending one "
                                                                   "when omitted.")
    reason: str = ""


class RetryIn(BaseModel):
    result_ids: list[int] | None = Field(default=None, description="Parked or cancelled results to run again; "
                                                                   "every parked one when omitted.")


def _run(record) -> RunOut:
    return RunOut(**record.public())


def _result(record) -> AccountResultOut:
    return AccountResultOut(**record.public())


class DayCloseController(Controller):
    path = "/day-close"
    tags = ["day close"]

    @get("/runs", summary="Runs of the day close, the newest business date first")
    async def runs(self, actor: Actor, limit: int = Parameter(default=50, ge=1, le=200),
                   offset: int = Parameter(default=0, ge=0)) -> RunPage:
        found, total = await day_close.runs(actor, limit=limit, offset=offset)
        return RunPage(items=[_run(r) for r in found], total=total, limit=limit, offset=offset)

    @post("/runs", status_code=HTTP_201_CREATED,
          summary="Close a business date (synchronously); a committing run of a date resumes its run")
    async def start(self, actor: Actor, registry: PluginRegistry, data: RunIn) -> RunOut:
        return _run(await day_close.close_day(actor, registry, data.business_date, mode=data.mode))

    @get("/runs/{run_id:int}", summary="One run with its totals by account state")
    async def show(self, actor: Actor, run_id: int) -> RunOut:
        return _run(await day_close.get_run(actor, run_id))

    @get("/runs/{run_id:int}/accounts",
         summary="The run's accounts (pending ones are recomputed first when their inputs changed)")
    async def accounts(self, actor: Actor, registry: PluginRegistry, run_id: int,
                       account_state: Annotated[AccountStateName | None, QueryParameter(
                           name="state", description="Only the accounts in this state.")] = None,
                       search: str = Parameter(default="", description="Part of the client's name."),
                       limit: int = Parameter(default=100, ge=1, le=500),
                       offset: int = Parameter(default=0, ge=0)) -> AccountResultPage:
        found, total = await day_close.accounts(actor, registry, run_id, state=account_state, search=search, limit=limit,
                                                offset=offset)
        return AccountResultPage(items=[_result(r) for r in found], total=total, limit=limit, offset=offset)

    @get("/accounts/{result_id:int}", summary="One account's result in a run")
    async def account(self, actor: Actor, result_id: int) -> AccountResultOut:
        return _result(await day_close.account_result(actor, result_id))

    @post("/runs/{run_id:int}/confirm", status_code=HTTP_200_OK,
          summary="Confirm pending accounts: each is computed afresh and written")
    async def confirm(self, actor: Actor, registry: PluginRegistry, run_id: int, data: ConfirmIn) -> RunOut:
        return _run(await day_close.confirm(actor, registry, run_id, data.result_ids))

    @post("/runs/{run_id:int}/cancel", status_code=HTTP_200_OK,
          summary="Cancel pending accounts: nothing is written; their charges fall due again")
    async def cancel(self, actor: Actor, run_id: int, data: CancelIn) -> RunOut:
        return _run(await day_close.cancel(actor, run_id, data.result_ids, data.reason))

    @post("/runs/{run_id:int}/retry", status_code=HTTP_200_OK,
          summary="Run parked (or chosen cancelled) accounts again")
    async def retry(self, actor: Actor, registry: PluginRegistry, run_id: int, data: RetryIn) -> RunOut:
        return _run(await day_close.retry(actor, registry, run_id, data.result_ids))

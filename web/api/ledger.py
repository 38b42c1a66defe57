from __future__ import annotations

import datetime as dt
from decimal import Decimal

from litestar import Controller, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from core.domain.money import Money, MoneyError
from core.services import ledger
from core.services.actor import Actor
from core.services.errors import InvalidInput


class AccountOut(BaseModel):
    id: int
    client_id: int
    currency: str
    balance: Decimal


class AccountViewOut(AccountOut):
    credit_limit: Decimal = Field(description="The client's credit limit (postpaid), in this currency.")
    available: Decimal = Field(description="Balance plus credit limit: what the client may still spend.")


class AccountIn(BaseModel):
    currency: str | None = Field(default=None, description="ISO 4217 code; the client's currency by default.")


class EntryOut(BaseModel):
    id: int
    kind: str
    amount: Decimal = Field(description="Positive for a credit, negative for a debit.")
    booked_on: dt.date
    description: str
    source: dict | None
    actor: str
    created_at: dt.datetime


class StatementOut(BaseModel):
    start: dt.date
    end: dt.date
    opening: Decimal
    credits: Decimal
    debits: Decimal
    closing: Decimal
    lines: list[dict]


class AdjustmentIn(BaseModel):
    amount: Decimal = Field(description="Positive adds to the balance (▲), negative takes from it (▼).")
    reason: str


class AdjustmentOut(BaseModel):
    id: int
    account_id: int
    amount: Decimal
    reason: str
    state: str
    created_by: str
    created_at: dt.datetime
    decided_by: str
    confirmed_on: dt.date | None
    entry_id: int | None


class ClientAccountsController(Controller):
    path = "/clients/{client_id:int}/accounts"
    tags = ["ledger"]

    @get("/", summary="The client's current accounts, one per currency")
    async def list(self, actor: Actor, client_id: int) -> list[AccountOut]:
        return [AccountOut(**a.public()) for a in await ledger.accounts_of(actor, client_id)]

    @post("/", status_code=HTTP_200_OK, summary="Open the client's account in a currency (or return it)")
    async def open(self, actor: Actor, client_id: int, data: AccountIn) -> AccountOut:
        return AccountOut(**(await ledger.open_account(actor, client_id, data.currency)).public())


class AccountsController(Controller):
    path = "/accounts/{account_id:int}"
    tags = ["ledger"]

    @get("/", summary="One account with its balance, credit limit and what is available")
    async def show(self, actor: Actor, account_id: int) -> AccountViewOut:
        return AccountViewOut(**(await ledger.account_view(actor, account_id)).public())

    @get("/entries", summary="Ledger entries, newest page in booking order")
    async def entries(self, actor: Actor, account_id: int, limit: int = Parameter(default=100, ge=1, le=500),
                      before_id: int | None = None) -> list[EntryOut]:
        return [EntryOut(**e.public()) for e in await ledger.entries(actor, account_id, limit=limit,
                                                                     before_id=before_id)]

    @get("/statement", summary="Statement for a period with opening and closing balance")
    async def statement(self, actor: Actor, account_id: int, start: dt.date, end: dt.date) -> StatementOut:
        result = await ledger.account_statement(actor, account_id, start, end)
        return StatementOut(
            start=result.start, end=result.end, opening=result.opening.amount, credits=result.credits.amount,
            debits=result.debits.amount, closing=result.closing.amount,
            lines=[{"kind": l.entry.kind.value, "amount": str(l.entry.signed.amount),
                    "booked_on": l.entry.booked_on.isoformat(), "description": l.entry.description,
                    "balance_after": str(l.balance_after.amount)} for l in result.lines],
        )

    @get("/adjustments", summary="Adjustments of the account")
    async def adjustments(self, actor: Actor, account_id: int) -> list[AdjustmentOut]:
        return [AdjustmentOut(**a.public()) for a in await ledger.adjustments_of(actor, account_id)]

    @post("/adjustments", summary="Enter an adjustment; it takes effect when confirmed")
    async def propose(self, actor: Actor, account_id: int, data: AdjustmentIn) -> AdjustmentOut:
        target = await ledger.account(actor, account_id)
        try:
            amount = Money(data.amount, target.currency)
        except MoneyError as exc:
            raise InvalidInput.field("amount", str(exc)) from None
        return AdjustmentOut(**(await ledger.propose_adjustment(actor, account_id, amount, data.reason)).public())


class AdjustmentsController(Controller):
    path = "/adjustments/{adjustment_id:int}"
    tags = ["ledger"]

    @post("/confirm", status_code=HTTP_200_OK, summary="Confirm: post the entry on today's business date")
    async def confirm(self, actor: Actor, adjustment_id: int) -> AdjustmentOut:
        return AdjustmentOut(**(await ledger.confirm_adjustment(actor, adjustment_id)).public())

    @post("/cancel", status_code=HTTP_200_OK, summary="Cancel a pending adjustment")
    async def cancel(self, actor: Actor, adjustment_id: int) -> AdjustmentOut:
        return AdjustmentOut(**(await ledger.cancel_adjustment(actor, adjustment_id)).public())

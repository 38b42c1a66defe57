"""Current accounts (лицевые счета): opening one from the client card, and the account page with
its entries (the newest page first), a statement for a chosen period and the adjustments.

An adjustment (корректировка) is entered with its direction, ▲ adding to the balance or ▼
taking from it, an amount and a reason; it moves the balance only when someone whose role
handles finances confirms it, on the business date of confirmation, which is shown.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.ledger import AdjustmentState, EntryKind
from core.domain.money import Money, MoneyError
from core.domain.roles import MANAGE_BILLING, MANAGE_FINANCE
from core.services import clients, ledger
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.catalog import business_date
from web.ui.forms import day, decimal_text, errors_of
from web.ui.render import form_data, page, redirect

ENTRY_PAGE = 50
ENTRY_KINDS = tuple(k.value for k in EntryKind)
ADJUSTMENT_STATES = tuple(s.value for s in AdjustmentState)
DIRECTIONS = ("up", "down")


def adjustment_amount(form: dict, currency: str) -> Money:
    """The signed amount of an adjustment form: ▲ (``up``) positive, ▼ (``down``) negative."""
    direction = form.get("direction", "")
    text = decimal_text(form.get("amount"))
    if direction not in DIRECTIONS:
        raise InvalidInput.field("direction", "must be chosen from the list")
    if not text:
        raise InvalidInput.field("amount", "is required")
    if text[0] in "+-":
        raise InvalidInput.field("amount", "give the amount without a sign; ▲ or ▼ says which way it goes")
    try:
        amount = Money(text, currency)
    except MoneyError:
        raise InvalidInput.field("amount", "must be an amount with at most 2 decimal places") from None
    return amount if direction == "up" else -amount


def may_adjust(principal: Principal) -> bool:
    return principal.actor.can(MANAGE_BILLING) or principal.actor.can(MANAGE_FINANCE)


async def _statement(principal: Principal, account_id: int, start: str, end: str) -> tuple[dict, object, dict]:
    """The statement form's values, the statement (None when the dates are wrong) and errors."""
    today = await business_date(principal)
    values = {"start": start or today.replace(day=1).isoformat(), "end": end or today.isoformat()}
    try:
        first, last = day(values, "start"), day(values, "end")
        return values, await ledger.account_statement(principal.actor, account_id, first, last), {}
    except InvalidInput as exc:
        return values, None, errors_of(exc)


async def account_page(request: Request, principal: Principal, account_id: int, *, before: int | None = None,
                       start: str = "", end: str = "", errors: dict | None = None, values: dict | None = None,
                       status_code: int = 200) -> Template:
    """The account page; ``errors`` and ``values`` are the adjustment form's."""
    actor = principal.actor
    view = await ledger.account_view(actor, account_id)
    account = view.account
    client = await clients.get(actor, account.client_id)
    rows = await ledger.entries(actor, account.id, limit=ENTRY_PAGE + 1, before_id=before)
    older = None
    if len(rows) > ENTRY_PAGE:
        rows = rows[1:]
        older = min(r.id for r in rows)
    statement_values, statement, statement_errors = await _statement(principal, account.id, start, end)
    if statement_errors and status_code == 200:
        status_code = HTTP_422_UNPROCESSABLE_ENTITY
    adjustments = sorted(await ledger.adjustments_of(actor, account.id), key=lambda a: a.id, reverse=True)
    return await page(
        request, principal, "account.html", active="clients", status_code=status_code, subject=account, view=view,
        client=client, entries=list(reversed(rows)), older=older, paged=before is not None,
        statement=statement, statement_values=statement_values, statement_errors=statement_errors,
        adjustments=adjustments, entry_kinds=ENTRY_KINDS, adjustment_states=ADJUSTMENT_STATES,
        can_adjust=may_adjust(principal), can_confirm=actor.can(MANAGE_FINANCE),
        errors=errors or {}, values=values or {}, today=await business_date(principal),
    )


class AccountPages(Controller):
    path = "/accounts/{account_id:int}"

    @get("/")
    async def show(self, request: Request, principal: Principal, account_id: int, before: int | None = None,
                   start: str = "", end: str = "") -> Template:
        """``?before=<entry id>`` pages back through the entries; ``start`` and ``end`` choose
        the statement's period (this month so far by default)."""
        return await account_page(request, principal, account_id, before=before, start=start, end=end)

    @post("/adjustments")
    async def propose(self, request: Request, principal: Principal, account_id: int) -> Template | Redirect:
        form = await form_data(request)
        account = await ledger.account(principal.actor, account_id)
        try:
            await ledger.propose_adjustment(principal.actor, account.id, adjustment_amount(form, account.currency),
                                            form.get("reason", ""))
        except (InvalidInput, Conflict) as exc:
            return await account_page(request, principal, account_id, errors=errors_of(exc), values=form,
                                      status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/accounts/{account_id}", "accounts.adjustment_added")


class AdjustmentPages(Controller):
    path = "/adjustments/{adjustment_id:int}"

    @post("/confirm")
    async def confirm(self, principal: Principal, adjustment_id: int) -> Redirect:
        confirmed = await ledger.confirm_adjustment(principal.actor, adjustment_id)
        return redirect(f"/accounts/{confirmed.account_id}", "accounts.adjustment_confirmed")

    @post("/cancel")
    async def cancel(self, principal: Principal, adjustment_id: int) -> Redirect:
        cancelled = await ledger.cancel_adjustment(principal.actor, adjustment_id)
        return redirect(f"/accounts/{cancelled.account_id}", "accounts.adjustment_cancelled")


class ClientAccountPages(Controller):
    path = "/clients/{client_id:int}/accounts"

    @post("/")
    async def open(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        """Open the client's account in a currency (or go to it, when it is open already)."""
        from web.ui.clients import client_page

        form = await form_data(request)
        try:
            opened = await ledger.open_account(principal.actor, client_id,
                                               (form.get("currency") or "").strip().upper() or None)
        except InvalidInput as exc:
            return await client_page(request, principal, client_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                     errors=errors_of(exc), values=form, section="account")
        return redirect(f"/accounts/{opened.id}", "accounts.opened")

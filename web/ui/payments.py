"""«Платежи»: the list filtered by status, client and provider; the queue of payments that could
not be matched, each with a form to assign it to a client (and an invoice); a payment entered by
hand; and one payment with what it paid (links to the invoices), its refunds and a refund form.

Every change goes through ``core.services.payments``, which checks the role and the tenant; a
refused form shows the page again with the reason next to its field.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from core.db.queries.clients import ClientRecord
from core.db.queries.documents import DocumentRecord
from core.db.queries.payments import PaymentRecord
from core.domain.roles import MANAGE_FINANCE
from core.plugins.manager import PluginRegistry
from core.services import clients, documents, payments, tenants
from core.services.errors import Conflict, InvalidInput
from web.api.payments import check_invoice, money
from web.i18n_payments import queue_reason_parts
from web.principal import Principal
from web.ui.documents import ClientPick, pick_client
from web.ui.forms import day, decimal_text, errors_of
from web.ui.render import GENERAL, form_data, local_path, page, redirect

PAGE = 50
STATUSES = (payments.PENDING, payments.SUCCEEDED, payments.FAILED, payments.QUEUED, payments.REFUNDED)
OWN_PROVIDERS = ("manual", "bank")  # entered by an accountant, loaded from a bank statement
MANUAL_FIELDS = ("client", "invoice", "amount", "received_on", "reference")
SUGGESTIONS = 5  # clients offered for a queued payment by its payer's ИНН
# What the pages label: statuses (``choices("payments.status.", statuses)``) and the core's queue reasons.
LABELS = {"statuses": STATUSES, "reason_parts": queue_reason_parts}


def _errors(exc: InvalidInput | Conflict) -> dict[str, str]:
    """A refusal as the form's field errors (the services' ``invoice_id`` is the form's
    ``invoice``); a conflict, or a message of no field, goes above the form."""
    if isinstance(exc, Conflict):
        return {GENERAL: exc.message}
    return {"invoice" if field == "invoice_id" else field: message for field, message in errors_of(exc).items()}


def _status(exc: InvalidInput | Conflict) -> int:
    return HTTP_409_CONFLICT if isinstance(exc, Conflict) else HTTP_422_UNPROCESSABLE_ENTITY


async def _invoice(principal: Principal, number: str) -> DocumentRecord | None:
    """The posted invoice a form names by its printed number; None when the field is empty."""
    if not number:
        return None
    found = await payments.find_invoice(principal.actor.tenant_id, number)
    if found is None:
        raise InvalidInput.field("invoice", "no posted invoice has this number")
    return found


async def _payer(principal: Principal, pick: ClientPick, invoice: DocumentRecord | None) -> ClientRecord:
    """The client a form names (by number or a part of its name, e-mail, ИНН), or the invoice's
    client when only the invoice is named."""
    if pick.client is None and not pick.text and invoice is not None:
        return await clients.get(principal.actor, invoice.client_id)
    if pick.client is None:
        if not pick.text:
            raise InvalidInput.field("client", "is required")
        raise InvalidInput.field("client", "choose the client" if pick.candidates else "no such client")
    if invoice is not None:
        await check_invoice(principal.actor, pick.client.id, invoice.id)
    return pick.client


async def _providers(principal: Principal, registry: PluginRegistry) -> dict[str, str]:
    """Provider code → name: the tenant's online providers (manual and bank are labelled by the UI)."""
    return {p.code: p.name for p in await payments.providers(principal.actor.tenant_id, registry)}


async def _list_page(request: Request, principal: Principal, registry: PluginRegistry, *, status: str,
                     client: str, provider: str, offset: int) -> Template:
    names = await _providers(principal, registry)
    values = {"status": status if status in STATUSES else "", "client": client.strip(), "provider": provider.strip()}
    pick = await pick_client(principal, values["client"])
    offset = max(offset, 0)
    found = [] if pick.ambiguous else await payments.search(
        principal.actor, status=values["status"] or None, client_id=pick.client.id if pick.client else None,
        provider=values["provider"] or None, limit=PAGE + 1, offset=offset)
    codes = list(dict.fromkeys([*OWN_PROVIDERS, *names, *([values["provider"]] if values["provider"] else [])]))
    return await page(request, principal, "payments.html", active="payments", found=found[:PAGE],
                      more=len(found) > PAGE, offset=offset, page_size=PAGE, values=values, pick=pick,
                      provider_codes=codes, provider_names=names, **LABELS,
                      queued=len(await payments.queued(principal.actor)),
                      can_manage=principal.actor.can(MANAGE_FINANCE))


async def _suggestions(principal: Principal, payment: PaymentRecord) -> list[ClientRecord]:
    """Clients whose ИНН is the payer's, to assign a queued payment in one click."""
    inn = str(payment.payer.get("inn") or "").strip()
    if not inn.isdigit():
        return []
    found, _ = await clients.search(principal.actor, search=inn, limit=SUGGESTIONS)
    return [c for c in found if c.inn == inn]


async def _queue_page(request: Request, principal: Principal, registry: PluginRegistry, *, failed: int | None = None,
                      errors: dict | None = None, values: dict | None = None, pick: ClientPick | None = None,
                      status_code: int = 200) -> Template:
    queued = await payments.queued(principal.actor)
    return await page(request, principal, "payments_queue.html", active="payments", status_code=status_code,
                      queued=queued, suggestions={p.id: await _suggestions(principal, p) for p in queued},
                      provider_names=await _providers(principal, registry), failed=failed, errors=errors or {},
                      values=values or {}, pick=pick, can_manage=principal.actor.can(MANAGE_FINANCE), **LABELS)


async def _new_page(request: Request, principal: Principal, *, values: dict, errors: dict | None = None,
                    pick: ClientPick | None = None, status_code: int = 200) -> Template:
    return await page(request, principal, "payment_new.html", active="payments", status_code=status_code,
                      values=values, errors=errors or {}, pick=pick)


async def payment_page(request: Request, principal: Principal, registry: PluginRegistry, payment_id: int, *,
                       refund_errors: dict | None = None, refund_values: dict | None = None,
                       assign_errors: dict | None = None, assign_values: dict | None = None,
                       pick: ClientPick | None = None, status_code: int = 200) -> Template:
    view = await payments.get(principal.actor, payment_id)
    record = view.record
    left = record.amount - record.refunded
    refundable = record.status in (payments.SUCCEEDED, payments.REFUNDED) and record.account_id is not None \
        and left.amount > 0
    queued = record.status == payments.QUEUED
    return await page(
        request, principal, "payment.html", active="payments", status_code=status_code, payment=record,
        shown=view.public(), refundable=refundable, left=left, provider_names=await _providers(principal, registry),
        refund_errors=refund_errors or {}, refund_values=refund_values or {"amount": str(left.amount)},
        errors=assign_errors or {}, values=assign_values or {}, failed=record.id if assign_errors else None,
        pick=pick, suggestions={record.id: await _suggestions(principal, record)} if queued else {},
        can_manage=principal.actor.can(MANAGE_FINANCE), **LABELS)


class PaymentsPages(Controller):
    path = "/payments"

    @get("/")
    async def index(self, request: Request, principal: Principal, registry: PluginRegistry, status: str = "",
                    client: str = "", provider: str = "", offset: int = 0) -> Template:
        """``client`` is the client's number or a part of its name, e-mail or ИНН."""
        return await _list_page(request, principal, registry, status=status, client=client, provider=provider,
                                offset=offset)

    @get("/queue")
    async def queue(self, request: Request, principal: Principal, registry: PluginRegistry) -> Template:
        return await _queue_page(request, principal, registry)

    @get("/new")
    async def new(self, request: Request, principal: Principal, client_id: int | None = None,
                  invoice_id: int | None = None) -> Template:
        """A manual payment, of the invoice ``invoice_id`` (what it still owes) or of the client ``client_id``."""
        actor = principal.actor
        actor.require(MANAGE_FINANCE)
        today = tenants.clock_of(await tenants.get(actor.tenant_id)).today()
        values = {"received_on": today.isoformat()}
        pick = None
        if invoice_id is not None:
            invoice = (await documents.get(actor, invoice_id)).record
            owed = invoice.total - invoice.paid
            values |= {"invoice": invoice.number, "amount": str(owed.amount) if owed.amount > 0 else ""}
            client_id = invoice.client_id
        if client_id is not None:
            pick = ClientPick(str(client_id), await clients.get(actor, client_id))
            values["client"] = str(client_id)
        return await _new_page(request, principal, values=values, pick=pick)

    @post("/")
    async def create(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        values = {name: (form.get(name) or "").strip() for name in MANUAL_FIELDS}
        pick = await pick_client(principal, values["client"])
        try:
            invoice = await _invoice(principal, values["invoice"])
            payer = await _payer(principal, pick, invoice)
            amount = money(decimal_text(values["amount"]), payer.currency)
            received_on = day(values, "received_on")
            if received_on is None:
                raise InvalidInput.field("received_on", "is required")
            received = await payments.manual(principal.actor, payer.id, amount, received_on, values["reference"],
                                             invoice.id if invoice else None)
        except InvalidInput as exc:
            return await _new_page(request, principal, values=values, errors=_errors(exc), pick=pick,
                                   status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/payments/{received.payment.id}",
                        "payments.done.created" if received.applied else "payments.done.duplicate")

    @get("/{payment_id:int}")
    async def show(self, request: Request, principal: Principal, registry: PluginRegistry,
                   payment_id: int) -> Template:
        return await payment_page(request, principal, registry, payment_id)

    @post("/{payment_id:int}/assign")
    async def assign(self, request: Request, principal: Principal, registry: PluginRegistry,
                     payment_id: int) -> Template | Redirect:
        """From the queue (``back`` = /payments/queue) or from the payment's page."""
        form = await form_data(request)
        values = {"client": (form.get("client") or "").strip(), "invoice": (form.get("invoice") or "").strip()}
        back = local_path(form.get("back"), f"/payments/{payment_id}")
        await payments.get(principal.actor, payment_id)  # another tenant's payment is not found
        pick = await pick_client(principal, values["client"])
        try:
            invoice = await _invoice(principal, values["invoice"])
            payer = await _payer(principal, pick, invoice)
            await payments.assign(principal.actor, payment_id, payer.id, invoice.id if invoice else None)
        except (InvalidInput, Conflict) as exc:
            if back == "/payments/queue":
                return await _queue_page(request, principal, registry, failed=payment_id, errors=_errors(exc),
                                         values=values, pick=pick, status_code=_status(exc))
            return await payment_page(request, principal, registry, payment_id, assign_errors=_errors(exc),
                                      assign_values=values, pick=pick, status_code=_status(exc))
        return redirect(back, "payments.done.assigned")

    @post("/{payment_id:int}/refund")
    async def refund(self, request: Request, principal: Principal, registry: PluginRegistry,
                     payment_id: int) -> Template | Redirect:
        form = await form_data(request)
        values = {"amount": (form.get("amount") or "").strip(), "reason": (form.get("reason") or "").strip()}
        payment = (await payments.get(principal.actor, payment_id)).record
        try:
            amount = money(decimal_text(values["amount"]), payment.amount.currency)
            if not values["reason"]:
                raise InvalidInput.field("reason", "is required")
            await payments.refund(principal.actor, registry, payment_id, amount, values["reason"])
        except (InvalidInput, Conflict) as exc:
            return await payment_page(request, principal, registry, payment_id, refund_errors=_errors(exc),
                                      refund_values=values, status_code=_status(exc))
        return redirect(f"/payments/{payment_id}", "payments.done.refunded")

"""«Документы»: the list filtered by type, status, client and period; one document as seed 003
shows an act (general facts, charges, subscriptions, adjustments) with its credit notes and
e-mails; and what a manager does with it by its state: download the PDF, edit a draft's lines,
post or delete a draft, credit a posted invoice (seed 004) or send it again. A manual invoice
and an invoice of a client's unbilled lines start as drafts here too.

Every change goes through ``core.services.documents``, which checks the role, the tenant and
the document's state; a refused action shows the page again with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from core.db.queries.clients import ClientRecord
from core.db.queries.document_mail import FAILED, QUEUED, SENT
from core.domain.catalog_checks import PAYMENT_MODELS
from core.domain.documents import DocumentStatus, DocumentType, TaxForm
from core.domain.pricing import VatRate
from core.domain.roles import MANAGE_FINANCE
from core.domain.subscriptions import Status
from core.plugins.manager import PluginRegistry
from core.services import clients, document_mail, documents
from core.services.documents import DocumentFilter
from core.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from web.api.documents import line_input, pdf_response, unprefixed
from web.api.payments import paid_by
from web.i18n_documents import explain
from web.principal import Principal
from web.ui.forms import day, decimal_text, errors_of
from web.ui.render import GENERAL, form_data, page, redirect

PAGE = 50
TYPES = tuple(t.value for t in DocumentType)
STATUSES = tuple(s.value for s in DocumentStatus)
VAT_RATES = tuple(r.value for r in VatRate)
# The values the pages label (``choices("documents.type.", types)``…).
LABELS = {"types": TYPES, "statuses": STATUSES, "forms": (TaxForm.UPD1.value, TaxForm.UPD2.value),
          "vat_rates": VAT_RATES, "mail_statuses": (QUEUED, SENT, FAILED),
          "subscription_statuses": tuple(s.value for s in Status), "payment_models": PAYMENT_MODELS}
LINE_FIELDS = ("description", "quantity", "unit", "unit_okei", "unit_price", "vat_rate", "discount")
CLIENT_CHOICES = 10


@dataclass(frozen=True)
class ClientPick:
    """The client a form names by its number or a part of its name, e-mail or ИНН: the one
    found, or the candidates when the text fits several (or none)."""

    text: str
    client: ClientRecord | None = None
    candidates: tuple[ClientRecord, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.client is None and bool(self.text)


async def pick_client(principal: Principal, text: str) -> ClientPick:
    text = (text or "").strip()
    if not text:
        return ClientPick("")
    if text.isdigit():
        try:
            return ClientPick(text, await clients.get(principal.actor, int(text)))
        except NotFound:
            return ClientPick(text)
    found, total = await clients.search(principal.actor, search=text, limit=CLIENT_CHOICES)
    if total == 1:
        return ClientPick(text, found[0])
    return ClientPick(text, None, tuple(found))


def _line_values(form: dict) -> dict:
    """A line form's fields as the services read them (numbers typed the Russian way too)."""
    values = {name: (form.get(name) or "").strip() for name in LINE_FIELDS}
    for name in ("quantity", "unit_price", "discount"):
        values[name] = decimal_text(values[name])
    values["vat_included"] = form.get("vat_included") == "1"
    return values


def _line_errors(exc: InvalidInput) -> dict[str, str]:
    """A refused line's errors by the form's fields (a problem of the whole line above the form)."""
    errors = errors_of(unprefixed(exc))
    if "line" in errors:
        errors[GENERAL] = errors.pop("line")
    return errors


def _reason(exc: ServiceError) -> str:
    """Why a service refused an action (its first field's message, or its message)."""
    return next(iter(errors_of(exc).values()), exc.message)


def _explained(message: str | None) -> tuple[str, dict] | None:
    return explain(message) if message else None


def _line_form(view, edit: int | None) -> dict:
    """The line form's values: the line being edited, or a new line's defaults."""
    line = next((l for l in view["lines"] if l["id"] == edit), None) if edit else None
    if line is None:
        return {"quantity": "1", "vat_rate": "none", "discount": "0", "vat_included": True}
    return {name: line[name] for name in LINE_FIELDS} | {"vat_included": True, "line_id": line["id"]}


async def document_page(request: Request, principal: Principal, document_id: int, *, edit: int | None = None,
                        action_error: str = "", line_errors: dict | None = None, line_values: dict | None = None,
                        credit_error: str = "", status_code: int = 200) -> Template:
    actor = principal.actor
    view = await documents.get(actor, document_id)
    shown = view.public()
    return await page(
        request, principal, "document.html", active="documents", status_code=status_code,
        subject=view.record, view=view,
        charges=[l for l in shown["lines"] if l["kind"] == "charge"],
        adjustments=[l for l in shown["lines"] if l["kind"] == "adjustment"],
        payment_model=view.payment_model,
        deliveries=await document_mail.deliveries(actor, document_id),
        payments=await paid_by(actor, view.record) if view.record.type == "invoice" else [],
        refusal=_explained(view.credit_refusal), action_error=_explained(action_error),
        credit_error=_explained(credit_error), can_manage=actor.can(MANAGE_FINANCE), edit=edit,
        line_errors=line_errors or {}, line_values=line_values or _line_form(shown, edit), **LABELS,
    )


async def _act(request: Request, principal: Principal, document_id: int, call, done: str,
               back: str | None = None) -> Template | Redirect:
    """Run a document action; a refusal shows the document again with the reason."""
    try:
        await call()
    except (Conflict, InvalidInput) as exc:
        status = HTTP_409_CONFLICT if isinstance(exc, Conflict) else HTTP_422_UNPROCESSABLE_ENTITY
        return await document_page(request, principal, document_id, action_error=_reason(exc),
                                   status_code=status)
    return redirect(back or f"/documents/{document_id}", done)


async def _list_page(request: Request, principal: Principal, *, document_type: str, status: str, client: str,
                     period_from: str, period_to: str, number: str, offset: int, action_error: str = "",
                     status_code: int = 200) -> Template:
    actor = principal.actor
    values = {"type": document_type if document_type in TYPES else "", "status": status if status in STATUSES else "",
              "client": client.strip(), "from": period_from, "to": period_to, "number": number.strip()}
    errors: dict[str, str] = {}
    try:
        start, end = day(values, "from"), day(values, "to")
    except InvalidInput as exc:
        errors, start, end = errors_of(exc), None, None
    pick = await pick_client(principal, values["client"])
    found: list = []
    offset = max(offset, 0)
    if not errors and not pick.ambiguous:
        found = await documents.search(actor, DocumentFilter(
            type=values["type"] or None, status=values["status"] or None,
            client_id=pick.client.id if pick.client else None, period_from=start, period_to=end,
            number=values["number"] or None), limit=PAGE + 1, offset=offset)
    return await page(
        request, principal, "documents.html", active="documents",
        status_code=HTTP_422_UNPROCESSABLE_ENTITY if errors else status_code, action_error=_explained(action_error),
        found=found[:PAGE], more=len(found) > PAGE, offset=offset, page_size=PAGE, values=values, errors=errors,
        pick=pick, can_manage=actor.can(MANAGE_FINANCE), **LABELS,
    )


async def _new_page(request: Request, principal: Principal, *, values: dict, errors: dict | None = None,
                    pick=None, status_code: int = 200) -> Template:
    return await page(request, principal, "document_new.html", active="documents", status_code=status_code,
                      values=values, errors=errors or {}, pick=pick, **LABELS)



async def _save_line(request: Request, principal: Principal, document_id: int, line_id: int | None
                     ) -> Template | Redirect:
    """Add a line to a draft (``line_id`` None) or change one of its lines."""
    values = _line_values(await form_data(request)) | ({"line_id": line_id} if line_id else {})
    try:
        if line_id is None:
            await documents.add_line(principal.actor, document_id, line_input(values))
        else:
            await documents.update_line(principal.actor, document_id, line_id, line_input(values))
    except InvalidInput as exc:
        return await document_page(request, principal, document_id, edit=line_id, line_errors=_line_errors(exc),
                                   line_values=values, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    except Conflict as exc:
        return await document_page(request, principal, document_id, action_error=_reason(exc),
                                   status_code=HTTP_409_CONFLICT)
    return redirect(f"/documents/{document_id}", "documents.line_saved" if line_id else "documents.line_added")

class DocumentsPages(Controller):
    path = "/documents"

    @get("/")
    async def index(self, request: Request, principal: Principal,
                    document_type: Annotated[str, QueryParameter(name="type")] = "", status: str = "",
                    client: str = "", period_from: Annotated[str, QueryParameter(name="from")] = "",
                    period_to: Annotated[str, QueryParameter(name="to")] = "", number: str = "",
                    offset: int = 0) -> Template:
        """``client`` is the client's number or a part of its name, e-mail or ИНН."""
        return await _list_page(request, principal, document_type=document_type, status=status, client=client,
                                period_from=period_from, period_to=period_to, number=number, offset=offset)

    @get("/new")
    async def new(self, request: Request, principal: Principal, client_id: int | None = None) -> Template:
        pick = ClientPick(str(client_id), await clients.get(principal.actor, client_id)) if client_id else None
        values = {"client": str(client_id or ""), "quantity": "1", "vat_rate": "none", "discount": "0",
                  "vat_included": True}
        return await _new_page(request, principal, values=values, pick=pick)

    @post("/")
    async def create(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        values = _line_values(form) | {"client": (form.get("client") or "").strip()}
        pick = await pick_client(principal, values["client"])
        try:
            if not pick.text:
                raise InvalidInput.field("client", "is required")
            if pick.client is None:
                raise InvalidInput.field("client", "choose the client" if pick.candidates else "no such client")
            created = await documents.create_invoice(principal.actor, pick.client.id, [line_input(values)])
        except InvalidInput as exc:
            return await _new_page(request, principal, values=values, errors=_line_errors(exc), pick=pick,
                                   status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/documents/{created.id}", "documents.created")

    @get("/{document_id:int}")
    async def show(self, request: Request, principal: Principal, document_id: int,
                   edit: int | None = None) -> Template:
        """``?edit=`` opens a draft's line in the line form."""
        return await document_page(request, principal, document_id, edit=edit)

    @get("/{document_id:int}/pdf")
    async def pdf(self, principal: Principal, registry: PluginRegistry, document_id: int) -> Response:
        return await pdf_response(principal.actor, registry, document_id)

    @post("/{document_id:int}/post")
    async def post_draft(self, request: Request, principal: Principal, registry: PluginRegistry,
                         document_id: int) -> Template | Redirect:
        return await _act(request, principal, document_id,
                          lambda: documents.post(principal.actor, registry, document_id), "documents.posted")

    @post("/{document_id:int}/delete")
    async def delete_draft(self, request: Request, principal: Principal, document_id: int) -> Template | Redirect:
        return await _act(request, principal, document_id,
                          lambda: documents.delete_draft(principal.actor, document_id), "documents.deleted",
                          back="/documents")

    @post("/{document_id:int}/resend")
    async def resend(self, request: Request, principal: Principal, document_id: int) -> Template | Redirect:
        return await _act(request, principal, document_id,
                          lambda: documents.resend(principal.actor, document_id), "documents.resent",
                          back=f"/documents/{document_id}")

    @post("/{document_id:int}/credit")
    async def credit(self, request: Request, principal: Principal, document_id: int) -> Template | Redirect:
        """A credit note of the lines ticked (``line_id``, repeated)."""
        form = await request.form()
        chosen = [int(v) for v in form.getall("line_id") if str(v).isdigit()] if "line_id" in form.keys() else []
        try:
            if not chosen:
                raise InvalidInput.field("line_id", "choose at least one line to credit")
            note = await documents.credit(principal.actor, document_id, chosen)
        except (Conflict, InvalidInput) as exc:
            status = HTTP_409_CONFLICT if isinstance(exc, Conflict) else HTTP_422_UNPROCESSABLE_ENTITY
            return await document_page(request, principal, document_id, credit_error=_reason(exc),
                                       status_code=status)
        return redirect(f"/documents/{note.id}", "documents.credit_created")

    @post("/{document_id:int}/lines")
    async def add_line(self, request: Request, principal: Principal, document_id: int) -> Template | Redirect:
        return await _save_line(request, principal, document_id, None)

    @post("/{document_id:int}/lines/{line_id:int}")
    async def update_line(self, request: Request, principal: Principal, document_id: int,
                          line_id: int) -> Template | Redirect:
        return await _save_line(request, principal, document_id, line_id)

    @post("/{document_id:int}/lines/{line_id:int}/delete")
    async def remove_line(self, request: Request, principal: Principal, document_id: int,
                          line_id: int) -> Template | Redirect:
        return await _act(request, principal, document_id,
                          lambda: documents.remove_line(principal.actor, document_id, line_id),
                          "documents.line_removed")


class ClientInvoicingPages(Controller):
    path = "/clients/{client_id:int}"

    @post("/invoice-unbilled")
    async def invoice_unbilled(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        """A draft invoice of the client's unbilled lines; without any, the client's documents say so."""
        try:
            created = await documents.invoice_unbilled(principal.actor, client_id)
        except Conflict as exc:
            return await _list_page(request, principal, document_type="", status="", client=str(client_id),
                                    period_from="", period_to="", number="", offset=0, action_error=_reason(exc),
                                    status_code=HTTP_409_CONFLICT)
        return redirect(f"/documents/{created.id}", "documents.created")

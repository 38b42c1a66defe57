"""Documents over the API: the list with filters, one document with its lines, credit notes
and subscriptions, its PDF, manual draft invoices and their lines, posting, credit notes,
deleting drafts, and the documents' e-mails (seed 003: the act view; seed 004: credit notes)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import quote

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import Parameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from pydantic import BaseModel, Field

from core.db.queries.documents import DocumentRecord
from core.domain.money import MoneyError, to_decimal
from core.plugins.manager import PluginRegistry
from core.services import document_mail, document_render, documents
from core.services.actor import Actor
from core.services.documents import DocumentFilter, LineInput
from core.services.errors import InvalidInput

TypeName = Literal["invoice", "act", "tax_invoice", "credit_note"]
StatusName = Literal["draft", "posted", "paid", "credited", "cancelled"]
LINE_PREFIX = re.compile(r"^lines\[\d+\]\.?")


class DocumentOut(BaseModel):
    id: int
    type: str = Field(description="invoice, act, tax_invoice or credit_note.")
    form: str = Field(description="A tax invoice's form: sf, upd1 or upd2; empty for other documents.")
    status: str = Field(description="draft, posted, paid, credited or cancelled.")
    seller_id: int | None
    client_id: int
    client_name: str
    account_id: int | None
    number: str = Field(description="The number as printed; empty on a draft.")
    issue_date: dt.date
    period_start: dt.date | None
    period_end: dt.date | None
    currency: str
    net: str
    vat: str
    total: str = Field(description="Including the period's adjustments (an act).")
    source: str
    credits_id: int | None = Field(description="The invoice a credit note corrects.")
    posted_at: dt.datetime | None


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    limit: int
    offset: int


class LineOut(BaseModel):
    id: int
    position: int
    kind: str = Field(description="charge, or adjustment (another movement of an act's period).")
    description: str
    quantity: str
    unit: str
    unit_okei: str
    unit_price: str
    discount: str
    net: str
    vat_rate: str
    vat: str
    total: str = Field(description="An adjustment's is signed as it moved the balance.")
    period_start: dt.date | None
    period_end: dt.date | None
    booked_on: dt.date | None
    subscription_id: int | None
    reverses: int | None = Field(description="The invoice line a credit-note line reverses.")


class PartyOut(BaseModel):
    name: str
    inn: str
    kpp: str
    address: str
    ogrn: str
    bank_name: str
    bik: str
    correspondent_account: str
    settlement_account: str
    director_name: str
    chief_accountant_name: str


class SubscriptionRef(BaseModel):
    id: int
    name: str
    status: str


class DocumentDetailOut(DocumentOut):
    seller: PartyOut = Field(description="Frozen at posting; a draft shows the current requisites.")
    buyer: PartyOut
    lines: list[LineOut]
    credits: DocumentOut | None
    credit_notes: list[DocumentOut]
    subscriptions: list[SubscriptionRef] = Field(description="The subscriptions the lines bill, with their status.")
    creditable: bool
    credit_refusal: str | None = Field(description="Why a posted invoice cannot be credited now.")


class LineIn(BaseModel):
    description: str
    quantity: str | int = Field(description="Up to 3 decimal places, as a string (\"1.5\"); never a float.")
    unit_price: str | int = Field(description="Up to 4 places, including VAT unless vat_included is false.")
    unit: str = ""
    unit_okei: str = ""
    vat_rate: str = Field(default="none", description="22, 10, 0 or none (без НДС).")
    discount: str | int = Field(default="0", description="An amount off the line, up to 2 places.")
    vat_included: bool = True


class InvoiceIn(BaseModel):
    client_id: int
    lines: list[LineIn]


class CreditIn(BaseModel):
    line_ids: list[int] | None = Field(default=None, description="The invoice's lines to reverse; every line "
                                                                 "not credited yet when omitted.")


class DeliveryOut(BaseModel):
    id: int
    document_id: int
    recipients: list[str]
    status: str = Field(description="queued, sent or failed.")
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str
    requested_by: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


def line_input(values: dict, prefix: str = "") -> LineInput:
    """A line as typed (numbers as strings) for the services; an unreadable number is an
    ``InvalidInput`` naming its field."""
    problems = []
    numbers: dict[str, Decimal] = {}
    for name in ("quantity", "unit_price", "discount"):
        given = values.get(name)
        if given in (None, "") and name != "discount":
            problems.append({"field": f"{prefix}{name}", "message": "is required"})
            continue
        try:
            numbers[name] = to_decimal("0" if given in (None, "") else given)
        except MoneyError:
            problems.append({"field": f"{prefix}{name}", "message": "is not a number"})
    if problems:
        raise InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)
    return LineInput(description=str(values.get("description") or ""), quantity=numbers["quantity"],
                     unit_price=numbers["unit_price"], unit=str(values.get("unit") or ""),
                     unit_okei=str(values.get("unit_okei") or ""), vat_rate=str(values.get("vat_rate") or "none"),
                     discount=numbers["discount"], vat_included=bool(values.get("vat_included", True)))


def unprefixed(exc: InvalidInput) -> InvalidInput:
    """A service's refusal of one line with its fields named as the line's own (``quantity``,
    not ``lines[2].quantity``)."""
    fields = [{**f, "field": LINE_PREFIX.sub("", str(f.get("field") or "")) or "line"} for f in exc.fields]
    return InvalidInput(exc.message, fields)


async def _one_line(call, *args):
    try:
        return await call(*args)
    except InvalidInput as exc:
        raise unprefixed(exc) from None


def _pdf_filename(record: DocumentRecord) -> str:
    return document_mail.attachment_name(record) if record.number else f"{record.type}_draft_{record.id}.pdf"


async def pdf_response(actor: Actor, registry: PluginRegistry, document_id: int) -> Response:
    """The document's PDF as a download (the caller's tenant and role are checked first)."""
    view = await documents.get(actor, document_id)
    content = await document_render.pdf(actor.tenant_id, document_id, registry=registry)
    name = _pdf_filename(view.record)
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


async def _detail(actor: Actor, document_id: int) -> DocumentDetailOut:
    return DocumentDetailOut(**(await documents.get(actor, document_id)).public())


class DocumentsController(Controller):
    path = "/documents"
    tags = ["documents"]

    @get("/", summary="Documents matching the filters, the newest first")
    async def list(self, actor: Actor,
                   document_type: Annotated[TypeName | None, QueryParameter(name="type")] = None,
                   status: StatusName | None = None, client_id: int | None = None,
                   period_from: Annotated[dt.date | None, QueryParameter(
                       name="from", description="Issued on or after this date.")] = None,
                   period_to: Annotated[dt.date | None, QueryParameter(
                       name="to", description="Issued on or before this date.")] = None,
                   number: str | None = Parameter(default=None, description="The number exactly as printed."),
                   limit: int = Parameter(default=100, ge=1, le=500),
                   offset: int = Parameter(default=0, ge=0)) -> DocumentPage:
        found = DocumentFilter(type=document_type, status=status, client_id=client_id, period_from=period_from,
                               period_to=period_to, number=number or None)
        items = await documents.search(actor, found, limit=limit, offset=offset)
        return DocumentPage(items=[DocumentOut(**d.public()) for d in items], limit=limit, offset=offset)

    @post("/", status_code=HTTP_201_CREATED, summary="A manual draft invoice of the given lines")
    async def create(self, actor: Actor, data: InvoiceIn) -> DocumentDetailOut:
        problems, lines = [], []
        for n, line in enumerate(data.lines):
            try:
                lines.append(line_input(line.model_dump(), f"lines[{n}]."))
            except InvalidInput as exc:
                problems.extend(exc.fields)
        if problems:
            raise InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)
        created = await documents.create_invoice(actor, data.client_id, lines)
        return await _detail(actor, created.id)

    @get("/{document_id:int}", summary="One document with its lines, credit notes and subscriptions")
    async def show(self, actor: Actor, document_id: int) -> DocumentDetailOut:
        return await _detail(actor, document_id)

    @get("/{document_id:int}/pdf", summary="The document as PDF (a download)", media_type="application/pdf")
    async def pdf(self, actor: Actor, registry: PluginRegistry, document_id: int) -> Response:
        return await pdf_response(actor, registry, document_id)

    @delete("/{document_id:int}", status_code=HTTP_204_NO_CONTENT,
            summary="Delete a draft; its billing lines return to the client's unbilled lines (409 once posted)")
    async def remove(self, actor: Actor, document_id: int) -> None:
        await documents.delete_draft(actor, document_id)

    @post("/{document_id:int}/lines", status_code=HTTP_201_CREATED, summary="Add a line to a draft")
    async def add_line(self, actor: Actor, document_id: int, data: LineIn) -> DocumentDetailOut:
        await _one_line(documents.add_line, actor, document_id, line_input(data.model_dump()))
        return await _detail(actor, document_id)

    @patch("/{document_id:int}/lines/{line_id:int}", summary="Rewrite a line of a draft")
    async def update_line(self, actor: Actor, document_id: int, line_id: int, data: LineIn) -> DocumentDetailOut:
        await _one_line(documents.update_line, actor, document_id, line_id, line_input(data.model_dump()))
        return await _detail(actor, document_id)

    @delete("/{document_id:int}/lines/{line_id:int}", status_code=HTTP_200_OK,
            summary="Take a line off a draft (a billing line returns to the unbilled lines)")
    async def remove_line(self, actor: Actor, document_id: int, line_id: int) -> DocumentDetailOut:
        await documents.remove_line(actor, document_id, line_id)
        return await _detail(actor, document_id)

    @post("/{document_id:int}/post", status_code=HTTP_200_OK,
          summary="Post a draft: its number, frozen requisites, ledger entries; its e-mail is queued")
    async def post_draft(self, actor: Actor, registry: PluginRegistry, document_id: int) -> DocumentDetailOut:
        await documents.post(actor, registry, document_id)
        return await _detail(actor, document_id)

    @post("/{document_id:int}/credit", status_code=HTTP_201_CREATED,
          summary="A draft credit note reversing the posted invoice, or its chosen lines")
    async def credit(self, actor: Actor, document_id: int, data: CreditIn | None = None) -> DocumentDetailOut:
        note = await documents.credit(actor, document_id, data.line_ids if data else None)
        return await _detail(actor, note.id)

    @post("/{document_id:int}/resend", status_code=HTTP_202_ACCEPTED,
          summary="Queue the posted document's e-mail again; returns its e-mails")
    async def resend(self, actor: Actor, document_id: int) -> list[DeliveryOut]:
        await documents.resend(actor, document_id)
        return [DeliveryOut(**d) for d in await document_mail.deliveries(actor, document_id)]

    @get("/{document_id:int}/deliveries", summary="The document's e-mails, the newest first")
    async def deliveries(self, actor: Actor, document_id: int) -> list[DeliveryOut]:
        return [DeliveryOut(**d) for d in await document_mail.deliveries(actor, document_id)]


class ClientInvoicingController(Controller):
    path = "/clients/{client_id:int}"
    tags = ["documents"]

    @post("/invoice-unbilled", status_code=HTTP_201_CREATED,
          summary="A draft invoice of the client's unbilled lines (those of deleted drafts)")
    async def invoice_unbilled(self, actor: Actor, client_id: int) -> DocumentDetailOut:
        created = await documents.invoice_unbilled(actor, client_id)
        return await _detail(actor, created.id)

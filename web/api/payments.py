"""Payments over the API: the list with filters, one payment with what it paid and its refunds,
payments an accountant enters by hand, the queue of payments that could not be matched and
their assignment to a client, and refunds. Amounts are strings with 2 decimal places."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from litestar import Controller, Response, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel, Field

from core.db.queries.documents import DocumentRecord
from core.db.queries.payments import PaymentRecord
from core.domain.money import Money, MoneyError, to_decimal
from core.plugins.manager import PluginRegistry
from core.services import clients, documents, payments
from core.services.actor import Actor
from core.services.errors import InvalidInput

StatusName = Literal["pending", "succeeded", "failed", "queued", "refunded"]


class PaymentOut(BaseModel):
    id: int
    provider: str = Field(description="manual, bank, or the code of an online provider.")
    external_id: str | None = Field(description="The provider's id; a manual payment's reference.")
    status: str = Field(description="pending, succeeded, failed, queued (waits for an accountant) or refunded.")
    client_id: int | None
    client_name: str
    account_id: int | None
    invoice_id: int | None = Field(description="The invoice the payment named.")
    amount: str
    currency: str
    received_on: dt.date
    payer: dict = Field(description="What the bank or provider said of the payer: name, inn, kpp, account, bik, bank.")
    purpose: str
    queue_reason: str = Field(description="Why it waits in the queue; empty otherwise.")
    allocated: str = Field(description="What it paid of invoices; the rest stays on the balance.")
    refunded: str
    created_by: str
    created_at: dt.datetime


class PaymentPage(BaseModel):
    items: list[PaymentOut]
    limit: int
    offset: int


class AllocationOut(BaseModel):
    document_id: int
    number: str
    amount: str


class RefundOut(BaseModel):
    amount: str
    external_id: str
    status: str
    reason: str
    created_at: dt.datetime


class PaymentDetailOut(PaymentOut):
    allocations: list[AllocationOut]
    refunds: list[RefundOut]


class ReceivedOut(PaymentDetailOut):
    applied: bool = Field(description="False when a payment with this reference was entered already: nothing "
                                      "changed.")


class ManualIn(BaseModel):
    client_id: int
    amount: str | int = Field(description="A positive amount with at most 2 decimal places, as a string.")
    received_on: dt.date
    reference: str = Field(description="The payment order's number and date, say: entering it twice is harmless.")
    invoice_id: int | None = Field(default=None, description="The client's invoice to pay first.")
    currency: str | None = Field(default=None, description="ISO 4217 code; the client's currency by default.")


class AssignIn(BaseModel):
    client_id: int
    invoice_id: int | None = Field(default=None, description="The client's invoice to pay first.")


class RefundIn(BaseModel):
    amount: str | int = Field(description="At most what is left of the payment, as a string.")
    reason: str


def money(value: object, currency: str, field: str = "amount") -> Money:
    """An amount as typed (a string or an integer) in ``currency``; an unreadable one, or one
    with more than 2 decimal places, is an ``InvalidInput`` naming ``field``."""
    if value in (None, ""):
        raise InvalidInput.field(field, "is required")
    try:
        Money.zero(currency)
    except MoneyError:
        raise InvalidInput.field("currency", "must be an ISO 4217 code such as RUB") from None
    try:
        return Money(to_decimal(value), currency)
    except MoneyError:
        raise InvalidInput.field(field, "must be an amount such as 1500.00") from None


async def check_invoice(actor: Actor, client_id: int, invoice_id: int | None) -> None:
    """The invoice a payment names must be one of the client's (another tenant's is not found)."""
    if invoice_id is None:
        return
    invoice = (await documents.get(actor, invoice_id)).record
    if invoice.type != "invoice" or invoice.is_draft or invoice.client_id != client_id:
        raise InvalidInput.field("invoice_id", f"document {invoice_id} is not a posted invoice of client {client_id}")


async def paid_by(actor: Actor, invoice: DocumentRecord) -> list[tuple[PaymentRecord, Money]]:
    """The payments put towards an invoice, each with its part, oldest first."""
    return await payments.of_document(actor, invoice.id)


async def detail(actor: Actor, payment_id: int) -> PaymentDetailOut:
    return PaymentDetailOut(**(await payments.get(actor, payment_id)).public())


class PaymentsController(Controller):
    path = "/payments"
    tags = ["payments"]

    @get("/", summary="Payments matching the filters, the newest first")
    async def list(self, actor: Actor, status: StatusName | None = None, client_id: int | None = None,
                   provider: str | None = Parameter(default=None, description="manual, bank or a provider's code."),
                   limit: int = Parameter(default=100, ge=1, le=500),
                   offset: int = Parameter(default=0, ge=0)) -> PaymentPage:
        found = await payments.search(actor, status=status, client_id=client_id, provider=provider or None,
                                      limit=limit, offset=offset)
        return PaymentPage(items=[PaymentOut(**p.public()) for p in found], limit=limit, offset=offset)

    @get("/queue", summary="Payments waiting for an accountant to assign them, with the reason")
    async def queue(self, actor: Actor) -> list[PaymentOut]:
        return [PaymentOut(**p.public()) for p in await payments.queued(actor)]

    @get("/{payment_id:int}", summary="One payment with what it paid and its refunds")
    async def show(self, actor: Actor, payment_id: int) -> PaymentDetailOut:
        return await detail(actor, payment_id)

    @post("/", summary="Enter a payment received by hand (201; 200 with applied=false when the reference "
                       "was entered already)")
    async def manual(self, actor: Actor, data: ManualIn) -> Response[ReceivedOut]:
        payer = await clients.get(actor, data.client_id)
        amount = money(data.amount, data.currency or payer.currency)
        await check_invoice(actor, data.client_id, data.invoice_id)
        received = await payments.manual(actor, data.client_id, amount, data.received_on, data.reference,
                                         data.invoice_id)
        shown = ReceivedOut(**(await payments.get(actor, received.payment.id)).public(), applied=received.applied)
        return Response(shown, status_code=HTTP_201_CREATED if received.applied else HTTP_200_OK)

    @post("/{payment_id:int}/assign", status_code=HTTP_200_OK,
          summary="Apply a queued payment to the client chosen (and its invoice)")
    async def assign(self, actor: Actor, payment_id: int, data: AssignIn) -> PaymentDetailOut:
        await payments.assign(actor, payment_id, data.client_id, data.invoice_id)
        return await detail(actor, payment_id)

    @post("/{payment_id:int}/refund", status_code=HTTP_200_OK,
          summary="Give back all or part of a payment (through its provider when it is an online one)")
    async def refund(self, actor: Actor, registry: PluginRegistry, payment_id: int,
                     data: RefundIn) -> PaymentDetailOut:
        payment = (await payments.get(actor, payment_id)).record
        amount = money(data.amount, payment.amount.currency)
        if not data.reason.strip():
            raise InvalidInput.field("reason", "is required")
        await payments.refund(actor, registry, payment_id, amount, data.reason.strip())
        return await detail(actor, payment_id)

"""Payments: received once per (tenant, provider, external id), credited to the client's
account, allocated to invoices, queued for an accountant when they cannot be matched, and
refunded. Online providers come from the ``saldo_payment_providers`` hook."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Mapping

from core.db.integrity import is_unique_violation
from core.db.queries import clients as clients_q
from core.db.queries import documents as documents_q
from core.db.queries import ledger as ledger_q
from core.db.queries import payments as payments_q
from core.db.queries import sellers as sellers_q
from core.db.queries.documents import DocumentFilter, DocumentRecord
from core.db.queries.payments import PaymentRecord
from core.db.transaction import atomic
from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money
from core.domain.payments import (
    AppliedPayment,
    CallbackResponse,
    PaymentError,
    PaymentProvider,
    PaymentRequest,
    PaymentStart,
    PaymentStatus,
    ProviderCallback,
    RefundRequest,
    allocation,
)
from core.domain.roles import MANAGE_FINANCE, READ
from core.plugins.context import TenantContext
from core.plugins.extensions import instantiate
from core.plugins.manager import PluginRegistry
from core.plugins.relay import TenantHooks
from core.services import audit, plugins
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound

logger = logging.getLogger("saldo.payments")
PENDING, SUCCEEDED, FAILED, QUEUED, REFUNDED = "pending", "succeeded", "failed", "queued", "refunded"
NO_CLIENT = "the payer is not a known client"


@dataclass(frozen=True)
class Incoming:
    """A payment as a provider, a bank statement or an accountant reports it."""

    provider: str
    external_id: str
    amount: Money
    received_on: date
    status: PaymentStatus
    payment_id: int | None = None  # the core's attempt, when the provider echoes it
    client_id: int | None = None
    invoice_id: int | None = None
    payer: Mapping[str, str] = field(default_factory=dict)
    purpose: str = ""
    raw: str = ""
    queue_reason: str = ""  # could not be matched with confidence: an accountant assigns it


@dataclass(frozen=True)
class Received:
    payment: PaymentRecord
    applied: bool  # False for a notification of a payment already recorded


@dataclass(frozen=True)
class PaymentView:
    record: PaymentRecord
    allocations: list[dict]
    refunds: list[dict]

    def public(self) -> dict:
        currency = self.record.amount.currency
        return {**self.record.public(),
                "allocations": [{"document_id": a["document"], "number": a["number"],
                                 "amount": str(Money.from_minor(a["amount_minor"], currency).amount)}
                                for a in self.allocations],
                "refunds": [{"amount": str(Money.from_minor(r["amount_minor"], currency).amount),
                             "external_id": r["external_id"], "status": r["status"], "reason": r["reason"],
                             "created_at": r["created_at"].isoformat()} for r in self.refunds]}


# -- receiving -----------------------------------------------------------------------------------

async def receive(tenant_id: int, incoming: Incoming, *, registry: PluginRegistry | None = None,
                  actor_label: str = "", plugged: tuple[TenantHooks, TenantContext] | None = None) -> Received:
    """Record a payment once; credit and allocate it when it succeeded and its client is known,
    else queue it. A repeated notification (same provider and external id, or the same
    attempt) changes nothing and returns ``applied=False``. ``saldo_payment_applied`` is
    called through ``plugged`` (the tenant's hooks and context, when the caller has them) or
    the ``registry``."""
    if incoming.amount.amount <= 0:
        raise InvalidInput.field("amount", "a payment must be positive")
    try:
        async with atomic():
            received = await _record(tenant_id, incoming, actor_label or incoming.provider)
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        found = await payments_q.by_external_id(tenant_id, incoming.provider, incoming.external_id)
        return Received(found, applied=False)
    if received.applied and received.payment.status == SUCCEEDED and (plugged or registry) is not None:
        hooks, context = plugged or await plugins.tenant_context(registry, tenant_id)
        await hooks.notify("saldo_payment_applied", tenant=context, payment=AppliedPayment(
            received.payment.id, received.payment.client_id, received.payment.account_id, received.payment.amount,
            received.payment.received_on, received.payment.provider, received.payment.external_id))
    return received


async def _record(tenant_id: int, incoming: Incoming, by: str) -> Received:
    status = incoming.status.value
    values = {"external_id": incoming.external_id, "status": status, "received_on": incoming.received_on,
              "payer": json.dumps(dict(incoming.payer), ensure_ascii=False), "purpose": incoming.purpose,
              "original": incoming.raw}
    if incoming.payment_id is not None:
        attempt = await payments_q.get(tenant_id, incoming.payment_id)
        if attempt is None or attempt.provider != incoming.provider:
            raise NotFound("payment", incoming.payment_id)
        if attempt.status != PENDING:
            return Received(attempt, applied=False)
        if attempt.amount != incoming.amount:
            raise InvalidInput.field("amount", f"{incoming.amount} differs from the {attempt.amount} of payment "
                                               f"{attempt.id}")
        if not await payments_q.update(tenant_id, attempt.id, expect_status=(PENDING,), **values):
            return Received(await payments_q.get(tenant_id, attempt.id), applied=False)
        payment_id, client_id, invoice_id = attempt.id, attempt.client_id, attempt.invoice_id
    else:
        client_id, invoice_id = await _client_of(tenant_id, incoming)
        payment_id = await payments_q.insert_once(tenant_id, values | {
            "provider": incoming.provider, "amount_minor": incoming.amount.minor,
            "currency": incoming.amount.currency, "client": client_id, "invoice": invoice_id,
            "created_by": by, "created_at": datetime.now(timezone.utc)})
        if payment_id is None:
            return Received(await payments_q.by_external_id(tenant_id, incoming.provider, incoming.external_id),
                            applied=False)
    if incoming.status is PaymentStatus.SUCCEEDED:
        if client_id is None or incoming.queue_reason:
            await payments_q.update(tenant_id, payment_id, status=QUEUED,
                                    queue_reason=incoming.queue_reason or NO_CLIENT)
        else:
            await _apply(tenant_id, payment_id, client_id, invoice_id, by)
    return Received(await payments_q.get(tenant_id, payment_id), applied=True)


async def _client_of(tenant_id: int, incoming: Incoming) -> tuple[int | None, int | None]:
    """The client and invoice a payment names: an invoice of another client, or of another
    tenant, is not taken; a client of another tenant is not either."""
    invoice = await documents_q.get(tenant_id, incoming.invoice_id) if incoming.invoice_id else None
    client_id = incoming.client_id
    if client_id is not None and await clients_q.get(tenant_id, client_id) is None:
        client_id = None
    if invoice is not None and (client_id is None or invoice.client_id == client_id):
        return invoice.client_id, invoice.id
    return client_id, None


async def _apply(tenant_id: int, payment_id: int, client_id: int, invoice_id: int | None, by: str) -> None:
    """Credit the payment to the client's account and allocate it to open invoices."""
    payment = await payments_q.get(tenant_id, payment_id)
    account = await ledger_q.account_of(tenant_id, client_id, payment.amount.currency)
    if account is None:
        account = await ledger_q.insert_account(tenant_id, client_id, payment.amount.currency)
    entry = Entry(EntryKind.PAYMENT, payment.amount, payment.received_on,
                  f"{payment.provider} {payment.external_id or payment.id}"[:1000], ("payment", str(payment_id)))
    await ledger_q.insert_entries(tenant_id, account, [entry], actor_label=by, idempotency_key=f"payment:{payment_id}")
    owed = [(r["id"], r["total_minor"] - r["paid_minor"]) for r in await payments_q.open_invoices(tenant_id, account.id)]
    await payments_q.update(tenant_id, payment_id, status=SUCCEEDED, client=client_id, account=account.id,
                            invoice=invoice_id, queue_reason="", applied_at=datetime.now(timezone.utc))
    await payments_q.add_allocations(tenant_id, payment_id, allocation(payment.amount.minor, owed, invoice_id))


async def settle(tenant_id: int, account_ids: list[int]) -> None:
    """Put advances (what earlier payments left on the balance) towards the accounts' open
    invoices, oldest payment to oldest invoice; call in the transaction that posts invoices."""
    by_account: dict[int, list[dict]] = {}
    for row in await payments_q.with_remainder(tenant_id, account_ids):
        by_account.setdefault(row["account"], []).append(row)
    for account_id, remainders in by_account.items():
        owed = {r["id"]: r["total_minor"] - r["paid_minor"] for r in await payments_q.open_invoices(tenant_id, account_id)}
        for payment in remainders:
            parts = allocation(payment["left"], [(i, left) for i, left in owed.items() if left > 0])
            await payments_q.add_allocations(tenant_id, payment["id"], parts)
            for invoice_id, amount in parts:
                owed[invoice_id] -= amount


# -- online providers ----------------------------------------------------------------------------

def _providers(hooks: TenantHooks, tenant: TenantContext) -> list[PaymentProvider]:
    return instantiate(hooks.hook.saldo_payment_providers(), tenant, PaymentProvider)


async def providers(tenant_id: int, registry: PluginRegistry) -> list[PaymentProvider]:
    """The payment methods of the plugins the tenant has enabled."""
    hooks, context = await plugins.tenant_context(registry, tenant_id)
    return [p for p in _providers(hooks, context) if p.available]


def _provider(hooks: TenantHooks, tenant: TenantContext, code: str) -> PaymentProvider:
    found = next((p for p in _providers(hooks, tenant) if p.code == code), None)
    if found is None:
        raise NotFound("payment provider", code)
    return found


def _raw(callback: ProviderCallback) -> str:
    return json.dumps({"method": callback.method, "remote_addr": callback.remote_addr, "query": dict(callback.query),
                       "form": dict(callback.form), "body": callback.body.decode("utf-8", "replace")},
                      ensure_ascii=False)


async def handle_callback(tenant: TenantContext, hooks: TenantHooks, provider_code: str, callback: ProviderCallback
                          ) -> CallbackResponse:
    """A provider's notification: checked and parsed by the provider, then received once. A
    refused notification answers 400 with the reason and credits nothing."""
    try:
        provider = _provider(hooks, tenant, provider_code)
    except NotFound as exc:
        return CallbackResponse(404, exc.message)
    try:
        result = await provider.handle_callback(callback)
        if result.status is not PaymentStatus.PENDING:
            await receive(tenant.id, Incoming(provider_code, result.external_id, result.amount, tenant.today,
                                              result.status, payment_id=result.payment_id, raw=_raw(callback)),
                          plugged=(hooks, tenant))
    except (PaymentError, NotFound, InvalidInput) as exc:
        logger.warning("%s notification for tenant %s refused: %s", provider_code, tenant.slug, exc.message)
        return provider.refused(callback, exc.message, getattr(exc, "status_code", 400))
    return result.response


async def start(tenant_id: int, registry: PluginRegistry, provider_code: str, document_id: int, *,
                return_url: str, callback_url: str = "") -> PaymentStart:
    """Start paying an open invoice online: a pending attempt for what the invoice still owes,
    then the provider says where to send the payer."""
    hooks, context = await plugins.tenant_context(registry, tenant_id)
    provider = _provider(hooks, context, provider_code)
    invoice = await documents_q.get(tenant_id, document_id)
    if invoice is None or invoice.type != "invoice" or invoice.is_draft:
        raise NotFound("invoice", document_id)
    owed = await _owed(tenant_id, invoice)
    if owed.amount <= 0:
        raise Conflict(f"invoice {invoice.number} is paid")
    client = await clients_q.get(tenant_id, invoice.client_id)
    payment_id = await payments_q.insert_once(tenant_id, {
        "provider": provider_code, "external_id": None, "status": PENDING, "client": invoice.client_id,
        "invoice": invoice.id, "amount_minor": owed.minor, "currency": owed.currency, "received_on": context.today,
        "payer": "{}", "purpose": f"invoice {invoice.number}", "original": "", "created_by": "portal",
        "created_at": datetime.now(timezone.utc)})
    request = PaymentRequest(payment_id, owed, f"Оплата по счёту № {invoice.number} от "
                                               f"{invoice.issue_date.strftime('%d.%m.%Y')}", invoice.client_id,
                             callback_url, return_url, client.email if client else None, invoice.number)
    try:
        started = await provider.start_payment(request)
    except PaymentError:
        await payments_q.update(tenant_id, payment_id, status=FAILED)
        raise
    if started.external_id:
        await payments_q.update(tenant_id, payment_id, external_id=started.external_id)
    return started


async def _owed(tenant_id: int, invoice: DocumentRecord) -> Money:
    rows = await payments_q.open_invoices(tenant_id, invoice.account_id) if invoice.account_id else []
    row = next((r for r in rows if r["id"] == invoice.id), None)
    return Money.from_minor(row["total_minor"] - row["paid_minor"] if row else 0, invoice.currency)


async def find_invoice(tenant_id: int, number: str) -> DocumentRecord | None:
    """A posted invoice by its printed number."""
    found = await documents_q.search(tenant_id, DocumentFilter(type="invoice", number=number), limit=2)
    return next((d for d in found if not d.is_draft), None)


async def open_invoices(tenant_id: int, client_id: int) -> list[DocumentRecord]:
    """The client's posted invoices that still owe something, oldest first."""
    found = []
    for account in await ledger_q.accounts_of(tenant_id, client_id):
        ids = [r["id"] for r in await payments_q.open_invoices(tenant_id, account.id)]
        found += [await documents_q.get(tenant_id, i) for i in ids]
    return found


async def own_accounts(tenant_id: int) -> set[str]:
    """The settlement accounts of the tenant's seller entities."""
    return {s.settlement_account for s in await sellers_q.list_for(tenant_id) if s.settlement_account}


# -- staff ---------------------------------------------------------------------------------------

async def search(actor: Actor, *, status: str | None = None, client_id: int | None = None,
                 provider: str | None = None, limit: int = 100, offset: int = 0) -> list[PaymentRecord]:
    actor.require(READ)
    return await payments_q.search(actor.tenant_id, status=status, client_id=client_id, provider=provider,
                                   limit=min(max(limit, 1), 500), offset=max(offset, 0))


async def _payment(actor: Actor, payment_id: int) -> PaymentRecord:
    found = await payments_q.get(actor.tenant_id, payment_id)
    if found is None:
        raise NotFound("payment", payment_id)
    return found


async def get(actor: Actor, payment_id: int) -> PaymentView:
    actor.require(READ)
    record = await _payment(actor, payment_id)
    return PaymentView(record, await payments_q.allocations(actor.tenant_id, payment_id),
                       await payments_q.refunds(actor.tenant_id, payment_id))


async def of_document(actor: Actor, document_id: int) -> list[tuple[PaymentRecord, Money]]:
    """The payments put towards a document, each with its part, oldest first."""
    actor.require(READ)
    document = await documents_q.get(actor.tenant_id, document_id)
    if document is None:
        raise NotFound("document", document_id)
    return [(await payments_q.get(actor.tenant_id, payment_id), Money.from_minor(part, document.currency))
            for payment_id, part in await payments_q.of_document(actor.tenant_id, document_id)]


async def queued(actor: Actor) -> list[PaymentRecord]:
    return await search(actor, status=QUEUED, limit=500)


async def manual(actor: Actor, client_id: int, amount: Money, received_on: date, reference: str,
                 invoice_id: int | None = None) -> Received:
    """A payment an accountant enters (a bank transfer, cash); ``reference`` (the payment
    order's number and date, say) makes entering it twice harmless."""
    actor.require(MANAGE_FINANCE)
    if await clients_q.get(actor.tenant_id, client_id) is None:
        raise NotFound("client", client_id)
    if not reference.strip():
        raise InvalidInput.field("reference", "name the payment (e.g. the payment order's number and date)")
    if invoice_id is not None:
        invoice = await documents_q.get(actor.tenant_id, invoice_id)
        if invoice is None or invoice.client_id != client_id or invoice.type != "invoice":
            raise InvalidInput.field("invoice_id", f"invoice {invoice_id} is not an invoice of client {client_id}")
    received = await receive(actor.tenant_id, Incoming(
        "manual", reference.strip()[:128], amount, received_on, PaymentStatus.SUCCEEDED, client_id=client_id,
        invoice_id=invoice_id), actor_label=actor.label)
    if received.applied:
        await audit.record(actor, "payment.manual", "payment", received.payment.id, None, received.payment.public())
    return received


async def assign(actor: Actor, payment_id: int, client_id: int, invoice_id: int | None = None) -> PaymentRecord:
    """Apply a queued payment to the client the accountant chose."""
    actor.require(MANAGE_FINANCE)
    async with atomic():
        await payments_q.lock(actor.tenant_id, payment_id)
        payment = await _payment(actor, payment_id)
        if payment.status != QUEUED:
            raise Conflict(f"payment {payment_id} is {payment.status}, not waiting in the queue")
        if await clients_q.get(actor.tenant_id, client_id) is None:
            raise NotFound("client", client_id)
        invoice = await documents_q.get(actor.tenant_id, invoice_id) if invoice_id else None
        if invoice_id and (invoice is None or invoice.client_id != client_id):
            raise InvalidInput.field("invoice_id", f"invoice {invoice_id} is not an invoice of client {client_id}")
        await _apply(actor.tenant_id, payment_id, client_id, invoice_id, actor.label)
        assigned = await payments_q.get(actor.tenant_id, payment_id)
        await audit.record(actor, "payment.assign", "payment", payment_id, payment.public(), assigned.public())
    return assigned


async def refund(actor: Actor, registry: PluginRegistry, payment_id: int, amount: Money, reason: str, *,
                 record_only: bool = False) -> PaymentRecord:
    """Give back all or part of a succeeded payment: through its provider when it is an online
    one, recorded only for a transfer the accountant makes or a refund already made in the
    provider's cabinet (``record_only``); the balance goes down by it."""
    actor.require(MANAGE_FINANCE)
    hooks, context = await plugins.tenant_context(registry, actor.tenant_id)
    async with atomic():
        await payments_q.lock(actor.tenant_id, payment_id)
        payment = await _payment(actor, payment_id)
        if payment.status not in (SUCCEEDED, REFUNDED) or payment.account_id is None:
            raise Conflict(f"payment {payment_id} is {payment.status}; only a credited payment is refunded")
        if amount.currency != payment.amount.currency or amount.amount <= 0:
            raise InvalidInput.field("amount", f"must be a positive amount in {payment.amount.currency}")
        left = payment.amount - payment.refunded
        if amount > left:
            raise InvalidInput.field("amount", f"at most {left} of payment {payment_id} is left to refund")
        external_id, status = "", SUCCEEDED
        online = None if record_only else next((p for p in _providers(hooks, context) if p.code == payment.provider),
                                               None)
        if online is not None:
            try:
                done = await online.refund(RefundRequest(payment.external_id or "", amount, reason))
            except PaymentError as exc:
                raise Conflict(f"{payment.provider} refused the refund: {exc.message}") from None
            external_id, status = done.refund_id, done.status.value
        unallocated = payment.amount.minor - payment.allocated.minor - payment.refunded.minor
        await payments_q.release_allocations(actor.tenant_id, payment_id, amount.minor - max(unallocated, 0))
        await payments_q.add_refund(actor.tenant_id, payment_id, amount.minor, external_id, status, reason, actor.label)
        account = await ledger_q.account(actor.tenant_id, payment.account_id)
        await ledger_q.insert_entries(actor.tenant_id, account, [Entry(
            EntryKind.PAYOUT, amount, context.today, f"refund of payment {payment_id}: {reason}"[:1000],
            ("payment", str(payment_id)))], actor_label=actor.label, idempotency_key=None)
        if payment.refunded + amount == payment.amount:
            await payments_q.update(actor.tenant_id, payment_id, status=REFUNDED)
        refunded = await payments_q.get(actor.tenant_id, payment_id)
        await audit.record(actor, "payment.refund", "payment", payment_id, payment.public(), refunded.public())
    return refunded

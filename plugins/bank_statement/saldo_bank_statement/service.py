"""Import a bank statement: parse it whole, then receive each incoming payment once.

A file that does not parse changes nothing. Every payment into one of the tenant's
settlement accounts goes to ``core.services.payments.receive`` under a key made of the
payer's account, the document's number, date and amount, so uploading the same
statement again (or an overlapping one) applies nothing twice. Confident matches are
credited at once; the rest wait in the accountants' queue with the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Callable

from core.db.queries import payments as payments_q
from core.db.queries.documents import DocumentRecord
from core.db.queries.payments import PaymentRecord
from core.domain.money import Money
from core.domain.payments import PaymentStatus
from core.domain.roles import MANAGE_FINANCE
from core.plugins.manager import PluginRegistry
from core.services import audit, clients, payments, plugins
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput
from core.services.payments import Incoming

from saldo_bank_statement.matching import (
    ClientRef,
    Direction,
    InvoiceRef,
    Lookup,
    decide,
    direction,
    payment_key,
    references,
)
from saldo_bank_statement.parser import AccountSection, Statement, StatementDocument, StatementError, parse

PLUGIN_ID = "bank_statement"
PROVIDER = "bank"
MAX_BYTES = 16 * 1024 * 1024
APPLIED, QUEUED, DUPLICATE, SKIPPED = "applied", "queued", "duplicate", "skipped"
SKIP_REASONS = {
    Direction.OUTGOING: "outgoing payment",
    Direction.OWN_TRANSFER: "transfer between own accounts",
    Direction.OTHER: "not to an own settlement account",
}


@dataclass(frozen=True)
class DocumentOutcome:
    """What became of one document of the statement."""

    line_number: int
    kind: str
    number: str
    date: date
    amount: Money
    payer: dict[str, str]
    purpose: str
    outcome: str  # applied, queued, duplicate, skipped
    reason: str = ""
    payment_id: int | None = None
    client_id: int | None = None
    invoice_id: int | None = None

    def public(self) -> dict:
        return {"line": self.line_number, "kind": self.kind, "number": self.number, "date": self.date.isoformat(),
                "amount": str(self.amount.amount), "currency": self.amount.currency, "payer": self.payer,
                "purpose": self.purpose, "outcome": self.outcome, "reason": self.reason,
                "payment_id": self.payment_id, "client_id": self.client_id, "invoice_id": self.invoice_id}


def _section_public(section: AccountSection) -> dict:
    def amount(value: Money | None) -> str | None:
        return str(value.amount) if value is not None else None

    return {"account": section.account,
            "date_from": section.date_from.isoformat() if section.date_from else None,
            "date_to": section.date_to.isoformat() if section.date_to else None,
            "opening": amount(section.opening), "incoming": amount(section.incoming),
            "outgoing": amount(section.outgoing), "closing": amount(section.closing)}


@dataclass(frozen=True)
class StatementReport:
    filename: str
    fingerprint: str
    statement: Statement
    outcomes: tuple[DocumentOutcome, ...]
    warnings: tuple[str, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def applied(self) -> int:
        return self.count(APPLIED)

    @property
    def queued(self) -> int:
        return self.count(QUEUED)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def skipped(self) -> int:
        return self.count(SKIPPED)

    def summary(self) -> dict:
        return {"filename": self.filename, "fingerprint": self.fingerprint, "version": self.statement.version,
                "encoding": self.statement.encoding, "accounts": list(self.statement.accounts),
                "documents": len(self.outcomes), "applied": self.applied, "queued": self.queued,
                "duplicates": self.duplicates, "skipped": self.skipped}

    def public(self) -> dict:
        return {**self.summary(), "sections": [_section_public(s) for s in self.statement.sections],
                "warnings": list(self.warnings), "outcomes": [o.public() for o in self.outcomes]}


def read(content: bytes) -> Statement:
    """The parsed statement; a file that does not parse is an :class:`InvalidInput` naming the line."""
    if len(content) > MAX_BYTES:
        raise InvalidInput.field("file", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return parse(content)
    except StatementError as exc:
        raise InvalidInput(str(exc), [{"field": "file", "line": exc.line_number, "message": exc.message}]) from None


async def _open_invoice(actor: Actor, invoice: DocumentRecord | None, inns: dict[int, str]) -> InvoiceRef | None:
    """The invoice with what it still owes, if it owes anything."""
    tenant_id = actor.tenant_id
    if invoice is None or invoice.status != "posted" or invoice.account_id is None:
        return None
    row = next((r for r in await payments_q.open_invoices(tenant_id, invoice.account_id) if r["id"] == invoice.id),
               None)
    if row is None:
        return None
    if invoice.client_id not in inns:
        inns[invoice.client_id] = (await clients.get(actor, invoice.client_id)).inn
    return InvoiceRef(invoice.id, invoice.number, invoice.client_id, inns[invoice.client_id],
                      Money.from_minor(row["total_minor"] - row["paid_minor"], invoice.currency))


async def _payer_clients(actor: Actor, inn: str) -> tuple[ClientRef, ...]:
    if not inn:
        return ()
    found, _ = await clients.search(actor, search=inn, limit=100)
    return tuple(ClientRef(c.id, c.display_name, c.inn) for c in found if c.inn == inn and c.merged_into is None)


async def _lookup(actor: Actor, document: StatementDocument) -> Lookup:
    """What the document's payer and purpose point at among the tenant's clients and open invoices."""
    tenant_id = actor.tenant_id
    refs = references(document.purpose)
    payer_clients = await _payer_clients(actor, document.payer.inn)
    inns = {c.id: c.inn for c in payer_clients}
    by_number = {}
    for number in refs.to_look_up:
        if invoice := await _open_invoice(actor, await payments.find_invoice(tenant_id, number), inns):
            by_number[number] = invoice
    payer_invoices = []
    for client in payer_clients:
        for invoice in await payments.open_invoices(tenant_id, client.id):
            if found := await _open_invoice(actor, invoice, inns):
                payer_invoices.append(found)
    return Lookup(payer_clients, by_number, tuple(payer_invoices))


def _outcome(document: StatementDocument, outcome: str, reason: str = "",
             payment: PaymentRecord | None = None) -> DocumentOutcome:
    return DocumentOutcome(
        document.line_number, document.kind, document.number, document.date, document.amount,
        document.payer.public(), document.purpose, outcome, reason, payment.id if payment else None,
        payment.client_id if payment else None, payment.invoice_id if payment else None)


async def _receive(actor: Actor, registry: PluginRegistry, document: StatementDocument) -> DocumentOutcome:
    match = decide(document, await _lookup(actor, document))
    received = await payments.receive(actor.tenant_id, Incoming(
        provider=PROVIDER, external_id=payment_key(document), amount=document.amount,
        received_on=document.date_received or document.date, status=PaymentStatus.SUCCEEDED,
        client_id=match.client_id, invoice_id=match.invoice_id, payer=document.payer.public(),
        purpose=document.purpose, raw=document.text, queue_reason=match.reason), registry=registry,
        actor_label=actor.label)
    payment = received.payment
    if not received.applied:
        return _outcome(document, DUPLICATE, f"already imported as payment {payment.id} ({payment.status})", payment)
    if payment.status == payments.QUEUED:
        return _outcome(document, QUEUED, payment.queue_reason, payment)
    return _outcome(document, APPLIED, "", payment)


async def import_statement(actor: Actor, registry: PluginRegistry, content: bytes, *, filename: str = "",
                           progress: Callable[[int, int], None] | None = None) -> StatementReport:
    """Import a 1CClientBankExchange file for the actor's tenant (see the module doc)."""
    actor.require(MANAGE_FINANCE)
    if PLUGIN_ID not in await plugins.enabled_ids(registry, actor.tenant_id):
        raise Conflict(f"the {PLUGIN_ID} plugin is not enabled for this tenant")
    statement = read(content)
    own = await payments.own_accounts(actor.tenant_id)
    if not own:
        raise InvalidInput.field("file", "no seller entity has a settlement account: nothing can be paid into it")
    warnings = [str(w) for w in statement.warnings]
    if statement.accounts and not own.intersection(statement.accounts):
        warnings.append(f"the statement is for account {', '.join(statement.accounts)}, "
                        f"which is none of the settlement accounts of the seller entities")
    incoming = [d for d in statement.documents if direction(d, own) is Direction.INCOMING]
    outcomes = []
    for document in statement.documents:
        kind = direction(document, own)
        if kind is not Direction.INCOMING:
            outcomes.append(_outcome(document, SKIPPED, SKIP_REASONS[kind]))
            continue
        outcomes.append(await _receive(actor, registry, document))
        if progress is not None:
            progress(sum(1 for o in outcomes if o.outcome != SKIPPED), len(incoming))
    report = StatementReport(filename, hashlib.sha256(content).hexdigest(), statement, tuple(outcomes),
                             tuple(warnings))
    await audit.record(actor, "bank_statement.import", "bank_statement", report.fingerprint[:16], None,
                       report.summary())
    return report

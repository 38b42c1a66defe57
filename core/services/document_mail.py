"""E-mailing posted documents to the client's e-mail and billing contacts, with the PDF
attached, from the tenant's (or the shipped) mail templates.

Posting queues a mail (a ``document_mail`` row); ``deliver_due`` — run by the server's
background loop — sends the due ones. Recipients, subject, body and PDF are made when the
mail is sent. A failure is kept on the row and tried again after a growing delay; after
``MAX_ATTEMPTS`` the mail is given up (``failed``). With mail off (``SALDO_SMTP_HOST``
empty) nothing is sent and the mails wait in the queue.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from core.db.queries import clients as clients_q
from core.db.queries import document_mail as mail_q
from core.db.queries import documents as documents_q
from core.db.queries.document_mail import FAILED, SENT, MailRecord
from core.db.queries.documents import DocumentRecord
from core.db.transaction import atomic
from core.domain.documents import DocumentStatus
from core.domain.roles import MANAGE_FINANCE, READ
from core.plugins.manager import PluginRegistry
from core.services import audit, client_details, document_render, mail
from core.services.actor import Actor
from core.services.errors import Conflict, NotFound

logger = logging.getLogger("saldo.document_mail")

# The delay before the 2nd, 3rd… attempt; the mail is given up after the last one.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long claimed mails are kept from other workers: longer than a batch takes to send.
LEASE = timedelta(minutes=30)
SENDABLE = (DocumentStatus.POSTED.value, DocumentStatus.PAID.value, DocumentStatus.CREDITED.value)
RETRIED = "retried"  # an outcome of an attempt; the mail stays queued


@dataclass
class Report:
    """What one ``deliver_due`` did with the mails it took."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retried + self.failed

    def __add__(self, other: Report) -> Report:
        return Report(self.sent + other.sent, self.retried + other.retried, self.failed + other.failed)


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def queue(tenant_id: int, document_ids: list[int], requested_by: str) -> None:
    """Queue the documents' e-mails, due at once; call in the posting's transaction."""
    await mail_q.insert_queued(tenant_id, list(dict.fromkeys(document_ids)), requested_by, _now())


async def _document(actor: Actor, document_id: int) -> DocumentRecord:
    document = await documents_q.get(actor.tenant_id, document_id)
    if document is None:
        raise NotFound("document", document_id)
    return document


async def resend(actor: Actor, document_id: int) -> None:
    """Queue the document's e-mail again (a posted, paid or credited document)."""
    actor.require(MANAGE_FINANCE)
    async with atomic():
        document = await _document(actor, document_id)
        if document.status not in SENDABLE:
            raise Conflict(f"document {document_id} is {document.status}: only a posted document is sent",
                           [{"field": "status", "message": document.status}])
        await queue(actor.tenant_id, [document_id], actor.label)
        await audit.record(actor, "document.resend", "document", document_id, None,
                           {"type": document.type, "number": document.number})


async def deliveries(actor: Actor, document_id: int) -> list[dict]:
    """The document's e-mails, newest first: status, attempts, last error, recipients, when sent."""
    actor.require(READ)
    await _document(actor, document_id)
    return [m.public() for m in await mail_q.of_document(actor.tenant_id, document_id)]


# -- sending --------------------------------------------------------------------------------------

async def compose(tenant_id: int, document_id: int, registry: PluginRegistry | None = None) -> tuple[str, str]:
    """The subject (one line) and body of the document's e-mail, from the tenant's mail
    templates or the shipped ones."""
    variables = await document_render.context(tenant_id, document_id, registry=registry)

    async def rendered(name: str) -> str:
        return document_render.render(name, await document_render.template_source(tenant_id, name), variables)

    return " ".join((await rendered("mail_subject")).split()), await rendered("mail_body")


def attachment_name(document: DocumentRecord) -> str:
    """``invoice_СЧ-17.pdf``: the type and the printed number, made safe for a file name."""
    number = re.sub(r"[^\w.-]+", "_", document.number).strip("_")
    return f"{document.type}_{number}.pdf"


async def _send(row: MailRecord, now: datetime, registry: PluginRegistry | None) -> str:
    """Send one claimed mail and record the outcome: sent, retried or failed."""
    recipients: list[str] = []
    try:
        document = await documents_q.get(row.tenant_id, row.document_id)
        client = await clients_q.get(row.tenant_id, document.client_id)
        recipients = await client_details.document_recipients(client)
        if not recipients:
            await mail_q.mark_failed(row.tenant_id, row.id, [], row.attempts + 1,
                                     f"client {client.display_name} has no e-mail address to send documents to")
            logger.warning("document mail %s: client %s has no address", row.id, client.id)
            return FAILED
        subject, body = await compose(row.tenant_id, row.document_id, registry)
        pdf = await document_render.pdf(row.tenant_id, row.document_id, registry=registry)
        refused = await mail.deliver(recipients, subject, body, [mail.Attachment(attachment_name(document), pdf)])
    except Exception as exc:  # the server, the network, a template or the PDF: kept and tried again
        attempts = row.attempts + 1
        error = f"{type(exc).__name__}: {exc}"
        if attempts >= MAX_ATTEMPTS:
            await mail_q.mark_failed(row.tenant_id, row.id, recipients, attempts, error)
            logger.warning("document mail %s given up after %d attempts: %s", row.id, attempts, error)
            return FAILED
        await mail_q.mark_retry(row.tenant_id, row.id, recipients, attempts, error, now + BACKOFF[attempts - 1])
        logger.warning("document mail %s not sent (attempt %d, next in %s): %s", row.id, attempts,
                       BACKOFF[attempts - 1], error)
        return RETRIED
    note = f"refused by the server: {', '.join(refused)}" if refused else ""
    await mail_q.mark_sent(row.tenant_id, row.id, recipients, now, note)
    logger.info("document mail %s sent to %s", row.id, ", ".join(recipients))
    return SENT


async def deliver_due(*, now: datetime | None = None, tenant_id: int | None = None, limit: int = 50,
                      registry: PluginRegistry | None = None) -> Report:
    """Send up to ``limit`` queued mails whose time has come (of one tenant, or of all);
    nothing while mail is off. With ``registry`` the tenants' plugins add their variables to
    the templates' (``saldo_document_context``)."""
    if not mail.enabled():
        return Report()
    now = now or _now()
    async with atomic():
        claimed = await mail_q.claim_due(now, now + LEASE, tenant_id=tenant_id, limit=limit)
    outcomes = [await _send(row, now, registry) for row in claimed]
    return Report(sent=outcomes.count(SENT), retried=outcomes.count(RETRIED), failed=outcomes.count(FAILED))

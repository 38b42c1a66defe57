"""The document e-mail outbox: one row per sending of a posted document, retried until
sent or given up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.bulk import insert_rows
from core.db.engine import is_postgres
from core.db.tables import DocumentMail

QUEUED = "queued"
SENT = "sent"
FAILED = "failed"


@dataclass(frozen=True)
class MailRecord:
    id: int
    tenant_id: int
    document_id: int
    recipients: list[str]
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    requested_by: str
    created_at: datetime
    sent_at: datetime | None

    def public(self) -> dict:
        return {"id": self.id, "document_id": self.document_id, "recipients": self.recipients,
                "status": self.status, "attempts": self.attempts,
                "next_attempt_at": self.next_attempt_at.isoformat() if self.status == QUEUED else None,
                "last_error": self.last_error, "requested_by": self.requested_by,
                "created_at": self.created_at.isoformat(),
                "sent_at": self.sent_at.isoformat() if self.sent_at else None}


def _record(row: dict) -> MailRecord:
    return MailRecord(row["id"], row["tenant"], row["document"], [a for a in row["recipients"].split(",") if a],
                      row["status"], row["attempts"], row["next_attempt_at"], row["last_error"], row["requested_by"],
                      row["created_at"], row["sent_at"])


async def insert_queued(tenant_id: int, document_ids: list[int], requested_by: str, now: datetime) -> None:
    """Queue one mail per document, due at once (recipients are found when it is sent)."""
    await insert_rows(DocumentMail, [
        {"tenant": tenant_id, "document": document_id, "recipients": "", "status": QUEUED, "attempts": 0,
         "next_attempt_at": now, "last_error": "", "requested_by": requested_by, "created_at": now, "sent_at": None}
        for document_id in document_ids])


async def claim_due(now: datetime, lease_until: datetime, *, tenant_id: int | None = None,
                    limit: int = 50) -> list[MailRecord]:
    """Take up to ``limit`` queued mails due by ``now``, oldest due first, and move their next
    attempt to ``lease_until`` so that no other worker takes them while they are being sent
    (nor after a crash, until the lease ends). Call inside a write transaction: on PostgreSQL
    the rows are locked with SKIP LOCKED, so two workers claim different mails; SQLite's
    write transaction lets one worker claim at a time."""
    where = (DocumentMail.status == QUEUED) & (DocumentMail.next_attempt_at <= now)
    if tenant_id is not None:
        where &= DocumentMail.tenant == tenant_id
    query = DocumentMail.select(DocumentMail.id).where(where).order_by(
        DocumentMail.next_attempt_at, DocumentMail.id).limit(limit)
    if is_postgres(DocumentMail._meta.db):
        query = query.lock_rows(skip_locked=True)
    ids = [r["id"] for r in await query]
    if not ids:
        return []
    await DocumentMail.update({DocumentMail.next_attempt_at: lease_until}).where(DocumentMail.id.is_in(ids))
    rows = await DocumentMail.select().where(DocumentMail.id.is_in(ids)).order_by(
        DocumentMail.created_at, DocumentMail.id)
    return [_record(r) for r in rows]


async def _update(tenant_id: int, mail_id: int, values: dict) -> None:
    await DocumentMail.update({getattr(DocumentMail, k): v for k, v in values.items()}).where(
        (DocumentMail.tenant == tenant_id) & (DocumentMail.id == mail_id) & (DocumentMail.status == QUEUED))


async def mark_sent(tenant_id: int, mail_id: int, recipients: list[str], now: datetime, note: str = "") -> None:
    """The server accepted the mail (``note`` says which recipients it refused, if any)."""
    await _update(tenant_id, mail_id, {"status": SENT, "recipients": ",".join(recipients), "sent_at": now,
                                       "last_error": note})


async def mark_retry(tenant_id: int, mail_id: int, recipients: list[str], attempts: int, error: str,
                     next_attempt_at: datetime) -> None:
    await _update(tenant_id, mail_id, {"recipients": ",".join(recipients), "attempts": attempts,
                                       "last_error": error, "next_attempt_at": next_attempt_at})


async def mark_failed(tenant_id: int, mail_id: int, recipients: list[str], attempts: int, error: str) -> None:
    """Given up: no more attempts."""
    await _update(tenant_id, mail_id, {"status": FAILED, "recipients": ",".join(recipients), "attempts": attempts,
                                       "last_error": error})


async def of_document(tenant_id: int, document_id: int) -> list[MailRecord]:
    """The document's mails, newest first."""
    rows = await DocumentMail.select().where(
        (DocumentMail.tenant == tenant_id) & (DocumentMail.document == document_id)).order_by(
        DocumentMail.id, ascending=False)
    return [_record(r) for r in rows]

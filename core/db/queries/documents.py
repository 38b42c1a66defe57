"""Documents, their lines and number sequences."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from core.db.engine import is_postgres
from core.db.tables import Document, DocumentLine, DocumentSequence
from core.domain.money import Money


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    type: str
    status: str
    seller_id: int | None
    client_id: int
    account_id: int | None
    number: str
    issue_date: date
    period_start: date | None
    period_end: date | None
    currency: str
    net: Money
    vat: Money
    total: Money
    source: str
    posted_at: datetime | None

    def public(self) -> dict:
        return {"id": self.id, "type": self.type, "status": self.status, "seller_id": self.seller_id,
                "client_id": self.client_id, "account_id": self.account_id, "number": self.number,
                "issue_date": self.issue_date.isoformat(),
                "period_start": self.period_start.isoformat() if self.period_start else None,
                "period_end": self.period_end.isoformat() if self.period_end else None,
                "currency": self.currency, "net": str(self.net.amount), "vat": str(self.vat.amount),
                "total": str(self.total.amount), "source": self.source}


def _record(row: dict) -> DocumentRecord:
    currency = row["currency"]
    number = row["number_text"]
    return DocumentRecord(row["id"], row["type"], row["status"], row["seller_entity"], row["client"], row["account"],
                          number, row["issue_date"], row["period_start"], row["period_end"], currency,
                          Money.from_minor(row["net_minor"], currency), Money.from_minor(row["vat_minor"], currency),
                          Money.from_minor(row["total_minor"], currency), row["source"], row["posted_at"])


async def of_client(tenant_id: int, client_id: int, *, limit: int = 200) -> list[DocumentRecord]:
    rows = await Document.select().where((Document.tenant == tenant_id) & (Document.client == client_id)).order_by(
        Document.issue_date, Document.id, ascending=False).limit(limit)
    return [_record(r) for r in rows]


async def of_source(tenant_id: int, source: str) -> list[DocumentRecord]:
    rows = await Document.select().where((Document.tenant == tenant_id) & (Document.source == source)).order_by(
        Document.id)
    return [_record(r) for r in rows]


async def lines(tenant_id: int, document_id: int) -> list[dict]:
    return await DocumentLine.select().where(
        (DocumentLine.tenant == tenant_id) & (DocumentLine.document == document_id)).order_by(DocumentLine.position)


async def take_numbers(tenant_id: int, scope: str, count: int) -> int:
    """Reserve ``count`` numbers of a series in the caller's transaction; returns the first.
    The row lock held until commit makes numbers gap-free and unique under concurrency."""
    on_conflict = "ON CONFLICT (tenant, scope) DO NOTHING" if is_postgres(Document._meta.db) else "ON CONFLICT DO NOTHING"
    await DocumentSequence.raw(f'INSERT INTO "document_sequence" (tenant, scope, last) VALUES ({{}}, {{}}, 0) '
                               f'{on_conflict}', tenant_id, scope)
    rows = await DocumentSequence.raw('UPDATE "document_sequence" SET last = last + {} WHERE tenant = {} AND scope = {} '
                                      'RETURNING last', count, tenant_id, scope)
    return rows[0]["last"] - count + 1


async def insert_documents(rows: list[Document]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), 500):
        ids.extend(r["id"] for r in await Document.insert(*rows[start:start + 500]).returning(Document.id))
    return ids


async def insert_lines(rows: list[DocumentLine]) -> None:
    for start in range(0, len(rows), 500):
        await DocumentLine.insert(*rows[start:start + 500])


def party(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False)


async def period_lines(tenant_id: int, account_ids: list[int], start: date, end: date) -> list[dict]:
    """The charge lines of invoices issued to the accounts within [start, end], with the account."""
    return await DocumentLine.select(DocumentLine.all_columns(), DocumentLine.document.account.as_alias("account"),
                                     DocumentLine.document.seller_entity.as_alias("seller")).where(
        (DocumentLine.tenant == tenant_id) & (DocumentLine.kind == "charge")
        & (DocumentLine.document.type == "invoice") & DocumentLine.document.account.is_in(account_ids or [0])
        & (DocumentLine.document.issue_date >= start) & (DocumentLine.document.issue_date <= end)).order_by(
        DocumentLine.id)

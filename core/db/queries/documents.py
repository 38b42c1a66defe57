"""Documents, their lines, number sequences and the unbilled pool."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from core.db.engine import is_postgres
from core.db.queries.catalog import locked
from core.db.tables import Client, Document, DocumentLine, DocumentSequence, Subscription
from core.domain.documents import Party
from core.domain.money import Money

UNPOSTED = ("draft",)


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
    form: str = ""
    credits_id: int | None = None
    seller: Party | None = None
    buyer: Party | None = None
    client_name: str = ""
    paid: Money | None = None  # what payments allocated to it; zero when not given

    def __post_init__(self) -> None:
        if self.paid is None:
            object.__setattr__(self, "paid", Money.zero(self.currency))

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def public(self) -> dict:
        return {"id": self.id, "type": self.type, "form": self.form, "status": self.status,
                "seller_id": self.seller_id, "client_id": self.client_id, "client_name": self.client_name,
                "account_id": self.account_id, "number": self.number, "issue_date": self.issue_date.isoformat(),
                "period_start": self.period_start.isoformat() if self.period_start else None,
                "period_end": self.period_end.isoformat() if self.period_end else None,
                "currency": self.currency, "net": str(self.net.amount), "vat": str(self.vat.amount),
                "total": str(self.total.amount), "paid": str(self.paid.amount), "source": self.source,
                "credits_id": self.credits_id,
                "posted_at": self.posted_at.isoformat() if self.posted_at else None}


def _parsed(value) -> dict:
    if isinstance(value, str):
        return json.loads(value or "{}")
    return value or {}


def _record(row: dict) -> DocumentRecord:
    currency = row["currency"]
    seller, buyer = _parsed(row.get("seller")), _parsed(row.get("buyer"))
    return DocumentRecord(row["id"], row["type"], row["status"], row["seller_entity"], row["client"], row["account"],
                          row["number_text"], row["issue_date"], row["period_start"], row["period_end"], currency,
                          Money.from_minor(row["net_minor"], currency), Money.from_minor(row["vat_minor"], currency),
                          Money.from_minor(row["total_minor"], currency), row["source"], row["posted_at"],
                          row.get("form", ""), row.get("credits"), Party.of(seller) if seller else None,
                          Party.of(buyer) if buyer else None, row.get("client_name", ""),
                          Money.from_minor(row.get("paid_minor", 0), currency))


def _select():
    return Document.select(Document.all_columns(), Document.client.display_name.as_alias("client_name"))


@dataclass(frozen=True)
class DocumentFilter:
    type: str | None = None
    status: str | None = None
    client_id: int | None = None
    period_from: date | None = None  # issue date on or after
    period_to: date | None = None  # issue date on or before
    number: str | None = None


async def search(tenant_id: int, found: DocumentFilter, *, limit: int = 100, offset: int = 0) -> list[DocumentRecord]:
    """Documents matching the filter, newest first."""
    where = Document.tenant == tenant_id
    if found.type:
        where &= Document.type == found.type
    if found.status:
        where &= Document.status == found.status
    if found.client_id:
        where &= Document.client == found.client_id
    if found.period_from:
        where &= Document.issue_date >= found.period_from
    if found.period_to:
        where &= Document.issue_date <= found.period_to
    if found.number:
        where &= Document.number_text == found.number
    rows = await _select().where(where).order_by(Document.issue_date, Document.id, ascending=False).limit(
        limit).offset(offset)
    return [_record(r) for r in rows]


async def get(tenant_id: int, document_id: int) -> DocumentRecord | None:
    row = await _select().where((Document.tenant == tenant_id) & (Document.id == document_id)).first()
    return _record(row) if row else None


async def get_for_update(tenant_id: int, document_id: int) -> DocumentRecord | None:
    """The document, its row locked on PostgreSQL until the transaction ends."""
    where = (Document.tenant == tenant_id) & (Document.id == document_id)
    if not await locked(Document.select(Document.id).where(where), Document).first():
        return None
    return await get(tenant_id, document_id)


async def of_client(tenant_id: int, client_id: int, *, limit: int = 200) -> list[DocumentRecord]:
    return await search(tenant_id, DocumentFilter(client_id=client_id), limit=limit)


async def of_source(tenant_id: int, source: str) -> list[DocumentRecord]:
    rows = await _select().where((Document.tenant == tenant_id) & (Document.source == source)).order_by(Document.id)
    return [_record(r) for r in rows]


async def credit_notes_of(tenant_id: int, document_id: int) -> list[DocumentRecord]:
    rows = await _select().where((Document.tenant == tenant_id) & (Document.credits == document_id)).order_by(
        Document.id)
    return [_record(r) for r in rows]


async def lines(tenant_id: int, document_id: int) -> list[dict]:
    return await DocumentLine.select(DocumentLine.all_columns(),
                                     DocumentLine.subscription.product.name.as_alias("subscription_name"),
                                     DocumentLine.subscription.status.as_alias("subscription_status")).where(
        (DocumentLine.tenant == tenant_id) & (DocumentLine.document == document_id)).order_by(DocumentLine.position)


async def unbilled_lines(tenant_id: int, account_ids: list[int]) -> list[dict]:
    """Billing lines of the accounts that are on no document (their draft was deleted)."""
    return await DocumentLine.select().where(
        (DocumentLine.tenant == tenant_id) & DocumentLine.account.is_in(account_ids or [0])
        & DocumentLine.document.is_null()).order_by(DocumentLine.id)


async def unposted_lines_of_subscriptions(tenant_id: int, subscription_ids: list[int]) -> list[dict]:
    """Charge lines of the subscriptions that are unbilled or on a draft, with the draft's id."""
    return await DocumentLine.select(DocumentLine.id, DocumentLine.subscription, DocumentLine.description,
                                     DocumentLine.document, DocumentLine.document.type.as_alias("document_type")).where(
        (DocumentLine.tenant == tenant_id) & DocumentLine.subscription.is_in(subscription_ids or [0])
        & (DocumentLine.kind == "charge")
        & (DocumentLine.document.is_null() | (DocumentLine.document.status == "draft"))).order_by(DocumentLine.id)


async def latest_invoices_of_subscriptions(tenant_id: int, subscription_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each subscription's latest posted invoice: (document id, number), by subscription."""
    rows = await DocumentLine.select(DocumentLine.subscription, DocumentLine.document,
                                     DocumentLine.document.number_text.as_alias("number")).where(
        (DocumentLine.tenant == tenant_id) & DocumentLine.subscription.is_in(subscription_ids or [0])
        & (DocumentLine.document.type == "invoice") & (DocumentLine.document.status != "draft")).order_by(
        DocumentLine.document)
    latest: dict[int, tuple[int, str]] = {}
    for row in rows:
        latest[row["subscription"]] = (row["document"], row["number"])
    return latest


async def reversed_line_ids(tenant_id: int, line_ids: list[int]) -> set[int]:
    """Which of the lines a credit note (draft or posted) already reverses."""
    rows = await DocumentLine.select(DocumentLine.reverses).where(
        (DocumentLine.tenant == tenant_id) & DocumentLine.reverses.is_in(line_ids or [0]))
    return {r["reverses"] for r in rows}


async def subscriptions_named(tenant_id: int, ids: list[int]) -> list[dict]:
    return await Subscription.select(Subscription.id, Subscription.product.name.as_alias("name"), Subscription.status,
                                     Subscription.product.payment_model.as_alias("payment_model"),
                                     Subscription.period_start, Subscription.next_billing_date).where(
        (Subscription.tenant == tenant_id) & Subscription.id.is_in(ids or [0])).order_by(Subscription.id)


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
    """The charge lines of posted invoices and credit notes issued to the accounts within
    [start, end], with the account and seller (an act lists them)."""
    return await DocumentLine.select(DocumentLine.all_columns(), DocumentLine.document.account.as_alias("account"),
                                     DocumentLine.document.seller_entity.as_alias("seller")).where(
        (DocumentLine.tenant == tenant_id) & (DocumentLine.kind == "charge")
        & DocumentLine.document.type.is_in(["invoice", "credit_note"])
        & (DocumentLine.document.status != "draft")
        & DocumentLine.document.account.is_in(account_ids or [0])
        & (DocumentLine.document.issue_date >= start) & (DocumentLine.document.issue_date <= end)).order_by(
        DocumentLine.id)


async def client_names(tenant_id: int, client_ids: list[int]) -> dict[int, str]:
    rows = await Client.select(Client.id, Client.display_name).where(
        (Client.tenant == tenant_id) & Client.id.is_in(client_ids or [0]))
    return {r["id"]: r["display_name"] for r in rows}

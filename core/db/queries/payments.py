"""Payments, their allocations to invoices, and refunds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from core.db.engine import is_postgres
from core.db.queries.catalog import locked
from core.db.tables import Document, Payment, PaymentAllocation, PaymentRefund
from core.domain.money import Money


@dataclass(frozen=True)
class PaymentRecord:
    id: int
    provider: str
    external_id: str | None
    status: str
    client_id: int | None
    account_id: int | None
    invoice_id: int | None
    amount: Money
    received_on: date
    payer: dict
    purpose: str
    queue_reason: str
    allocated: Money
    refunded: Money
    created_at: datetime
    created_by: str = ""
    client_name: str = ""

    def public(self) -> dict:
        return {"id": self.id, "provider": self.provider, "external_id": self.external_id, "status": self.status,
                "client_id": self.client_id, "client_name": self.client_name, "account_id": self.account_id,
                "invoice_id": self.invoice_id, "amount": str(self.amount.amount), "currency": self.amount.currency,
                "received_on": self.received_on.isoformat(), "payer": self.payer, "purpose": self.purpose,
                "queue_reason": self.queue_reason, "allocated": str(self.allocated.amount),
                "refunded": str(self.refunded.amount), "created_by": self.created_by,
                "created_at": self.created_at.isoformat()}


def _record(row: dict) -> PaymentRecord:
    currency = row["currency"]
    payer = row["payer"]
    return PaymentRecord(
        row["id"], row["provider"], row["external_id"], row["status"], row["client"], row["account"],
        row["invoice"], Money.from_minor(row["amount_minor"], currency), row["received_on"],
        json.loads(payer) if isinstance(payer, str) else (payer or {}), row["purpose"], row["queue_reason"],
        Money.from_minor(row["allocated_minor"], currency), Money.from_minor(row["refunded_minor"], currency),
        row["created_at"], row["created_by"], row.get("client_name") or "")


def _select():
    return Payment.select(Payment.all_columns(), Payment.client.display_name.as_alias("client_name"))


async def get(tenant_id: int, payment_id: int) -> PaymentRecord | None:
    row = await _select().where((Payment.tenant == tenant_id) & (Payment.id == payment_id)).first()
    return _record(row) if row else None


async def lock(tenant_id: int, payment_id: int) -> bool:
    """Lock the payment's row until the transaction ends (PostgreSQL); whether it exists."""
    return bool(await locked(Payment.select(Payment.id).where(
        (Payment.tenant == tenant_id) & (Payment.id == payment_id)), Payment).first())


async def by_external_id(tenant_id: int, provider: str, external_id: str) -> PaymentRecord | None:
    row = await _select().where((Payment.tenant == tenant_id) & (Payment.provider == provider)
                                & (Payment.external_id == external_id)).first()
    return _record(row) if row else None


async def search(tenant_id: int, *, status: str | None = None, client_id: int | None = None,
                 provider: str | None = None, limit: int = 100, offset: int = 0) -> list[PaymentRecord]:
    where = Payment.tenant == tenant_id
    if status:
        where &= Payment.status == status
    if client_id:
        where &= Payment.client == client_id
    if provider:
        where &= Payment.provider == provider
    rows = await _select().where(where).order_by(Payment.id, ascending=False).limit(limit).offset(offset)
    return [_record(r) for r in rows]


async def insert_once(tenant_id: int, values: dict) -> int | None:
    """Insert a payment unless one with its (provider, external id) exists; its id, or None
    for a duplicate. Concurrent duplicates are settled by the unique index."""
    columns = ["tenant", *values]
    placeholders = ", ".join(["{}"] * len(columns))
    conflict = "ON CONFLICT (tenant, provider, external_id) DO NOTHING" if is_postgres(Payment._meta.db) \
        else "ON CONFLICT DO NOTHING"
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = await Payment.raw(f'INSERT INTO "payment" ({quoted}) VALUES ({placeholders}) {conflict} RETURNING id',
                             tenant_id, *values.values())
    return rows[0]["id"] if rows else None


async def update(tenant_id: int, payment_id: int, *, expect_status: tuple[str, ...] | None = None, **values) -> bool:
    """Change the payment; with ``expect_status`` only while it is in one of them (so two
    notifications of one attempt move it once). Whether it changed."""
    where = (Payment.tenant == tenant_id) & (Payment.id == payment_id)
    if expect_status:
        where &= Payment.status.is_in(list(expect_status))
    changed = await Payment.update({getattr(Payment, k): v for k, v in values.items()}).where(where).returning(
        Payment.id)
    return bool(changed)


async def open_invoices(tenant_id: int, account_id: int) -> list[dict]:
    """The account's posted invoices not paid in full, oldest first: id, total, paid."""
    return await Document.select(Document.id, Document.total_minor, Document.paid_minor).where(
        (Document.tenant == tenant_id) & (Document.account == account_id) & (Document.type == "invoice")
        & (Document.status == "posted") & (Document.paid_minor < Document.total_minor)).order_by(
        Document.issue_date).order_by(Document.id)


async def with_remainder(tenant_id: int, account_ids: list[int]) -> list[dict]:
    """Credited payments of the accounts with money not yet put towards an invoice, oldest
    first: id, account, and what is left (amount − allocated − refunded)."""
    if not account_ids:
        return []
    accounts = ", ".join("{}" for _ in account_ids)
    return await Payment.raw(
        'SELECT id, account, amount_minor - allocated_minor - refunded_minor AS "left" FROM "payment" '
        f'WHERE tenant = {{}} AND status = {{}} AND account IN ({accounts}) '
        'AND allocated_minor + refunded_minor < amount_minor ORDER BY id', tenant_id, "succeeded", *account_ids)


async def add_allocations(tenant_id: int, payment_id: int, parts: list[tuple[int, int]]) -> None:
    """Record the parts and move each invoice's paid amount; a fully paid invoice becomes paid."""
    if not parts:
        return
    await PaymentAllocation.insert(*[PaymentAllocation(tenant=tenant_id, payment=payment_id, document=document_id,
                                                       amount_minor=amount) for document_id, amount in parts])
    await Payment.update({Payment.allocated_minor: Payment.allocated_minor + sum(a for _, a in parts)}).where(
        (Payment.tenant == tenant_id) & (Payment.id == payment_id))
    for document_id, amount in parts:
        await Document.update({Document.paid_minor: Document.paid_minor + amount}).where(
            (Document.tenant == tenant_id) & (Document.id == document_id))
        await Document.update({Document.status: "paid"}).where(
            (Document.tenant == tenant_id) & (Document.id == document_id) & (Document.status == "posted")
            & (Document.paid_minor >= Document.total_minor))


async def release_allocations(tenant_id: int, payment_id: int, amount_minor: int) -> int:
    """Take up to ``amount_minor`` of the payment back from the invoices it paid, the latest
    first (a refund): negative allocation rows, invoices' paid amounts lowered, a paid invoice
    that owes again back to posted. Returns how much was taken back."""
    taken = 0
    for row in await PaymentAllocation.raw(
            'SELECT document, CAST(SUM(amount_minor) AS BIGINT) AS amount FROM "payment_allocation" '
            'WHERE tenant = {} AND payment = {} GROUP BY document HAVING SUM(amount_minor) > 0 ORDER BY document DESC',
            tenant_id, payment_id):
        part = min(amount_minor - taken, row["amount"])
        if part <= 0:
            break
        await PaymentAllocation.insert(PaymentAllocation(tenant=tenant_id, payment=payment_id,
                                                         document=row["document"], amount_minor=-part))
        await Document.update({Document.paid_minor: Document.paid_minor - part}).where(
            (Document.tenant == tenant_id) & (Document.id == row["document"]))
        await Document.update({Document.status: "posted"}).where(
            (Document.tenant == tenant_id) & (Document.id == row["document"]) & (Document.status == "paid")
            & (Document.paid_minor < Document.total_minor))
        taken += part
    if taken:
        await Payment.update({Payment.allocated_minor: Payment.allocated_minor - taken}).where(
            (Payment.tenant == tenant_id) & (Payment.id == payment_id))
    return taken


async def of_document(tenant_id: int, document_id: int) -> list[tuple[int, int]]:
    """The payments put towards a document and the part of each, oldest first."""
    rows = await PaymentAllocation.raw(
        'SELECT payment, CAST(SUM(amount_minor) AS BIGINT) AS amount FROM "payment_allocation" '
        'WHERE tenant = {} AND document = {} GROUP BY payment HAVING SUM(amount_minor) > 0 ORDER BY payment',
        tenant_id, document_id)
    return [(r["payment"], r["amount"]) for r in rows]


async def allocations(tenant_id: int, payment_id: int) -> list[dict]:
    return await PaymentAllocation.select(
        PaymentAllocation.document, PaymentAllocation.amount_minor, PaymentAllocation.created_at,
        PaymentAllocation.document.number_text.as_alias("number")).where(
        (PaymentAllocation.tenant == tenant_id) & (PaymentAllocation.payment == payment_id)).order_by(
        PaymentAllocation.id)


async def add_refund(tenant_id: int, payment_id: int, amount_minor: int, external_id: str, status: str, reason: str,
                     by: str) -> None:
    await PaymentRefund.insert(PaymentRefund(tenant=tenant_id, payment=payment_id, amount_minor=amount_minor,
                                             external_id=external_id, status=status, reason=reason, created_by=by))
    await Payment.update({Payment.refunded_minor: Payment.refunded_minor + amount_minor}).where(
        (Payment.tenant == tenant_id) & (Payment.id == payment_id))


async def refunds(tenant_id: int, payment_id: int) -> list[dict]:
    return await PaymentRefund.select().where(
        (PaymentRefund.tenant == tenant_id) & (PaymentRefund.payment == payment_id)).order_by(PaymentRefund.id)

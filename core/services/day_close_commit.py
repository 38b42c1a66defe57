"""Writing accounts' days: ledger entries, subscription moves, documents, blocks and the
exactly-once marker of each account, all in one transaction per batch of accounts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from core.db import bulk
from core.db.queries import day_close as day_q
from core.db.queries import documents as documents_q
from core.db.queries import subscriptions as subs_q
from core.db.tables import Account, Client, Document, DocumentLine, LedgerEntry, Subscription, SubscriptionEvent
from core.db.transaction import atomic
from core.domain.blocking import BlockAction, BlockChange
from core.domain.day_close import AccountOutcome, AccountState, PlannedDocument
from core.domain.documents import Document as DomainDocument
from core.domain.documents import DocumentLine as DomainLine
from core.domain.documents import DocumentNumber, DocumentType, Party
from core.domain.ledger import EntryKind
from core.domain.money import quantity_to_units, unit_price_to_units
from core.domain.subscriptions import TRANSITIONS, Status
from core.services.day_close_compute import RunInputs
from core.services import document_mail, payments
from core.services.document_parties import buyer_party, seller_party
from core.services.numbering import number_documents

ACTOR = "day close"
PLAIN_MOVE = {"period", "next_billing_date", "cycle"}
REWRITABLE = (AccountState.PENDING.value, AccountState.PARKED.value, AccountState.CANCELLED.value)


class StaleAccount(Exception):
    """Something the account's day was computed from changed before it was written."""


@dataclass(frozen=True)
class Committed:
    account_id: int
    outcome: AccountOutcome
    result_id: int | None = None  # a pending result being confirmed


@dataclass(frozen=True)
class Posted:
    documents: list[DomainDocument]
    blocks: list[BlockChange]


async def commit(run: RunInputs, run_id: int, items: list[Committed], decided_by: str = "") -> Posted:
    """Write the accounts' days in one transaction; it fails whole (the caller retries one
    by one) if any account was written already or any input changed meanwhile."""
    tenant_id, on = run.tenant_id, run.business_date
    posted: list[DomainDocument] = []
    blocks: list[BlockChange] = []
    async with atomic():
        fresh = [day_q.result_row(tenant_id, run_id, i.account_id, i.outcome.client_id, on, AccountState.DONE.value,
                                  **_summary(i.outcome), decided_by=decided_by)
                 for i in items if i.result_id is None]
        await day_q.insert_results(fresh)
        for item in items:
            if item.result_id is not None:
                row = day_q.result_row(tenant_id, run_id, item.account_id, item.outcome.client_id, on,
                                       AccountState.DONE.value, **_summary(item.outcome), decided_by=decided_by)
                if not await day_q.replace_result(tenant_id, item.result_id, REWRITABLE, row):
                    raise StaleAccount(f"account {item.account_id} was written meanwhile")
        invoice_of = await _documents(run, run_id, items, posted)
        await _ledger(run, items, invoice_of)
        await payments.settle(run.tenant_id, sorted({i.outcome.account_id for i in items if any(
            d.type is DocumentType.INVOICE for d in i.outcome.documents)}))
        await _subscriptions(run, items)
        blocks = await _blocks(run, items)
    return Posted(posted, blocks)


def _summary(outcome: AccountOutcome) -> dict:
    return {"result": outcome.public(), "charges_minor": outcome.charges.minor, "credits_minor": outcome.credits.minor,
            "documents": len(outcome.documents)}


async def _documents(run: RunInputs, run_id: int, items: list[Committed],
                     posted: list[DomainDocument]) -> dict[int, int]:
    """Insert the documents and their lines, the posted ones numbered and queued for e-mail;
    returns the invoice of each invoiced outcome line (by the line object's id) as (id,
    whether it is a draft, whose lines reach the ledger only when it is posted)."""
    planned = [(item.outcome, doc) for item in items for doc in item.outcome.documents]
    if not planned:
        return {}
    clients = await day_q.clients(run.tenant_id, sorted({o.client_id for o, _ in planned}))
    drafted = [run.invoice_drafts and doc.type is DocumentType.INVOICE for _, doc in planned]
    taken = iter(await _numbers(run, [p for p, draft in zip(planned, drafted) if not draft], clients))
    numbers = [None if draft else next(taken) for draft in drafted]
    now = datetime.now(timezone.utc)
    rows = []
    for (outcome, doc), number in zip(planned, numbers):
        total = doc.total
        frozen = number is not None
        rows.append({"tenant": run.tenant_id, "type": doc.type.value, "status": "posted" if frozen else "draft",
                     "seller_entity": doc.seller_id, "client": outcome.client_id, "account": outcome.account_id,
                     "number_series": number.series if frozen else "", "number": number.sequence if frozen else None,
                     "number_text": number.text if frozen else "",
                     "form": doc.form.value if doc.form else "", "issue_date": doc.issue_date,
                     "period_start": doc.period.start, "period_end": doc.period.end, "currency": outcome.currency,
                     "net_minor": total.minor - doc.vat.minor, "vat_minor": doc.vat.minor, "total_minor": total.minor,
                     "seller": documents_q.party(_seller_party(run, doc.seller_id).__dict__) if frozen else "{}",
                     "buyer": documents_q.party(buyer_party(clients[outcome.client_id][0]).__dict__)
                     if frozen else "{}",
                     "source": f"day_close:{run_id}", "created_at": now, "posted_at": now if frozen else None})
    ids = await bulk.insert_rows(Document, rows, returning_id=True)
    lines = []
    invoice_of = {}
    for document_id, (outcome, doc), number in zip(ids, planned, numbers):
        if doc.type is DocumentType.INVOICE:
            invoice_of.update((id(line), (document_id, number is None)) for line in doc.lines)
        for position, line in enumerate(doc.lines, 1):
            lines.append({"tenant": run.tenant_id, "document": document_id, "account": outcome.account_id,
                          "reverses": None, "position": position, "kind": "charge",
                          "description": line.description, "quantity_e3": quantity_to_units(line.quantity),
                          "unit": line.unit, "unit_okei": line.unit_okei,
                          "unit_price_e4": unit_price_to_units(line.unit_price), "discount_minor": line.discount.minor,
                          "net_minor": line.net.minor, "vat_rate": line.vat_rate.value, "vat_minor": line.vat.minor,
                          "total_minor": line.total.minor, "period_start": line.period.start,
                          "period_end": line.period.end, "booked_on": None, "subscription": line.subscription_id})
        for position, (description, amount, booked_on) in enumerate(doc.adjustments, len(doc.lines) + 1):
            lines.append({"tenant": run.tenant_id, "document": document_id, "account": outcome.account_id,
                          "reverses": None, "position": position, "kind": "adjustment",
                          "description": description, "quantity_e3": 0, "unit": "", "unit_okei": "", "unit_price_e4": 0,
                          "discount_minor": 0, "net_minor": 0, "vat_rate": "none", "vat_minor": 0,
                          "total_minor": amount.minor, "period_start": None, "period_end": None,
                          "booked_on": booked_on, "subscription": None})
        if run.announces_documents and number is not None:
            posted.append(_domain(document_id, outcome, doc, number, run, clients))
    await bulk.insert_rows(DocumentLine, lines)
    await document_mail.queue(run.tenant_id, [i for i, n in zip(ids, numbers) if n is not None], ACTOR)
    return invoice_of


async def _numbers(run: RunInputs, planned, clients) -> list[DocumentNumber]:
    return await number_documents(run.hooks, run.context,
                                  [_domain(0, outcome, doc, None, run, clients) for outcome, doc in planned])


def _seller_party(run: RunInputs, seller_id: int | None) -> Party:
    return seller_party(run.sellers.get(seller_id) if seller_id else None, run.context.name)


def _domain(document_id: int, outcome: AccountOutcome, doc: PlannedDocument, number: DocumentNumber | None,
            run: RunInputs, clients) -> DomainDocument:
    return DomainDocument(
        document_id, doc.type, doc.seller_id or 0, outcome.client_id, doc.issue_date, outcome.currency,
        _seller_party(run, doc.seller_id), buyer_party(clients[outcome.client_id][0]),
        tuple(DomainLine(l.description, l.quantity, l.unit_price, l.net, l.vat_rate, l.vat, l.total)
              for l in doc.lines), number, doc.period.start, doc.period.end, doc.form)


async def _ledger(run: RunInputs, items: list[Committed], invoice_of: dict) -> None:
    now = datetime.now(timezone.utc)
    rows = []
    deltas: dict[int, int] = {}
    for item in items:
        key = f"dayclose:{run.business_date.isoformat()}:{item.account_id}"
        for n, line in enumerate(item.outcome.lines):
            if line.total.is_zero():
                continue
            invoice, drafted = invoice_of.get(id(line), (None, False))
            if drafted:
                continue
            source = ("document", str(invoice)) if invoice else ("subscription", str(line.subscription_id or ""))
            kind = EntryKind.REFUND_TO_BALANCE if line.credit else EntryKind.CHARGE
            rows.append({"tenant": run.tenant_id, "account": item.account_id, "kind": kind.value,
                         "amount_minor": line.signed.minor, "booked_on": run.business_date,
                         "description": f"{line.description} ({line.period})", "source_type": source[0],
                         "source_id": source[1], "actor_label": ACTOR, "idempotency_key": f"{key}#{n}",
                         "created_at": now})
            deltas[item.account_id] = deltas.get(item.account_id, 0) + line.signed.minor
    await bulk.insert_rows(LedgerEntry, rows)
    await bulk.add_to_column(Account, run.tenant_id, "balance_minor", deltas)


async def _subscriptions(run: RunInputs, items: list[Committed]) -> None:
    updates = [u for item in items for u in item.outcome.updates]
    if not updates:
        return
    plain, other = [], []
    for update in updates:
        (plain if set(update.values) == PLAIN_MOVE else other).append(update)
    rows = [(u.subscription_id, u.expected_next_billing_date, u.values["period"].start if u.values["period"] else None,
             u.values["period"].end if u.values["period"] else None, u.values["next_billing_date"],
             u.values["cycle"].value) for u in plain]
    done = set(await bulk.update_rows(Subscription, run.tenant_id,
                                      ["period_start", "period_end", "next_billing_date", "cycle"], rows,
                                      guard="next_billing_date"))
    for update in other:
        values = dict(update.values)
        options = values.pop("options", None)
        changed = await Subscription.update(subs_q._columns(values)).where(
            (Subscription.tenant == run.tenant_id) & (Subscription.id == update.subscription_id)
            & _same_date(update.expected_next_billing_date)).returning(Subscription.id)
        if changed:
            done.add(update.subscription_id)
        if options is not None:
            await subs_q.set_options(run.tenant_id, update.subscription_id, options)
    missing = {u.subscription_id for u in updates} - done
    if missing:
        raise StaleAccount(f"subscription {min(missing)} changed while its day was being closed")
    events = [SubscriptionEvent(tenant=run.tenant_id, subscription=u.subscription_id, business_date=run.business_date,
                                actor_label=ACTOR, kind=e["kind"], from_status=e.get("from_status", ""),
                                to_status=e.get("to_status", ""), reason=e.get("reason", ""),
                                details=json.dumps(e.get("details", {})))
              for u in updates for e in u.events]
    if events:
        await SubscriptionEvent.insert(*events)
    await day_q.mark_changes_applied(run.tenant_id, [c for u in updates for c in u.applied_changes])


def _same_date(expected):
    return Subscription.next_billing_date.is_null() if expected is None else (
        Subscription.next_billing_date == expected)


async def _blocks(run: RunInputs, items: list[Committed]) -> list[BlockChange]:
    changes = []
    for item in items:
        for outcome in item.outcome.blocking:
            block = outcome.action is BlockAction.BLOCK
            reason = "; ".join(outcome.reasons)
            if outcome.subscription_id is None:
                await Client.update({Client.blocked: block}).where(
                    (Client.tenant == run.tenant_id) & (Client.id == item.outcome.client_id))
            else:
                before = await subs_q.get(run.tenant_id, outcome.subscription_id)
                target = Status.BLOCKED if block else Status.ACTIVE
                if target not in TRANSITIONS[Status(before.status)]:
                    continue  # e.g. a subscription being deleted is neither blocked nor unblocked
                await subs_q.update(run.tenant_id, outcome.subscription_id, status=target.value)
                await subs_q.insert_event(run.tenant_id, outcome.subscription_id, business_date=run.business_date,
                                          actor_label=ACTOR, kind="status", from_status=before.status,
                                          to_status=target.value, reason=reason)
            changes.append(BlockChange(item.outcome.client_id, outcome.subscription_id, outcome.action,
                                       outcome.reasons, run.business_date))
    return changes

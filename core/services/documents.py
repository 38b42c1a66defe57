"""Documents: drafts edited and deleted, posting (number, frozen requisites, ledger entries,
e-mail), and correction of posted invoices by credit notes (seed 004)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from core.db.queries import clients as clients_q
from core.db.queries import documents as documents_q
from core.db.queries import ledger as ledger_q
from core.db.queries import sellers as sellers_q
from core.db.queries import subscriptions as subs_q
from core.db.queries import tenants as tenants_q
from core.db.queries.documents import DocumentFilter, DocumentRecord
from core.db.tables import Document, DocumentLine, Subscription
from core.db.transaction import atomic
from core.domain.credit_notes import UnpostedLine, credit_refusal, rebilled_from
from core.domain.documents import Document as DomainDocument
from core.domain.documents import DocumentLine as DomainLine
from core.domain.documents import DocumentStatus, DocumentType, Party, TaxForm
from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money, MoneyError, quantity_from_units, quantity_to_units, unit_price_from_units, \
    unit_price_to_units
from core.domain.periods import Period
from core.domain.pricing import Charge, PriceAdjustment, PricingError, VatRate, base_amount, price_charge
from core.domain.roles import MANAGE_FINANCE, READ
from core.plugins.manager import PluginRegistry
from core.services import audit, document_mail, payments, plugins, tenants
from core.services.actor import Actor
from core.services.document_parties import buyer_party, seller_party
from core.services.errors import Conflict, InvalidInput, NotFound
from core.services.numbering import number_documents

__all__ = ["DocumentFilter", "DocumentView", "LineInput", "search", "get", "create_invoice", "invoice_unbilled",
           "add_line", "update_line", "remove_line", "delete_draft", "post", "credit", "resend"]

CREDITABLE = (DocumentStatus.POSTED.value, DocumentStatus.PAID.value)
SENT = (DocumentStatus.POSTED.value, DocumentStatus.PAID.value, DocumentStatus.CREDITED.value)


@dataclass(frozen=True)
class LineInput:
    """A line a manager writes: ``unit_price`` includes VAT unless ``vat_included`` is False."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = ""
    unit_okei: str = ""
    vat_rate: str = "none"
    discount: Decimal = Decimal(0)
    vat_included: bool = True


@dataclass(frozen=True)
class DocumentView:
    record: DocumentRecord
    lines: list[dict]
    seller: Party
    buyer: Party
    credits: DocumentRecord | None = None
    credit_notes: list[DocumentRecord] = field(default_factory=list)
    subscriptions: list[dict] = field(default_factory=list)
    credit_refusal: str | None = None

    @property
    def charges(self) -> list[dict]:
        return [l for l in self.lines if l["kind"] == "charge"]

    @property
    def adjustments(self) -> list[dict]:
        return [l for l in self.lines if l["kind"] == "adjustment"]

    @property
    def payment_model(self) -> str | None:
        """The payment model of the products the document bills, when they share one (seed 003)."""
        models = {s["payment_model"] for s in self.subscriptions}
        return models.pop() if len(models) == 1 else None

    @property
    def creditable(self) -> bool:
        return self.record.type == DocumentType.INVOICE.value and self.record.status in CREDITABLE \
            and self.credit_refusal is None

    def public(self) -> dict:
        return {**self.record.public(), "seller": self.seller.__dict__, "buyer": self.buyer.__dict__,
                "lines": [_line_public(l, self.record.currency) for l in self.lines],
                "credits": self.credits.public() if self.credits else None,
                "credit_notes": [c.public() for c in self.credit_notes], "subscriptions": [
                    {"id": s["id"], "name": s["name"], "status": s["status"]} for s in self.subscriptions],
                "payment_model": self.payment_model, "creditable": self.creditable,
                "credit_refusal": self.credit_refusal}


def _line_public(line: dict, currency: str) -> dict:
    def money(name: str) -> str:
        return str(Money.from_minor(line[name], currency).amount)

    return {"id": line["id"], "position": line["position"], "kind": line["kind"], "description": line["description"],
            "quantity": str(quantity_from_units(line["quantity_e3"])), "unit": line["unit"],
            "unit_okei": line["unit_okei"], "unit_price": str(unit_price_from_units(line["unit_price_e4"])),
            "discount": money("discount_minor"), "net": money("net_minor"), "vat_rate": line["vat_rate"],
            "vat": money("vat_minor"), "total": money("total_minor"),
            "period_start": line["period_start"].isoformat() if line["period_start"] else None,
            "period_end": line["period_end"].isoformat() if line["period_end"] else None,
            "booked_on": line["booked_on"].isoformat() if line["booked_on"] else None,
            "subscription_id": line["subscription"], "reverses": line["reverses"]}


# -- reading -------------------------------------------------------------------------------------

async def search(actor: Actor, found: DocumentFilter, *, limit: int = 100, offset: int = 0) -> list[DocumentRecord]:
    actor.require(READ)
    return await documents_q.search(actor.tenant_id, found, limit=min(max(limit, 1), 500), offset=max(offset, 0))


async def _record(actor: Actor, document_id: int) -> DocumentRecord:
    found = await documents_q.get(actor.tenant_id, document_id)
    if found is None:
        raise NotFound("document", document_id)
    return found


async def get(actor: Actor, document_id: int) -> DocumentView:
    actor.require(READ)
    record = await _record(actor, document_id)
    lines = await documents_q.lines(actor.tenant_id, document_id)
    seller, buyer = await parties(actor.tenant_id, record)
    credits = await documents_q.get(actor.tenant_id, record.credits_id) if record.credits_id else None
    notes = await documents_q.credit_notes_of(actor.tenant_id, document_id)
    subscriptions = await documents_q.subscriptions_named(
        actor.tenant_id, sorted({l["subscription"] for l in lines if l["subscription"]}))
    refusal = None
    if record.type == DocumentType.INVOICE.value and record.status in CREDITABLE:
        refusal = await _refusal(actor.tenant_id, record, lines)
    return DocumentView(record, lines, seller, buyer, credits, notes, subscriptions, refusal)


async def parties(tenant_id: int, record: DocumentRecord) -> tuple[Party, Party]:
    """The frozen requisites of a posted document; a draft's are the current ones."""
    if record.seller is not None and record.buyer is not None and not record.is_draft:
        return record.seller, record.buyer
    tenant = await tenants_q.by_id(tenant_id)
    seller = await sellers_q.get(tenant_id, record.seller_id) if record.seller_id else None
    client = await clients_q.get(tenant_id, record.client_id)
    return seller_party(seller, tenant.name), buyer_party(client)


# -- drafts --------------------------------------------------------------------------------------

def _priced_row(line: LineInput, currency: str, position: int) -> dict:
    prefix = f"lines[{position - 1}]"
    description = (line.description or "").strip()
    if not description:
        raise InvalidInput.field(f"{prefix}.description", "must not be empty")
    try:
        rate = VatRate(str(line.vat_rate))
    except ValueError:
        raise InvalidInput.field(f"{prefix}.vat_rate", "must be one of 22, 10, 0, none") from None
    try:
        charge = Charge(description, Decimal(line.unit_price), Decimal(line.quantity), currency=currency,
                        vat_rate=rate, vat_included=line.vat_included)
        base = base_amount(charge)
        discount = Money.of(Decimal(line.discount), currency)
        if discount.amount < 0 or discount > base:
            raise InvalidInput.field(f"{prefix}.discount", f"must be between 0 and the line's amount {base}")
        adjustments = [PriceAdjustment(-discount, "discount", "manual")] if discount.amount else []
        priced = price_charge(charge, base, adjustments)
    except (PricingError, MoneyError, ArithmeticError) as exc:
        raise InvalidInput.field(prefix, str(exc)) from None
    if priced.total.amount <= 0:
        raise InvalidInput.field(f"{prefix}.unit_price", "a line must have a positive amount")
    return {"position": position, "kind": "charge", "description": description[:1000],
            "quantity_e3": quantity_to_units(charge.quantity), "unit": line.unit[:16],
            "unit_okei": line.unit_okei[:4], "unit_price_e4": unit_price_to_units(charge.unit_price),
            "discount_minor": discount.minor, "net_minor": priced.net.minor, "vat_rate": rate.value,
            "vat_minor": priced.vat.minor, "total_minor": priced.total.minor}


async def _draft(actor: Actor, document_id: int) -> DocumentRecord:
    actor.require(MANAGE_FINANCE)
    record = await documents_q.get_for_update(actor.tenant_id, document_id)
    if record is None:
        raise NotFound("document", document_id)
    if not record.is_draft:
        raise Conflict(f"document {record.number} is {record.status}: a posted document is corrected by a credit "
                       f"note, never edited or deleted")
    return record


async def _account_of(actor: Actor, client_id: int, currency: str) -> int:
    account = await ledger_q.account_of(actor.tenant_id, client_id, currency)
    if account is None:
        account = await ledger_q.insert_account(actor.tenant_id, client_id, currency)
    return account.id


async def _seller_of(tenant_id: int, client) -> int | None:
    if client.seller_id:
        return client.seller_id
    return next((s.id for s in await sellers_q.list_for(tenant_id) if s.is_default), None)


async def _new_draft(actor: Actor, client_id: int, document_type: DocumentType, *, credits: DocumentRecord | None = None
                     ) -> int:
    client = await clients_q.get(actor.tenant_id, client_id)
    if client is None:
        raise NotFound("client", client_id)
    currency = credits.currency if credits else client.currency
    account_id = credits.account_id if credits and credits.account_id else await _account_of(actor, client_id, currency)
    seller_id = credits.seller_id if credits else await _seller_of(actor.tenant_id, client)
    rows = await Document.insert(Document(
        tenant=actor.tenant_id, type=document_type.value, status=DocumentStatus.DRAFT.value, seller_entity=seller_id,
        client=client_id, account=account_id, issue_date=await tenants.today(actor.tenant_id), currency=currency,
        period_start=credits.period_start if credits else None, period_end=credits.period_end if credits else None,
        credits=credits.id if credits else None, source=f"manual:{actor.label}"[:64])).returning(Document.id)
    return rows[0]["id"]


async def _insert_lines(actor: Actor, document_id: int, account_id: int | None, rows: list[dict]) -> None:
    if rows:
        await DocumentLine.insert(*[DocumentLine(tenant=actor.tenant_id, document=document_id, account=account_id, **r)
                                    for r in rows])


async def _renumber_and_total(tenant_id: int, document_id: int) -> None:
    """Keep a draft's positions consecutive and its totals the sums of its lines."""
    lines = await documents_q.lines(tenant_id, document_id)
    for position, line in enumerate(lines, 1):
        if line["position"] != position:
            await DocumentLine.update({DocumentLine.position: position}).where(
                (DocumentLine.tenant == tenant_id) & (DocumentLine.id == line["id"]))
    charges = [l for l in lines if l["kind"] == "charge"]
    await Document.update({Document.net_minor: sum(l["net_minor"] for l in charges),
                           Document.vat_minor: sum(l["vat_minor"] for l in charges),
                           Document.total_minor: sum(l["total_minor"] for l in charges)}).where(
        (Document.tenant == tenant_id) & (Document.id == document_id))


async def create_invoice(actor: Actor, client_id: int, lines: list[LineInput]) -> DocumentRecord:
    """A draft invoice of lines a manager writes (one-off services, corrections)."""
    actor.require(MANAGE_FINANCE)
    if not lines:
        raise InvalidInput.field("lines", "an invoice needs at least one line")
    client = await clients_q.get(actor.tenant_id, client_id)
    if client is None:
        raise NotFound("client", client_id)
    rows = [_priced_row(line, client.currency, n) for n, line in enumerate(lines, 1)]
    async with atomic():
        document_id = await _new_draft(actor, client_id, DocumentType.INVOICE)
        record = await documents_q.get(actor.tenant_id, document_id)
        await _insert_lines(actor, document_id, record.account_id, rows)
        await _renumber_and_total(actor.tenant_id, document_id)
        created = await documents_q.get(actor.tenant_id, document_id)
        await audit.record(actor, "document.create", "document", document_id, None, created.public())
    return created


async def invoice_unbilled(actor: Actor, client_id: int) -> DocumentRecord:
    """A draft invoice of the client's billing lines that are on no document."""
    actor.require(MANAGE_FINANCE)
    if await clients_q.get(actor.tenant_id, client_id) is None:
        raise NotFound("client", client_id)
    accounts = await ledger_q.accounts_of(actor.tenant_id, client_id)
    pool = await documents_q.unbilled_lines(actor.tenant_id, [a.id for a in accounts])
    if not pool:
        raise Conflict(f"client {client_id} has no unbilled lines")
    currency = {a.id: a.currency for a in accounts}[pool[0]["account"]]
    pool = [l for l in pool if l["account"] == pool[0]["account"]]
    async with atomic():
        document_id = await _new_draft(actor, client_id, DocumentType.INVOICE)
        await Document.update({Document.account: pool[0]["account"], Document.currency: currency}).where(
            (Document.tenant == actor.tenant_id) & (Document.id == document_id))
        claimed = await DocumentLine.update({DocumentLine.document: document_id}).where(
            (DocumentLine.tenant == actor.tenant_id) & DocumentLine.id.is_in([l["id"] for l in pool])
            & DocumentLine.document.is_null()).returning(DocumentLine.id)
        if len(claimed) != len(pool):
            raise Conflict("the unbilled lines changed meanwhile; try again")
        await _renumber_and_total(actor.tenant_id, document_id)
        created = await documents_q.get(actor.tenant_id, document_id)
        await audit.record(actor, "document.create", "document", document_id, None, created.public())
    return created


async def _edited(actor: Actor, record: DocumentRecord, before: dict) -> DocumentRecord:
    await _renumber_and_total(actor.tenant_id, record.id)
    after = await documents_q.get(actor.tenant_id, record.id)
    await audit.record(actor, "document.edit", "document", record.id, before, after.public())
    return after


async def add_line(actor: Actor, document_id: int, line: LineInput) -> DocumentRecord:
    async with atomic():
        record = await _draft(actor, document_id)
        if record.type == DocumentType.CREDIT_NOTE.value:
            raise Conflict("a credit note holds only the lines of the invoice it corrects")
        position = len(await documents_q.lines(actor.tenant_id, document_id)) + 1
        await _insert_lines(actor, document_id, record.account_id, [_priced_row(line, record.currency, position)])
        return await _edited(actor, record, record.public())


async def _line_of(actor: Actor, record: DocumentRecord, line_id: int) -> dict:
    line = next((l for l in await documents_q.lines(actor.tenant_id, record.id) if l["id"] == line_id), None)
    if line is None:
        raise NotFound("line", line_id)
    return line


async def update_line(actor: Actor, document_id: int, line_id: int, line: LineInput) -> DocumentRecord:
    async with atomic():
        record = await _draft(actor, document_id)
        if record.type == DocumentType.CREDIT_NOTE.value:
            raise Conflict("a credit note's lines are those of the invoice; remove the ones not to credit")
        current = await _line_of(actor, record, line_id)
        values = _priced_row(line, record.currency, current["position"])
        await DocumentLine.update({getattr(DocumentLine, k): v for k, v in values.items()}).where(
            (DocumentLine.tenant == actor.tenant_id) & (DocumentLine.id == line_id))
        return await _edited(actor, record, record.public())


async def remove_line(actor: Actor, document_id: int, line_id: int) -> DocumentRecord:
    """Take a line off a draft: a billing line goes back to the unbilled pool, a manual or
    credit-note line is gone."""
    async with atomic():
        record = await _draft(actor, document_id)
        line = await _line_of(actor, record, line_id)
        await _release(actor.tenant_id, [line], record)
        return await _edited(actor, record, record.public())


async def _release(tenant_id: int, lines: list[dict], record: DocumentRecord) -> None:
    billing = [l["id"] for l in lines if l["subscription"] and record.type == DocumentType.INVOICE.value]
    gone = [l["id"] for l in lines if l["id"] not in billing]
    if billing:
        await DocumentLine.update({DocumentLine.document: None, DocumentLine.account: record.account_id}).where(
            (DocumentLine.tenant == tenant_id) & DocumentLine.id.is_in(billing))
    if gone:
        await DocumentLine.delete().where((DocumentLine.tenant == tenant_id) & DocumentLine.id.is_in(gone))


async def delete_draft(actor: Actor, document_id: int) -> None:
    async with atomic():
        record = await _draft(actor, document_id)
        await _release(actor.tenant_id, await documents_q.lines(actor.tenant_id, document_id), record)
        await Document.delete().where((Document.tenant == actor.tenant_id) & (Document.id == document_id))
        await audit.record(actor, "document.delete", "document", document_id, record.public(), None)


# -- posting -------------------------------------------------------------------------------------

def _domain(record: DocumentRecord, lines: list[dict], seller: Party, buyer: Party, issue_date: date,
            number=None) -> DomainDocument:
    currency = record.currency
    return DomainDocument(
        record.id, DocumentType(record.type), record.seller_id or 0, record.client_id, issue_date, currency, seller,
        buyer, tuple(DomainLine(l["description"], quantity_from_units(l["quantity_e3"]),
                                unit_price_from_units(l["unit_price_e4"]), Money.from_minor(l["net_minor"], currency),
                                VatRate(l["vat_rate"]), Money.from_minor(l["vat_minor"], currency),
                                Money.from_minor(l["total_minor"], currency))
                     for l in lines if l["kind"] == "charge"),
        number, record.period_start, record.period_end, TaxForm(record.form) if record.form else None)


def _entries(record: DocumentRecord, lines: list[dict], on: date) -> list[Entry]:
    """The ledger entries a posted invoice or credit note makes: one per charge line."""
    kind = EntryKind.CREDIT_NOTE if record.type == DocumentType.CREDIT_NOTE.value else EntryKind.CHARGE
    source = ("document", str(record.id))
    return [Entry(kind, Money.from_minor(abs(l["total_minor"]), record.currency), on,
                  f"{l['description']} ({record.type} {record.id})"[:1000], source)
            for l in lines if l["kind"] == "charge" and l["total_minor"]]


async def post(actor: Actor, registry: PluginRegistry, document_id: int) -> DocumentRecord:
    """Post a draft: it takes its number, freezes the requisites, books its lines in the
    ledger and is queued for e-mail, all in one transaction. A credit note also resets the
    billing of the subscriptions it credits and marks a wholly credited invoice."""
    hooks, context = await plugins.tenant_context(registry, actor.tenant_id)
    async with atomic():
        record = await _draft(actor, document_id)
        lines = await documents_q.lines(actor.tenant_id, document_id)
        if not any(l["kind"] == "charge" for l in lines):
            raise InvalidInput.field("lines", "a document needs at least one line to be posted")
        if record.type == DocumentType.CREDIT_NOTE.value:
            invoice = await documents_q.get_for_update(actor.tenant_id, record.credits_id)
            if invoice.status not in CREDITABLE:
                raise Conflict(f"invoice {invoice.number} is {invoice.status} and can no longer be credited")
            reversed_ids = [l["reverses"] for l in lines if l["reverses"]]
            if refusal := await _refusal(actor.tenant_id, invoice, [
                    l for l in await documents_q.lines(actor.tenant_id, invoice.id) if l["id"] in reversed_ids]):
                raise Conflict(refusal)
        seller, buyer = await parties(actor.tenant_id, record)
        on = context.today
        [number] = await number_documents(hooks, context, [_domain(record, lines, seller, buyer, on)])
        now = datetime.now(timezone.utc)
        await Document.update({
            Document.status: DocumentStatus.POSTED.value, Document.number_series: number.series,
            Document.number: number.sequence, Document.number_text: number.text, Document.issue_date: on,
            Document.seller: documents_q.party(seller.__dict__), Document.buyer: documents_q.party(buyer.__dict__),
            Document.posted_at: now}).where((Document.tenant == actor.tenant_id) & (Document.id == document_id))
        if entries := _entries(record, lines, on):
            account = await ledger_q.account(actor.tenant_id, record.account_id)
            await ledger_q.insert_entries(actor.tenant_id, account, entries, actor_label=actor.label,
                                          idempotency_key=f"document:{document_id}")
        if record.type == DocumentType.CREDIT_NOTE.value:
            await _after_credit(actor, invoice, lines, on)
        elif record.type == DocumentType.INVOICE.value and record.account_id:
            await payments.settle(actor.tenant_id, [record.account_id])
        await document_mail.queue(actor.tenant_id, [document_id], actor.label)
        posted = await documents_q.get(actor.tenant_id, document_id)
        await audit.record(actor, "document.post", "document", document_id, record.public(), posted.public())
    await hooks.notify("saldo_document_posted", tenant=context,
                       document=_domain(posted, lines, seller, buyer, on, number))
    return posted


# -- credit notes --------------------------------------------------------------------------------

async def _refusal(tenant_id: int, invoice: DocumentRecord, lines: list[dict]) -> str | None:
    subscription_ids = sorted({l["subscription"] for l in lines if l["subscription"]})
    latest = await documents_q.latest_invoices_of_subscriptions(tenant_id, subscription_ids)
    unposted = [UnpostedLine(l["subscription"], l["description"], l["document"])
                for l in await documents_q.unposted_lines_of_subscriptions(tenant_id, subscription_ids)
                if l["document_type"] != DocumentType.CREDIT_NOTE.value]
    return credit_refusal(invoice.id, latest, unposted)


async def credit(actor: Actor, document_id: int, line_ids: list[int] | None = None) -> DocumentRecord:
    """A draft credit note reversing the whole invoice or its chosen lines (seed 004): only
    the latest invoice of each subscription, and only when none of them has billing lines
    waiting to be posted. Posting the credit note moves the money and rebills the periods."""
    actor.require(MANAGE_FINANCE)
    async with atomic():
        invoice = await documents_q.get_for_update(actor.tenant_id, document_id)
        if invoice is None:
            raise NotFound("document", document_id)
        if invoice.type != DocumentType.INVOICE.value or invoice.status not in CREDITABLE:
            raise Conflict(f"only a posted invoice can be credited; document {invoice.number or invoice.id} is "
                           f"a {invoice.status} {invoice.type}")
        charges = [l for l in await documents_q.lines(actor.tenant_id, document_id) if l["kind"] == "charge"]
        if line_ids is not None:
            unknown = sorted(set(line_ids) - {l["id"] for l in charges})
            if unknown:
                raise InvalidInput.field("line_ids", f"line {unknown[0]} is not a line of invoice {invoice.number}")
            charges = [l for l in charges if l["id"] in set(line_ids)]
        taken = await documents_q.reversed_line_ids(actor.tenant_id, [l["id"] for l in charges])
        charges = [l for l in charges if l["id"] not in taken]
        if not charges:
            raise Conflict(f"the lines of invoice {invoice.number} are credited already (or on a credit note draft)")
        if refusal := await _refusal(actor.tenant_id, invoice, charges):
            raise Conflict(refusal)
        note_id = await _new_draft(actor, invoice.client_id, DocumentType.CREDIT_NOTE, credits=invoice)
        await DocumentLine.insert(*[DocumentLine(
            tenant=actor.tenant_id, document=note_id, account=invoice.account_id, reverses=l["id"], position=n,
            kind="charge", description=l["description"], quantity_e3=l["quantity_e3"], unit=l["unit"],
            unit_okei=l["unit_okei"], unit_price_e4=l["unit_price_e4"], discount_minor=-l["discount_minor"],
            net_minor=-l["net_minor"], vat_rate=l["vat_rate"], vat_minor=-l["vat_minor"],
            total_minor=-l["total_minor"], period_start=l["period_start"], period_end=l["period_end"],
            subscription=l["subscription"]) for n, l in enumerate(charges, 1)])
        await _renumber_and_total(actor.tenant_id, note_id)
        note = await documents_q.get(actor.tenant_id, note_id)
        await audit.record(actor, "document.credit", "document", note_id, None, note.public())
    return note


async def _after_credit(actor: Actor, invoice: DocumentRecord, note_lines: list[dict], on: date) -> None:
    """Mark a wholly credited invoice and send its subscriptions back to the credited periods."""
    invoice_lines = [l for l in await documents_q.lines(actor.tenant_id, invoice.id) if l["kind"] == "charge"]
    posted_reversals = await DocumentLine.select(DocumentLine.reverses).where(
        (DocumentLine.tenant == actor.tenant_id) & DocumentLine.reverses.is_in([l["id"] for l in invoice_lines] or [0])
        & (DocumentLine.document.status != DocumentStatus.DRAFT.value))
    if {r["reverses"] for r in posted_reversals} | {l["reverses"] for l in note_lines} >= {
            l["id"] for l in invoice_lines}:
        await Document.update({Document.status: DocumentStatus.CREDITED.value}).where(
            (Document.tenant == actor.tenant_id) & (Document.id == invoice.id))
    periods: dict[int, list[Period]] = {}
    for line in note_lines:
        if line["subscription"] and line["period_start"] and line["period_end"]:
            periods.setdefault(line["subscription"], []).append(Period(line["period_start"], line["period_end"]))
    if not periods:
        return
    models = {r["id"]: r["model"] for r in await Subscription.select(
        Subscription.id, Subscription.product.payment_model.as_alias("model")).where(
        (Subscription.tenant == actor.tenant_id) & Subscription.id.is_in(list(periods)))}
    for subscription_id, credited in sorted(periods.items()):
        period, next_billing = rebilled_from(models.get(subscription_id, "prepaid"), credited)
        await subs_q.update(actor.tenant_id, subscription_id, period=period, next_billing_date=next_billing)
        await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=on, actor_label=actor.label,
                                  kind="rebill", reason=f"invoice {invoice.number} credited",
                                  details={"period_start": period.start, "period_end": period.end,
                                           "next_billing_date": next_billing})


async def resend(actor: Actor, document_id: int) -> None:
    await document_mail.resend(actor, document_id)

"""Rendering documents: the template context, the HTML and the PDF.

A document is rendered with the tenant's own template when it has one, else with the
shipped one (``core/documents/templates``), in a sandboxed Jinja2 environment: templates
see plain dicts and strings and cannot reach Python internals. PDFs of posted documents
are cached in ``DocumentFile`` under a fingerprint of the template and the document's
status; they are made by WeasyPrint in a pool of worker processes, off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from types import TracebackType

import segno
from jinja2 import FileSystemLoader, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from core.db.queries import clients as clients_q
from core.db.queries import document_files as files_q
from core.db.queries import document_templates as templates_q
from core.db.queries import documents as documents_q
from core.db.queries import sellers as sellers_q
from core.db.queries.documents import DocumentFilter, DocumentRecord
from core.documents import STYLESHEET, TEMPLATES
from core.documents import pdf as pdf_engine
from core.domain.amount_words import amount_in_words
from core.domain.documents import Document, DocumentLine, DocumentNumber, DocumentType, Party, TaxForm
from core.domain.documents import merge_contexts
from core.domain.money import Money, format_number, quantity_from_units, unit_price_from_units
from core.domain.payment_qr import PaymentDetails, PaymentQrError, qr_payload
from core.domain.pricing import VatRate
from core.plugins.aio import await_me_maybe
from core.plugins.manager import PluginRegistry
from core.services import plugins, tenants
from core.services.document_parties import buyer_party, seller_party
from core.services.errors import InvalidInput, NotFound
from core.settings import get_settings

PDF = "application/pdf"
logger = logging.getLogger("saldo.documents")
MAIL_TEMPLATES = ("mail_subject", "mail_body")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")
# ISO 4217 code -> (name, numeric code, short form after an amount); line (7) of a счёт-фактура.
CURRENCIES = {"RUB": ("Российский рубль", "643", "руб."), "USD": ("Доллар США", "840", "долл. США"),
              "EUR": ("Евро", "978", "евро")}
TITLES = {"invoice": "Счёт на оплату", "act": "Акт об оказании услуг", "tax_invoice": "Счёт-фактура",
          "upd": "Универсальный передаточный документ", "credit_note": "Кредит-нота"}


# The context.

@dataclass(frozen=True)
class Sources:
    """What a document's context is built from: read from the database, or made up for a
    template preview when the tenant has no document yet."""

    record: DocumentRecord
    seller: Party
    buyer: Party
    lines: list[dict]  # document_line rows (charges and adjustments), with subscription_name
    tenant_name: str
    credits: DocumentRecord | None = None  # the invoice a credit note corrects
    shipping: DocumentRecord | None = None  # the act a счёт-фактура accompanies


def template_name(record: DocumentRecord) -> str:
    """The template of a document: its type's, or ``upd`` for a tax document issued as an УПД."""
    if record.type == DocumentType.TAX_INVOICE.value and record.form in (TaxForm.UPD1.value, TaxForm.UPD2.value):
        return "upd"
    return record.type


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _long_day(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year} г."


def _amount(minor: int, shown_positive: bool = False) -> str:
    return format_number("ru", Decimal(abs(minor) if shown_positive else minor).scaleb(-2))


def _rate_label(rate: str) -> str:
    return "без НДС" if rate == VatRate.NONE.value else f"{rate}%"


def _reference(record: DocumentRecord | None) -> dict | None:
    if record is None:
        return None
    return {"id": record.id, "title": TITLES[template_name(record)], "number": record.number,
            "date": _day(record.issue_date)}


def _line(row: dict, shown_positive: bool) -> dict:
    return {"position": row["position"], "description": row["description"],
            "quantity": format_number("ru", quantity_from_units(row["quantity_e3"]), 0, 3),
            "unit": row["unit"], "unit_okei": row["unit_okei"],
            "price": format_number("ru", unit_price_from_units(row["unit_price_e4"]), 2, 4),
            "discount": _amount(row["discount_minor"], shown_positive) if row["discount_minor"] else "",
            "net": _amount(row["net_minor"], shown_positive), "vat_rate": _rate_label(row["vat_rate"]),
            "vat": _amount(row["vat_minor"], shown_positive) if row["vat_rate"] != VatRate.NONE.value else "без НДС",
            "total": _amount(row["total_minor"], shown_positive), "period_start": _day(row["period_start"]),
            "period_end": _day(row["period_end"]), "subscription_id": row["subscription"]}


def _adjustment(position: int, row: dict) -> dict:
    increase = row["total_minor"] > 0
    return {"position": position, "description": row["description"], "amount": _amount(row["total_minor"]),
            "arrow": "▲" if increase else "▼", "increase": increase, "date": _day(row["booked_on"])}


def _vat_label(charges: list[dict]) -> str:
    rates = sorted({row["vat_rate"] for row in charges if row["vat_rate"] != VatRate.NONE.value},
                   key=lambda rate: -int(rate))
    if not rates:
        return "Без налога (НДС)"
    return "В т.ч. НДС (" + ", ".join(f"{rate} %" for rate in rates) + ")"


def build(sources: Sources) -> dict:
    """The core variables of a document's templates (see ``document_templates.VARIABLES``).

    Amounts are written as in Russian documents («1 234,56»). A credit note shows the
    amounts it credits, without their minus sign.
    """
    record = sources.record
    credit_note = record.type == DocumentType.CREDIT_NOTE.value
    charges = [row for row in sources.lines if row["kind"] == "charge"]
    adjustments = [row for row in sources.lines if row["kind"] == "adjustment"]
    currency_name, currency_code, currency_short = CURRENCIES.get(record.currency,
                                                                  (record.currency, "", record.currency))
    total = Money(abs(record.total.amount) if credit_note else record.total.amount, record.currency)
    subscriptions: dict[int, dict] = {}
    for row in charges:
        if row["subscription"] and row["subscription"] not in subscriptions:
            subscriptions[row["subscription"]] = {"id": row["subscription"], "name": row["subscription_name"] or "",
                                                  "status": row["subscription_status"] or ""}
    name = template_name(record)
    document = {
        "id": record.id, "title": TITLES[name], "type": record.type, "form": record.form,
        "upd_status": {"upd1": "1", "upd2": "2"}.get(record.form, ""), "status": record.status,
        "is_draft": record.is_draft, "number": record.number, "date": _day(record.issue_date),
        "date_long": _long_day(record.issue_date), "period_start": _day(record.period_start),
        "period_end": _day(record.period_end), "currency": record.currency, "currency_name": currency_name,
        "currency_code": currency_code, "currency_short": currency_short,
        "net": _amount(record.net.minor, credit_note), "vat": _amount(record.vat.minor, credit_note),
        "total": _amount(record.total.minor, credit_note),
        "lines_total": _amount(sum(row["total_minor"] for row in charges), credit_note),
        "line_count": len(charges), "has_vat": any(row["vat_rate"] != VatRate.NONE.value for row in charges),
        "vat_label": _vat_label(charges), "amount_in_words": amount_in_words(total),
    }
    context = {"tenant": {"name": sources.tenant_name}, "document": document, "seller": asdict(sources.seller),
               "buyer": asdict(sources.buyer), "lines": [_line(row, credit_note) for row in charges],
               "adjustments": [_adjustment(n, row) for n, row in enumerate(adjustments, 1)],
               "subscriptions": list(subscriptions.values()), "credits": _reference(sources.credits),
               "shipping_document": _reference(sources.shipping),
               "payment_qr_payload": "", "payment_qr_svg": "", "payment_purpose": ""}
    if record.type == DocumentType.INVOICE.value:
        context |= _payment(record, sources.seller, total)
    return context


def _payment(record: DocumentRecord, seller: Party, total: Money) -> dict:
    """The payment purpose and, when the seller has bank details and the invoice is in
    roubles, the QR code of ГОСТ Р 56042-2014 that fills in the payment in a bank app."""
    number = f"№ {record.number} " if record.number else ""
    purpose = f"Оплата по счёту {number}от {_day(record.issue_date)}"
    try:
        payload = qr_payload(PaymentDetails(seller.name, seller.settlement_account, seller.bank_name, seller.bik,
                                            seller.correspondent_account, seller.inn, seller.kpp, purpose, total))
    except PaymentQrError:
        return {"payment_purpose": purpose}
    return {"payment_purpose": purpose, "payment_qr_payload": payload, "payment_qr_svg": Markup(_qr_svg(payload))}


@lru_cache(maxsize=256)
def _qr_svg(payload: str) -> str:
    return segno.make(payload, error="m", micro=False).svg_inline(scale=3, omitsize=False)


async def _record(tenant_id: int, document_id: int) -> DocumentRecord:
    record = await documents_q.get(tenant_id, document_id)
    if record is None:
        raise NotFound("document", document_id)
    return record


async def _sources(tenant_id: int, record: DocumentRecord) -> Sources:
    tenant = await tenants.get(tenant_id)
    seller, buyer = record.seller, record.buyer
    if record.is_draft or seller is None or buyer is None:  # drafts show the current requisites
        current = await sellers_q.get(tenant_id, record.seller_id) if record.seller_id else None
        seller = seller_party(current, tenant.name)
        buyer = buyer_party(await clients_q.get(tenant_id, record.client_id))
    credits = await documents_q.get(tenant_id, record.credits_id) if record.credits_id else None
    return Sources(record, seller, buyer, await documents_q.lines(tenant_id, record.id), tenant.name, credits,
                   await _shipping(tenant_id, record))


async def _shipping(tenant_id: int, record: DocumentRecord) -> DocumentRecord | None:
    """The act a счёт-фактура accompanies: the client's act of the same seller and period."""
    if template_name(record) != DocumentType.TAX_INVOICE.value:
        return None
    acts = await documents_q.search(tenant_id, DocumentFilter(type=DocumentType.ACT.value, client_id=record.client_id,
                                                              period_from=record.issue_date,
                                                              period_to=record.issue_date))
    return next((a for a in acts if (a.seller_id, a.period_start, a.period_end, a.account_id)
                 == (record.seller_id, record.period_start, record.period_end, record.account_id)), None)


async def _plugin_variables(registry: PluginRegistry, tenant_id: int, sources: Sources) -> dict:
    """What the tenant's plugins add through ``saldo_document_context``, merged."""
    hooks, tenant = await plugins.tenant_context(registry, tenant_id)
    record = sources.record
    series, sequence = await files_q.number_parts(tenant_id, record.id)
    charges = [row for row in sources.lines if row["kind"] == "charge"]
    document = Document(
        record.id, DocumentType(record.type), record.seller_id or 0, record.client_id, record.issue_date,
        record.currency, sources.seller, sources.buyer,
        tuple(DocumentLine(row["description"], quantity_from_units(row["quantity_e3"]),
                           unit_price_from_units(row["unit_price_e4"]),
                           Money.from_minor(row["net_minor"], record.currency), VatRate(row["vat_rate"]),
                           Money.from_minor(row["vat_minor"], record.currency),
                           Money.from_minor(row["total_minor"], record.currency)) for row in charges),
        DocumentNumber(series, sequence, record.number) if sequence else None, record.period_start,
        record.period_end, TaxForm(record.form) if record.form else None)
    results = [await await_me_maybe(result)
               for result in hooks.hook.saldo_document_context(tenant=tenant, document=document)]
    return merge_contexts(results)


async def _variables(tenant_id: int, record: DocumentRecord, registry: PluginRegistry | None) -> dict:
    sources = await _sources(tenant_id, record)
    core = build(sources)
    if registry is None:
        return core
    return await _plugin_variables(registry, tenant_id, sources) | core


async def context(tenant_id: int, document_id: int, *, registry: PluginRegistry | None = None) -> dict:
    """The variables a document's templates see: the core's (``build``), merged over what
    the tenant's plugins add when ``registry`` is given; a plugin never overrides a core
    variable. NotFound for another tenant's document."""
    return await _variables(tenant_id, await _record(tenant_id, document_id), registry)


# Templates.

def _environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    # Shipped templates are reachable by name, so a tenant's own may extend base.html or
    # import parts.html; the loader refuses paths outside the templates folder.
    # Immutable: templates cannot change the lists and dicts they are given either. HTML
    # drops the blank lines of block tags; text keeps every character as written.
    return ImmutableSandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), autoescape=autoescape,
                                         auto_reload=False, trim_blocks=autoescape, lstrip_blocks=autoescape,
                                         keep_trailing_newline=not autoescape)


_HTML = _environment(autoescape=True)
_TEXT = _environment(autoescape=False)  # the e-mail's subject and body


def _env(name: str) -> ImmutableSandboxedEnvironment:
    return _TEXT if name in MAIL_TEMPLATES else _HTML


@lru_cache(maxsize=None)
def shipped_source(name: str) -> str:
    return (TEMPLATES / f"{name}.{'txt' if name in MAIL_TEMPLATES else 'html'}").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def stylesheet() -> Markup:
    """The shared stylesheet, for HTML shown in a browser (``stylesheet`` in base.html); PDFs
    get it parsed once per worker instead."""
    return Markup(STYLESHEET.read_text(encoding="utf-8"))


async def template_source(tenant_id: int, name: str) -> str:
    """The tenant's own version of a template, else the shipped one."""
    return await templates_q.get(tenant_id, name) or shipped_source(name)


def _template_line(traceback: TracebackType | None) -> int | None:
    """The line of the rendered source where an error was raised (Jinja rewrites the
    traceback so the template's frames carry its line numbers)."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def template_error(exc: Exception) -> InvalidInput:
    """A template that does not parse or fails to render, with the line when it is known."""
    line = exc.lineno if isinstance(exc, TemplateSyntaxError) else _template_line(exc.__traceback__)
    if isinstance(exc, TemplateNotFound):
        message = f"there is no template {exc.name!r} to include"
    else:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    where = f"line {line}: " if line else ""
    return InvalidInput(f"template error: {where}{message}", [{"field": "source", "message": f"{where}{message}",
                                                              "line": line}])


def check(name: str, source: str) -> None:
    """Parse ``source`` as the template ``name``; InvalidInput naming the line if it does not."""
    try:
        _env(name).parse(source)
    except TemplateSyntaxError as exc:
        raise template_error(exc) from None


@lru_cache(maxsize=64)
def _compiled(name: str, source: str):
    return _env(name).from_string(source)


def render(name: str, source: str, variables: dict) -> str:
    """Render ``source`` as the template ``name`` in the sandbox; InvalidInput with the line
    when it fails."""
    try:
        return _compiled(name, source).render(variables)
    except Exception as exc:  # any error of the template's own expressions
        raise template_error(exc) from None


async def html(tenant_id: int, document_id: int, source: str | None = None, *,
               registry: PluginRegistry | None = None) -> str:
    """The document as a standalone HTML page (its stylesheet inlined), rendered with
    ``source`` when given, else with the tenant's template or the shipped one."""
    record = await _record(tenant_id, document_id)
    name = template_name(record)
    source = source if source is not None else await template_source(tenant_id, name)
    return render(name, source, await _variables(tenant_id, record, registry) | {"stylesheet": stylesheet()})


# PDF.

_SHARED_SOURCES = ("base.html", "parts.html", "tax_invoice_table.html", "documents.css")


@lru_cache(maxsize=1)
def _shared_digest() -> str:
    return hashlib.sha256(b"".join((TEMPLATES / n).read_bytes() for n in _SHARED_SOURCES)).hexdigest()


def fingerprint(source: str, status: str) -> str:
    """What a cached PDF was made from: the template (with the shipped parts it builds on)
    and the document's status. A changed template or a posted draft renders anew."""
    return hashlib.sha256(f"{_shared_digest()}\0{status}\0{source}".encode()).hexdigest()


async def pdf(tenant_id: int, document_id: int, *, registry: PluginRegistry | None = None) -> bytes:
    """The document as a PDF: the cached one while it is current, else rendered in the worker
    pool and cached (drafts are rendered each time and never cached)."""
    record = await _record(tenant_id, document_id)
    key, page = await _page(tenant_id, record, registry)
    if not record.is_draft:
        cached = await files_q.cached(tenant_id, document_id, PDF)
        if cached is not None and cached["fingerprint"] == key:
            return bytes(cached["content"])
    [content] = await render_all([await page()])
    if not record.is_draft:
        await files_q.store(tenant_id, document_id, PDF, key, content)
    return content


async def _page(tenant_id: int, record: DocumentRecord, registry: PluginRegistry | None):
    """The fingerprint of the document's PDF, and how to make the page it is printed from."""
    name = template_name(record)
    source = await template_source(tenant_id, name)

    async def page() -> str:
        return render(name, source, await _variables(tenant_id, record, registry) | {"stylesheet": ""})

    return fingerprint(source, record.status), page


async def prerender(tenant_id: int, *, registry: PluginRegistry | None = None, limit: int = 20) -> int:
    """Render and cache the PDFs of up to ``limit`` of the tenant's posted documents that have
    none yet, oldest first, across the worker pool, so that downloads and e-mails find them
    ready. A document whose template fails is logged and skipped. Returns how many were rendered."""
    jobs = []
    for document_id in await files_q.missing(tenant_id, PDF, limit):
        record = await _record(tenant_id, document_id)
        try:
            key, page = await _page(tenant_id, record, registry)
            jobs.append((record.id, key, await page()))
        except Exception:
            logger.exception("document %s of tenant %s: its PDF cannot be made", document_id, tenant_id)
    contents = await render_all([page for *_, page in jobs]) if jobs else []
    for (document_id, key, _), content in zip(jobs, contents):
        await files_q.store(tenant_id, document_id, PDF, key, content)
    return len(jobs)


_pool: ProcessPoolExecutor | None = None


def workers() -> int:
    """Processes rendering PDFs: the ``pdf_workers`` setting (a WeasyPrint worker holds some 100 MB)."""
    return get_settings().pdf_workers


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn: the workers start clean instead of forking a process with an event loop,
        # database connections and their threads.
        _pool = ProcessPoolExecutor(max_workers=workers(), mp_context=multiprocessing.get_context("spawn"))
    return _pool


def shutdown() -> None:
    """Stop the worker processes (a later rendering starts them again)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


async def render_all(pages: list[str]) -> list[bytes]:
    """PDFs of HTML pages, in order: the pages are split into one batch per worker and each
    batch is rendered by ``pdf.render_many`` in the pool."""
    if not pages:
        return []
    loop = asyncio.get_running_loop()
    size = -(-len(pages) // workers())
    batches = [pages[start:start + size] for start in range(0, len(pages), size)]
    try:
        done = await asyncio.gather(*(loop.run_in_executor(_executor(), pdf_engine.render_many, batch)
                                      for batch in batches))
    except BrokenProcessPool:
        shutdown()  # a worker died (out of memory…): the next call starts a fresh pool
        raise
    return [content for batch in done for content in batch]

"""Tenants' own document and e-mail templates: listing, editing, resetting and previewing.

A tenant's version of a template replaces the shipped one for its documents from then on
(cached PDFs are made anew, see ``document_render.fingerprint``). Templates are Jinja2,
rendered in a sandbox; ``VARIABLES`` lists what they can use.
"""

from __future__ import annotations

import hashlib
from datetime import date

from core.db.queries import document_templates as templates_q
from core.db.queries import documents as documents_q
from core.db.queries.documents import DocumentFilter, DocumentRecord
from core.db.transaction import atomic
from core.domain.documents import Party
from core.domain.money import Money
from core.domain.roles import MANAGE_TENANT, READ
from core.plugins.manager import PluginRegistry
from core.services import audit, document_render, tenants
from core.services.actor import Actor
from core.services.errors import InvalidInput, NotFound

TEMPLATE_NAMES = ("invoice", "act", "tax_invoice", "upd", "credit_note", "mail_subject", "mail_body")
MAX_SOURCE_BYTES = 200 * 1024

_PARTY_FIELDS = [
    ("name", "name"), ("inn", "ИНН"), ("kpp", "КПП (empty for an ИП)"), ("address", "legal address"),
    ("ogrn", "ОГРН / ОГРНИП"), ("bank_name", "bank"), ("bik", "БИК of the bank"),
    ("correspondent_account", "correspondent account of the bank"), ("settlement_account", "settlement account"),
    ("director_name", "director (signs the documents)"), ("chief_accountant_name", "chief accountant"),
]

VARIABLES: list[tuple[str, str]] = [
    ("tenant.name", "the tenant's name"),
    ("document.id", "the document's id"),
    ("document.title", "the title: «Счёт на оплату», «Акт об оказании услуг», «Счёт-фактура», "
                       "«Универсальный передаточный документ», «Кредит-нота»"),
    ("document.type", "invoice, act, tax_invoice or credit_note"),
    ("document.form", "of a tax document: sf (счёт-фактура), upd1 or upd2 (УПД with status 1 or 2); else empty"),
    ("document.upd_status", "«1» or «2» for an УПД, else empty"),
    ("document.status", "draft, posted, paid, credited or cancelled"),
    ("document.is_draft", "true for a draft (it has no number yet)"),
    ("document.number", "the number as printed (empty on a draft)"),
    ("document.date", "the issue date, dd.mm.yyyy"),
    ("document.date_long", "the issue date in words: «1 марта 2026 г.»"),
    ("document.period_start", "the first day of the period billed, dd.mm.yyyy (may be empty)"),
    ("document.period_end", "the last day of the period billed, dd.mm.yyyy (may be empty)"),
    ("document.currency", "the ISO 4217 code: RUB"),
    ("document.currency_name", "the currency's name: «Российский рубль»"),
    ("document.currency_code", "the currency's numeric code: «643»"),
    ("document.currency_short", "the currency after an amount: «руб.»"),
    ("document.net", "the amount without VAT, «1 000,00»"),
    ("document.vat", "the VAT, «220,00»"),
    ("document.total", "the amount with VAT, «1 220,00» (a credit note: the amount credited)"),
    ("document.lines_total", "the sum of the lines before an act's adjustments"),
    ("document.line_count", "how many lines the document has"),
    ("document.has_vat", "true when a line bears VAT"),
    ("document.vat_label", "«В т.ч. НДС (22 %)», or «Без налога (НДС)» when no line bears VAT"),
    ("document.amount_in_words", "the total in words: «Одна тысяча двести двадцать рублей 00 копеек»"),
    *[(f"seller.{field}", f"the seller's {text}") for field, text in _PARTY_FIELDS],
    *[(f"buyer.{field}", f"the buyer's {text}") for field, text in _PARTY_FIELDS],
    ("lines", "the lines (charges), in order; each has the fields below"),
    ("line.position", "the line's number on the document"),
    ("line.description", "what was provided"),
    ("line.quantity", "the quantity, «1» or «1,5»"),
    ("line.unit", "the unit («мес.»), may be empty"),
    ("line.unit_okei", "the unit's ОКЕИ code, may be empty"),
    ("line.price", "the unit price, «3 100,00»"),
    ("line.discount", "the discount given, empty when none"),
    ("line.net", "the amount without VAT"),
    ("line.vat_rate", "«22%», «10%», «0%» or «без НДС»"),
    ("line.vat", "the VAT amount, or «без НДС»"),
    ("line.total", "the amount with VAT"),
    ("line.period_start", "the first day the line bills, dd.mm.yyyy (may be empty)"),
    ("line.period_end", "the last day the line bills, dd.mm.yyyy (may be empty)"),
    ("line.subscription_id", "the subscription the line bills, if any"),
    ("adjustments", "an act's other movements of the balance in its period; each has the fields below"),
    ("adjustment.position", "the adjustment's number"),
    ("adjustment.description", "what it was"),
    ("adjustment.amount", "how it moved the balance, «-500,00» when it lowered it"),
    ("adjustment.arrow", "▲ when it raised the balance, ▼ when it lowered it"),
    ("adjustment.increase", "true when it raised the balance"),
    ("adjustment.date", "when it was booked, dd.mm.yyyy"),
    ("subscriptions", "the subscriptions the lines bill: each with id, name and status"),
    ("credits", "of a credit note: the document it corrects, with id, title, number and date"),
    ("shipping_document", "of a счёт-фактура: the act it accompanies (id, title, number, date), if found"),
    ("payment_purpose", "of an invoice: «Оплата по счёту № N от DATE»"),
    ("payment_qr_payload", "of an invoice: the text of its payment QR code (ГОСТ Р 56042-2014), "
                           "when the seller has bank details and the invoice is in roubles"),
    ("payment_qr_svg", "of an invoice: that QR code as an inline SVG image"),
    ("stylesheet", "the shipped stylesheet (base.html inlines it in HTML; PDFs apply it themselves)"),
]


def _known(name: str) -> None:
    if name not in TEMPLATE_NAMES:
        raise NotFound("template", name)


def _checked(name: str, source: str) -> None:
    if len(source.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise InvalidInput.field("source", f"is larger than {MAX_SOURCE_BYTES // 1024} kB")
    document_render.check(name, source)


async def listing(actor: Actor) -> list[dict]:
    """Every template with whether the tenant has its own version, and when it was saved."""
    actor.require(READ)
    saved = await templates_q.names(actor.tenant_id)
    return [{"name": name, "overridden": name in saved, "updated_at": saved.get(name)} for name in TEMPLATE_NAMES]


async def source(actor: Actor, name: str) -> str:
    """The tenant's version of a template, or the shipped one."""
    actor.require(READ)
    _known(name)
    return await document_render.template_source(actor.tenant_id, name)


def _digest(text: str | None) -> dict | None:
    """What the audit log keeps of a template: its size and hash (the source itself can be large)."""
    if text is None:
        return None
    return {"bytes": len(text.encode("utf-8")), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


async def save(actor: Actor, name: str, source: str) -> None:
    """Keep the tenant's own version of a template. A source that does not parse (the error
    names its line) or is larger than 200 kB is refused and changes nothing."""
    actor.require(MANAGE_TENANT)
    _known(name)
    _checked(name, source)
    async with atomic():
        before = await templates_q.get(actor.tenant_id, name)
        await templates_q.save(actor.tenant_id, name, source, actor.label)
        await audit.record(actor, "document_template.save", "document_template", name, _digest(before),
                           _digest(source))


async def reset(actor: Actor, name: str) -> None:
    """Go back to the shipped template (nothing happens when the tenant has no version of its own)."""
    actor.require(MANAGE_TENANT)
    _known(name)
    async with atomic():
        before = await templates_q.get(actor.tenant_id, name)
        if before is not None and await templates_q.delete(actor.tenant_id, name):
            await audit.record(actor, "document_template.reset", "document_template", name, _digest(before), None)


async def preview(actor: Actor, name: str, source: str, document_id: int | None = None, *,
                  registry: PluginRegistry | None = None) -> str:
    """``source`` rendered as the template ``name``: with the document ``document_id``, else
    the tenant's latest document the template is for, else a sample document. Nothing is
    saved; a template error is an InvalidInput naming the line."""
    actor.require(READ)
    _known(name)
    _checked(name, source)
    if document_id is None:
        document_id = await _latest(actor.tenant_id, name)
    if document_id is not None:
        variables = await document_render.context(actor.tenant_id, document_id, registry=registry)
    else:
        variables = document_render.build(await _sample(actor.tenant_id, name))
    if name not in document_render.MAIL_TEMPLATES:
        variables |= {"stylesheet": document_render.stylesheet()}
    return document_render.render(name, source, variables)


async def _latest(tenant_id: int, name: str) -> int | None:
    """The tenant's latest document that the template ``name`` renders (any, for the e-mail)."""
    mail = name in document_render.MAIL_TEMPLATES
    kind = None if mail else ("tax_invoice" if name == "upd" else name)
    for record in await documents_q.search(tenant_id, DocumentFilter(type=kind), limit=50):
        if mail or document_render.template_name(record) == name:
            return record.id
    return None


# The sample document a template is previewed with while the tenant has none.

_SAMPLE_DAY = date(2026, 3, 31)
_SAMPLE_SELLER = Party("ООО «Образец»", "7700000001", "770001001", "г. Москва, ул. Примерная, д. 1", "1027700000001",
                       "ПАО «Банк»", "044525000", "30101810400000000225", "40702810000000000001", "Иванов И. И.",
                       "Петрова П. П.")
_SAMPLE_BUYER = Party("ООО «Покупатель»", "7800000002", "780001001", "г. Санкт-Петербург, Невский пр., д. 2")
_SAMPLE_TYPES = {"upd": ("tax_invoice", "upd1"), "tax_invoice": ("tax_invoice", "sf"),
                 "mail_subject": ("invoice", ""), "mail_body": ("invoice", "")}


def _sample_line(position: int, kind: str, description: str, total_minor: int, vat_rate: str = "none",
                 booked_on: date | None = None) -> dict:
    vat = total_minor * 22 // 122 if vat_rate == "22" else 0
    charge = kind == "charge"
    return {"position": position, "kind": kind, "description": description, "quantity_e3": 1000 if charge else 0,
            "unit": "мес." if charge else "", "unit_okei": "362" if charge else "",
            "unit_price_e4": abs(total_minor) * 100 if charge else 0, "discount_minor": 0,
            "net_minor": total_minor - vat, "vat_rate": vat_rate, "vat_minor": vat, "total_minor": total_minor,
            "period_start": _SAMPLE_DAY.replace(day=1) if charge else None,
            "period_end": _SAMPLE_DAY if charge else None, "booked_on": booked_on,
            "subscription": 1 if charge else None, "subscription_name": "Хостинг «Старт»" if charge else None,
            "subscription_status": "active" if charge else None}


async def _sample(tenant_id: int, name: str) -> document_render.Sources:
    kind, form = _SAMPLE_TYPES.get(name, (name, ""))
    sign = -1 if kind == "credit_note" else 1
    lines = [_sample_line(1, "charge", "Хостинг «Старт»", sign * 122000, "22")]
    if kind == "act":
        lines.append(_sample_line(2, "adjustment", "Перерасчёт за простой", 12200, booked_on=_SAMPLE_DAY))
    charged = sum(line["total_minor"] for line in lines if line["kind"] == "charge")
    total = charged - sum(line["total_minor"] for line in lines if line["kind"] == "adjustment")
    vat = sum(line["vat_minor"] for line in lines)

    def record(type_: str, number: str, total_minor: int, vat_minor: int, form_: str = "") -> DocumentRecord:
        return DocumentRecord(0, type_, "posted", None, 0, None, number, _SAMPLE_DAY, _SAMPLE_DAY.replace(day=1),
                              _SAMPLE_DAY, "RUB", Money.from_minor(total_minor - vat_minor),
                              Money.from_minor(vat_minor), Money.from_minor(total_minor), "sample", None, form_)

    tenant = await tenants.get(tenant_id)
    credits = record("invoice", "СЧ-2026-00041", -charged, -vat) if kind == "credit_note" else None
    return document_render.Sources(record(kind, "2026-00042", total, vat, form), _SAMPLE_SELLER, _SAMPLE_BUYER, lines,
                                   tenant.name, credits)

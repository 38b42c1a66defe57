"""Documents rendered to HTML and PDF from the day close's real documents: what the PDFs say,
the payment QR code, the PDF cache, tenants' own templates and the sandbox they run in."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
import segno
from pypdf import PdfReader

from core.db.tables import AuditEvent, DocumentFile, Product
from core.domain.roles import VIEWER
from core.hookspecs import hookimpl
from core.plugins.meta import PluginMeta
from core.plugins.testing import declared_plugin
from core.domain.money import Money
from core.services import day_close, document_render, document_templates, documents, ledger, sellers, subscriptions
from core.services.actor import Actor
from core.services.documents import DocumentFilter, LineInput
from core.services.errors import Forbidden, InvalidInput, NotFound
from tests.web.test_subscriptions import customer, on_day, product

SELLER = {"name": "ООО «Облако»", "inn": "7707083893", "kpp": "773601001",
          "legal_address": "г. Москва, ул. Тверская, 1", "bank_name": "АО «АЛЬФА-БАНК»", "bik": "044525593",
          "correspondent_account": "30101810200000000593", "settlement_account": "40702810502080001823",
          "director_name": "Иванов И. И.", "chief_accountant_name": "Петрова П. П."}


@pytest.fixture(scope="module", autouse=True)
def _stop_the_render_pool():
    yield
    document_render.shutdown()


async def _month(tenant, plugin_registry, *, vat_status="vat22", tax_document="tax_invoice", adjust=None):
    """A seller, a client with hosting at 1220.00 a month (VAT 22 % included) from 1 March, the
    close of 1 March (the invoice), a manual adjustment ``adjust`` on 15 March, and the close
    of 31 March (the act and its tax document)."""
    await sellers.create(tenant.actor, **SELLER, vat_status=vat_status, tax_document=tax_document)
    hosting = await product(tenant, "Хостинг «Старт»", {"monthly": "1220"})
    await Product.update({Product.vat_rate: "22" if vat_status == "vat22" else "none"}).where(Product.id == hosting)
    client = await customer(tenant)
    await on_day(tenant, date(2026, 3, 1))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=hosting, cycle="monthly")
    await subscriptions.change_status(tenant.actor, sub.id, "active")
    await on_day(tenant, date(2026, 3, 2))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 1))
    if adjust:
        await on_day(tenant, date(2026, 3, 15))
        [account] = await ledger.accounts_of(tenant.actor, client.id)
        proposed = await ledger.propose_adjustment(tenant.actor, account.id, Money.of(adjust), "Перерасчёт за простой")
        await ledger.confirm_adjustment(tenant.actor, proposed.id)
    await on_day(tenant, date(2026, 4, 1))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 31))
    found = {d.type: d for d in await documents.search(tenant.actor, DocumentFilter())}
    assert set(found) == {"invoice", "act", "tax_invoice"}
    return client, found


def _domain() -> LineInput:
    return LineInput("Домен", quantity=Decimal("1"), unit_price=Decimal("500"))


def _text(content: bytes) -> str:
    """The PDF's text, with no-break spaces (between thousands) as plain spaces."""
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\xa0", " ")


def _drawing(content: bytes) -> bytes:
    page = PdfReader(io.BytesIO(content)).pages[0]
    return page.get_contents().get_data()


async def test_the_act_and_the_tax_invoice_say_who_what_and_how_much(make_tenant, plugin_registry):
    tenant = await make_tenant()
    _, found = await _month(tenant, plugin_registry, adjust="-100.00")
    act, tax_invoice = found["act"], found["tax_invoice"]
    assert (act.total, tax_invoice.total) == (Money.of("1320.00"), Money.of("1220.00"))

    text = _text(await document_render.pdf(tenant.id, act.id, registry=plugin_registry))
    assert f"Акт об оказании услуг № {act.number} от 31 марта 2026 г." in text
    assert "за период с 01.03.2026 по 31.03.2026" in text
    assert "ООО «Облако», ИНН 7707083893, КПП 773601001" in text
    assert "ООО «Фабрика Бизнеса», ИНН 7708305901, КПП 770801001" in text
    assert "Хостинг «Старт»" in text and "1 220,00" in text
    assert "1 Перерасчёт за простой ▼ -100,00 15.03.2026" in text  # it lowered the balance: the act's sum grows
    assert "Услуги: 1 220,00" in text
    assert "Итого: 1 320,00" in text and "В т.ч. НДС (22 %): 220,00" in text
    assert "Всего оказано услуг 1, на сумму 1 320,00 руб." in text
    assert "Одна тысяча триста двадцать рублей 00 копеек" in text
    assert "Иванов И. И." in text

    text = _text(await document_render.pdf(tenant.id, tax_invoice.id))
    assert f"Счёт-фактура № {tax_invoice.number} от 31.03.2026" in text
    assert "7707083893/773601001" in text and "7708305901/770801001" in text
    assert f"№ п/п 1–1 № {act.number} от 31.03.2026" in text  # (5а): the act it accompanies
    assert "Российский рубль, 643" in text
    assert re.search(r"Всего к оплате \(9\) 1 000,00 X 220,00 1 220,00", text)


async def test_the_invoice_has_the_bank_block_and_the_payment_qr_code(make_tenant, plugin_registry):
    tenant = await make_tenant()
    _, found = await _month(tenant, plugin_registry)
    invoice = found["invoice"]

    context = await document_render.context(tenant.id, invoice.id)
    payload = ("ST00012|Name=ООО «Облако»|PersonalAcc=40702810502080001823|BankName=АО «АЛЬФА-БАНК»|BIC=044525593|"
               f"CorrespAcc=30101810200000000593|PayeeINN=7707083893|KPP=773601001|"
               f"Purpose=Оплата по счёту № {invoice.number} от 01.03.2026|Sum=122000")
    assert context["payment_qr_payload"] == payload
    assert context["payment_purpose"] == f"Оплата по счёту № {invoice.number} от 01.03.2026"
    svg = segno.make(payload, error="m", micro=False).svg_inline(scale=3, omitsize=False)
    assert context["payment_qr_svg"] == svg
    assert svg in await document_render.html(tenant.id, invoice.id)

    content = await document_render.pdf(tenant.id, invoice.id)
    text = _text(content)
    assert "Образец заполнения платёжного поручения" in text
    assert "АО «АЛЬФА-БАНК»" in text and "044525593" in text and "40702810502080001823" in text
    assert f"Счёт на оплату № {invoice.number} от 1 марта 2026 г." in text
    assert "Всего к оплате: 1 220,00" in text and "Одна тысяча двести двадцать рублей 00 копеек" in text
    # The QR code is drawn as vector paths: its first row of modules, "M4 4.5h7" in the SVG.
    first = re.search(r'd="M(\d+) ([\d.]+)h(\d+)', svg)
    x, y, run = int(first[1]), first[2], int(first[3])
    assert f"{x} {y} m\n{x + run} {y} l".encode() in _drawing(content)


async def test_a_seller_without_vat_issues_an_upd_with_status_2(make_tenant, plugin_registry):
    tenant = await make_tenant()
    _, found = await _month(tenant, plugin_registry, vat_status="no_vat", tax_document="upd")
    upd, act = found["tax_invoice"], found["act"]
    assert upd.form == "upd2"
    page = await document_render.html(tenant.id, upd.id)
    assert "Универсальный передаточный документ" in page and "Статус: 2" in page
    assert f"Счёт-фактура № {upd.number} от 31.03.2026" in page
    assert "без НДС" in page
    page = await document_render.html(tenant.id, act.id)
    assert "Без налога (НДС):" in page and "В т.ч. НДС" not in page


async def test_a_pdf_is_cached_until_its_template_changes(make_tenant, plugin_registry, monkeypatch):
    tenant = await make_tenant()
    _, found = await _month(tenant, plugin_registry)
    act = found["act"]
    rendered = []
    render_all = document_render.render_all

    async def counted(pages):
        rendered.append(len(pages))
        return await render_all(pages)

    monkeypatch.setattr(document_render, "render_all", counted)
    first = await document_render.pdf(tenant.id, act.id)
    again = await document_render.pdf(tenant.id, act.id)
    assert again == first and rendered == [1]
    [stored] = await DocumentFile.select(DocumentFile.fingerprint, DocumentFile.media_type).where(
        DocumentFile.document == act.id)
    assert stored == {"fingerprint": document_render.fingerprint(document_render.shipped_source("act"), "posted"),
                      "media_type": "application/pdf"}

    own = document_render.shipped_source("act").replace("<h2>Услуги</h2>", "<h2>Услуги по договору № 7-Х</h2>")
    await document_templates.save(tenant.actor, "act", own)
    changed = await document_render.pdf(tenant.id, act.id)
    assert changed != first and rendered == [1, 1]
    assert "Услуги по договору № 7-Х" in _text(changed)
    assert await document_render.pdf(tenant.id, act.id) == changed and rendered == [1, 1]
    assert await DocumentFile.count().where(DocumentFile.document == act.id) == 1

    await document_templates.reset(tenant.actor, "act")
    assert await document_templates.source(tenant.actor, "act") == document_render.shipped_source("act")
    assert "Услуги по договору" not in await document_render.html(tenant.id, act.id)
    actions = await AuditEvent.select(AuditEvent.action, AuditEvent.object_id).where(
        AuditEvent.tenant == tenant.id).where(AuditEvent.object_type == "document_template").order_by(AuditEvent.id)
    assert actions == [{"action": "document_template.save", "object_id": "act"},
                       {"action": "document_template.reset", "object_id": "act"}]


async def test_a_draft_is_rendered_with_current_requisites_and_never_cached(make_tenant, plugin_registry):
    tenant = await make_tenant()
    await sellers.create(tenant.actor, **SELLER, vat_status="vat22")
    client = await customer(tenant)
    await on_day(tenant, date(2026, 5, 12))
    draft = await documents.create_invoice(tenant.actor, client.id, [
        LineInput("Настройка сервера", quantity=Decimal("2"), unit_price=Decimal("610"), unit="шт", unit_okei="796",
                  vat_rate="22")])
    text = _text(await document_render.pdf(tenant.id, draft.id))
    assert "Черновик" in text.replace("\n", "") or "ЧЕРНОВИК" in text.upper()
    assert "Счёт на оплату № б/н от 12 мая 2026 г." in text
    assert "ООО «Фабрика Бизнеса», ИНН 7708305901, КПП 770801001" in text and "1 220,00" in text
    assert await DocumentFile.count().where(DocumentFile.document == draft.id) == 0
    context = await document_render.context(tenant.id, draft.id)
    assert context["payment_purpose"] == "Оплата по счёту от 12.05.2026"
    assert context["lines"][0] | {"description": ""} == {
        "position": 1, "description": "", "quantity": "2", "unit": "шт", "unit_okei": "796", "price": "610,00",
        "discount": "", "net": "1\xa0000,00", "vat_rate": "22%", "vat": "220,00", "total": "1\xa0220,00",
        "period_start": "", "period_end": "", "subscription_id": None}


async def test_a_credit_note_names_its_invoice_and_shows_the_amounts_credited(make_tenant, plugin_registry):
    tenant = await make_tenant()
    await sellers.create(tenant.actor, **SELLER, vat_status="vat22")
    client = await customer(tenant)
    await on_day(tenant, date(2026, 5, 12))
    draft = await documents.create_invoice(tenant.actor, client.id, [
        LineInput("Настройка сервера", quantity=Decimal("2"), unit_price=Decimal("610"), vat_rate="22")])
    invoice = await documents.post(tenant.actor, plugin_registry, draft.id)
    note = await documents.post(tenant.actor, plugin_registry, (await documents.credit(tenant.actor, invoice.id)).id)
    assert note.total == -invoice.total
    context = await document_render.context(tenant.id, note.id)
    assert context["credits"] == {"id": invoice.id, "title": "Счёт на оплату", "number": invoice.number,
                                  "date": "12.05.2026"}
    assert (context["document"]["total"], context["document"]["vat"], context["lines"][0]["total"]) == (
        "1\xa0220,00", "220,00", "1\xa0220,00")
    assert context["document"]["amount_in_words"] == "Одна тысяча двести двадцать рублей 00 копеек"
    page = await document_render.html(tenant.id, note.id)
    assert f"Кредит-нота № {note.number} от 12 мая 2026 г." in page
    assert f"Корректировочный документ к документу «Счёт на оплату» № {invoice.number} от 12.05.2026" in page
    assert "Итого к уменьшению:" in page and "-1\xa0220" not in page


async def test_a_template_that_does_not_parse_is_refused_with_its_line_and_changes_nothing(make_tenant):
    tenant = await make_tenant()
    broken = "<p>Акт</p>\n{% if document.number %}\n<b>{{ document.number }</b>\n{% endif %}\n"
    with pytest.raises(InvalidInput, match="line 3") as refused:
        await document_templates.save(tenant.actor, "act", broken)
    assert refused.value.fields[0]["line"] == 3
    with pytest.raises(InvalidInput, match="line 3"):
        await document_templates.preview(tenant.actor, "act", broken)
    assert await document_templates.source(tenant.actor, "act") == document_render.shipped_source("act")
    assert [t["overridden"] for t in await document_templates.listing(tenant.actor)] == [False] * 7
    assert await AuditEvent.count().where((AuditEvent.tenant == tenant.id)
                                          & (AuditEvent.object_type == "document_template")) == 0
    with pytest.raises(InvalidInput, match="200 kB"):
        await document_templates.save(tenant.actor, "act", "x" * (200 * 1024 + 1))
    with pytest.raises(NotFound):
        await document_templates.save(tenant.actor, "contract", "<p>Договор</p>")
    viewer = Actor(tenant.id, "user", VIEWER, 0, "viewer")
    with pytest.raises(Forbidden):
        await document_templates.save(viewer, "act", "<p>Акт</p>")
    with pytest.raises(Forbidden):
        await document_templates.reset(viewer, "act")


async def test_templates_run_in_a_sandbox(make_tenant):
    tenant = await make_tenant()
    shown = await document_templates.preview(tenant.actor, "act", "[{{ document.__class__ }}][{{ lines.pop }}]")
    assert shown == "[][]"
    escape = "<p>{{ document.title }}</p>\n{{ ''.__class__.__mro__[1].__subclasses__() }}"
    with pytest.raises(InvalidInput, match="line 2: access to attribute '__class__' of 'str' object is unsafe"):
        await document_templates.preview(tenant.actor, "act", escape)
    with pytest.raises(InvalidInput, match="unsafe"):
        await document_templates.preview(tenant.actor, "mail_body", "{{ cycler.__init__.__globals__.os }}")
    with pytest.raises(InvalidInput, match="there is no template '../../settings.py'"):
        await document_templates.preview(tenant.actor, "act", '{% include "../../settings.py" %}')
    # Values are escaped in HTML, not in the e-mail's text.
    assert await document_templates.preview(tenant.actor, "act", "{{ buyer.name }}") == "ООО «Покупатель»"
    assert await document_templates.preview(tenant.actor, "act", "{{ '<b>' }}") == "&lt;b&gt;"
    assert await document_templates.preview(tenant.actor, "mail_subject", "{{ '<b>' }}") == "<b>"


async def test_a_preview_uses_the_given_or_latest_document_or_a_sample(make_tenant, plugin_registry):
    tenant = await make_tenant()
    sample = await document_templates.preview(tenant.actor, "invoice", document_render.shipped_source("invoice"))
    assert "Счёт на оплату № 2026-00042" in sample and "ООО «Образец»" in sample and "<svg" in sample
    assert "Статус: 1" in await document_templates.preview(tenant.actor, "upd", "Статус: {{ document.upd_status }}")

    _, found = await _month(tenant, plugin_registry, tax_document="upd")
    subject = document_render.shipped_source("mail_subject")
    latest = await document_templates.preview(tenant.actor, "mail_subject", subject)
    tax = found["tax_invoice"]
    assert latest == f"Универсальный передаточный документ № {tax.number} от 31.03.2026\n"
    chosen = await document_templates.preview(tenant.actor, "mail_subject", subject, found["invoice"].id)
    assert chosen == f"Счёт на оплату № {found['invoice'].number} от 01.03.2026\n"
    body = await document_templates.preview(tenant.actor, "mail_body", document_render.shipped_source("mail_body"),
                                            found["invoice"].id)
    assert body.startswith("Здравствуйте, ООО «Фабрика Бизнеса»!\n")
    assert "на сумму 1\xa0220,00 руб." in body and "Документ приложен к письму в формате PDF." in body
    assert (await document_templates.preview(tenant.actor, "act", "{{ document.number }}")) == found["act"].number


async def test_plugins_add_variables_but_never_replace_the_cores(make_tenant, plugin_registry, register_plugin):
    tenant = await make_tenant()
    client = await customer(tenant)
    await on_day(tenant, date(2026, 5, 12))
    draft = await documents.create_invoice(tenant.actor, client.id, [_domain()])
    seen = []

    def extras(self, tenant, document):
        seen.append((tenant.id, document.id, document.type.value, len(document.lines)))
        return {"contract": "Договор № 7-Х", "document": "hijacked"}

    meta = PluginMeta(id="contract_terms", name="Contract", version="1.0", description="Adds the contract.",
                      level="global")
    register_plugin(declared_plugin(meta, saldo_document_context=hookimpl(extras)))
    context = await document_render.context(tenant.id, draft.id, registry=plugin_registry)
    assert context["contract"] == "Договор № 7-Х" and context["document"]["total"] == "500,00"
    assert seen == [(tenant.id, draft.id, "invoice", 1)]
    page = await document_render.html(tenant.id, draft.id, "{{ contract }} / {{ document.title }}",
                                      registry=plugin_registry)
    assert page == "Договор № 7-Х / Счёт на оплату"
    assert "contract" not in await document_render.context(tenant.id, draft.id)


async def test_another_tenants_document_is_not_found(make_tenant):
    tenant, other = await make_tenant(), await make_tenant()
    client = await customer(other)
    await on_day(other, date(2026, 5, 12))
    theirs = await documents.create_invoice(other.actor, client.id, [_domain()])
    for render in (document_render.context, document_render.html, document_render.pdf):
        with pytest.raises(NotFound):
            await render(tenant.id, theirs.id)
    with pytest.raises(NotFound):
        await document_templates.preview(tenant.actor, "invoice", "{{ document.number }}", theirs.id)


async def test_posted_documents_get_their_pdfs_in_the_background_and_are_then_served_from_the_cache(
        make_tenant, plugin_registry, monkeypatch):
    tenant = await make_tenant()
    client, found = await _month(tenant, plugin_registry)
    draft = await documents.create_invoice(tenant.actor, client.id, [LineInput("Настройка", Decimal("1"),
                                                                               Decimal("500"))])
    assert await document_render.prerender(tenant.id, limit=2) == 2
    assert await document_render.prerender(tenant.id, limit=2) == 1
    assert await document_render.prerender(tenant.id, limit=2) == 0  # every posted document has its PDF; drafts none
    stored = {r["document"] for r in await DocumentFile.select(DocumentFile.document).where(
        DocumentFile.tenant == tenant.id)}
    assert stored == {d.id for d in found.values()} and draft.id not in stored

    async def no_rendering(pages):
        raise AssertionError("the cached PDF should have been served")

    monkeypatch.setattr(document_render, "render_all", no_rendering)
    content = await document_render.pdf(tenant.id, found["act"].id)
    assert content.startswith(b"%PDF") and "Акт" in _text(content)

"""The «Документы» pages through the test client: the list and its filters, seed 003's act
view (general facts, charges, subscriptions, adjustments ▲/▼), a manual invoice written,
edited, posted and credited through the forms (seed 004), refusals shown with their reason,
the unbilled lines of a deleted draft invoiced again, what a viewer sees, and the template
editor with its preview."""

from __future__ import annotations

import re
from datetime import date

from core.db.tables import Document, DocumentTemplate
from core.domain.money import Money
from core.services import day_close, document_templates, ledger, tenants
from tests.web.billing_pages import signed_in, staff
from tests.web.test_api_day_close import due_vps
from tests.web.test_subscriptions import balance, on_day

NBSP = "\u00a0"


async def closed_invoice(tenant, registry, email="buh@fabrika.ru"):
    """A VPS billed by the day close of 10 March 2026: a posted invoice of 2200.00."""
    buyer, sub = await due_vps(tenant, email=email)
    await day_close.close_day(tenant.actor, registry, date(2026, 3, 10), mode="auto")
    [invoice] = await Document.select(Document.id).where((Document.tenant == tenant.id)
                                                         & (Document.client == buyer.id))
    return buyer, sub, invoice["id"]


async def act_with_adjustments(tenant, registry):
    """Seed 003: the March act of the VPS (22 days, 2200.00) with the month's adjustments, ▲ 500.00
    on 15 March and ▼ 300.00 on 20 March; the act's amount is 2200 − 500 + 300 = 2000.00."""
    buyer, sub, _ = await closed_invoice(tenant, registry)
    [account] = await ledger.accounts_of(tenant.actor, buyer.id)
    for day, amount, reason in ((15, "500", "Компенсация простоя"), (20, "-300", "Доплата за трафик")):
        await on_day(tenant, date(2026, 3, day))
        proposed = await ledger.propose_adjustment(tenant.actor, account.id, Money.of(amount), reason)
        await ledger.confirm_adjustment(tenant.actor, proposed.id)
    await on_day(tenant, date(2026, 4, 1))
    await day_close.close_day(tenant.actor, registry, date(2026, 3, 31), mode="auto")
    [act] = await Document.select(Document.id).where((Document.tenant == tenant.id) & (Document.type == "act"))
    return buyer, sub, act["id"]


def section(html: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the end of its section or table."""
    start = html.index(f'id="{element_id}"')
    ends = [i for i in (html.find("</section>", start), html.find("</table>", start)) if i != -1]
    return html[start:min(ends)]


async def test_the_act_view_shows_seed_003s_groups(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, sub, act_id = await act_with_adjustments(tenant, plugin_registry)
    await signed_in(client, tenant)

    page = await client.get(f"/documents/{act_id}")
    assert page.status_code == 200
    html = page.text
    assert "Акт № 1 от 31.03.2026" in html and 'class="nav-documents active"' in html
    general = section(html, "document-facts")
    assert buyer.display_name in general and f"2{NBSP}000,00 RUB" in general  # with the adjustments
    assert "Предоплата" in general and "Проведён" in general
    assert re.search(r'id="period-start">01\.03\.2026<', general) and re.search(r'id="period-end">31\.03\.2026<', general)

    charges = section(html, "charges-table")
    assert charges.count('<tr class="line') == 1
    assert "VPS buh@fabrika.ru" in charges and "10.03.2026 – 31.03.2026" in charges
    assert f"3{NBSP}100,00" in charges and f">2{NBSP}200,00<" in charges
    assert re.search(r'class="num nowrap line-quantity">1 шт<', charges)  # the product's unit

    subscriptions = section(html, "subscriptions-table")
    assert f'data-subscription="{sub.id}"' in subscriptions and "Активная" in subscriptions

    adjustments = section(html, "adjustments-table")
    assert "Компенсация простоя" in adjustments and "▲ 500,00" in adjustments and "15.03.2026" in adjustments
    assert "Доплата за трафик" in adjustments and "▼ -300,00" in adjustments and "20.03.2026" in adjustments

    actions = section(html, "document-actions")
    assert f'href="/documents/{act_id}/pdf"' in actions and 'id="resend-form"' in actions
    assert 'id="post-form"' not in html and 'id="delete-form"' not in html and 'id="credit-form"' not in html
    assert "Поставлено в очередь" in section(html, "deliveries")  # posting queued its e-mail

    english = await client.get(f"/documents/{act_id}", params={"lang": "en"})
    assert "Act No. 1 of 2026-03-31" in english.text and "Prepaid" in english.text
    assert "▲ 500.00" in english.text and "Balance changed by" in english.text

    pdf = await client.get(f"/documents/{act_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("attachment;")


async def test_the_list_filters_by_type_status_client_and_period(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, _, act_id = await act_with_adjustments(tenant, plugin_registry)
    other, _ = await due_vps(tenant, email="two@fabrika.ru")  # the clock goes back to 11 March
    draft = await client_draft(client, await signed_in(client, tenant), other.id)
    [invoice] = await Document.select(Document.id).where((Document.client == buyer.id)
                                                         & (Document.type == "invoice"))

    def rows(page):
        assert page.status_code == 200, page.text
        return [int(i) for i in re.findall(r'<tr class="document [^"]*" data-document="(\d+)"', page.text)]

    listed = await client.get("/documents")
    assert rows(listed) == [act_id, draft, invoice["id"]]  # by issue date, the newest first
    assert "Черновик" in listed.text and f"2{NBSP}000,00" in listed.text and "Акт" in listed.text
    assert rows(await client.get("/documents", params={"type": "act"})) == [act_id]
    assert rows(await client.get("/documents", params={"status": "draft"})) == [draft]
    assert rows(await client.get("/documents", params={"from": "2026-03-11", "to": "2026-03-30"})) == [draft]
    assert rows(await client.get("/documents", params={"from": "2026-03-31"})) == [act_id]
    by_number = await client.get("/documents", params={"client": str(buyer.id)})
    assert rows(by_number) == [act_id, invoice["id"]]
    assert f'id="chosen-client" data-client="{buyer.id}"' in by_number.text
    assert rows(await client.get("/documents", params={"client": "two@fabrika"})) == [draft]

    several = await client.get("/documents", params={"client": "Фабрика"})
    assert rows(several) == [] and "несколько клиентов" in several.text
    assert f'href="/documents?client={buyer.id}&amp;' in several.text
    assert f'href="/documents?client={other.id}&amp;' in several.text
    nobody = await client.get("/documents", params={"client": "999999"})
    assert rows(nobody) == [] and "Клиент не найден." in nobody.text
    wrong = await client.get("/documents", params={"from": "31.03.2026"})
    assert wrong.status_code == 422 and '<tr class="document' not in wrong.text
    assert 'id="from-error"' in wrong.text

    client_page = await client.get(f"/clients/{buyer.id}")
    assert f'id="client-documents" href="/documents?client={buyer.id}"' in client_page.text


async def client_draft(client, csrf, client_id) -> int:
    """A draft invoice made through the new-invoice form; returns its id."""
    created = await client.post("/documents", data={
        "_csrf": csrf, "client": str(client_id), "description": "Настройка сервера", "quantity": "1,5",
        "unit_price": "1 000,50", "vat_rate": "22", "discount": "", "vat_included": "1"}, follow_redirects=False)
    assert created.status_code == 303, created.text
    return int(re.fullmatch(r"/documents/(\d+)\?done=documents.created", created.headers["location"]).group(1))


async def test_a_manual_invoice_is_written_edited_posted_and_credited(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, _ = await due_vps(tenant)
    csrf = await signed_in(client, tenant)
    form = await client.get("/documents/new", params={"client_id": buyer.id})
    assert form.status_code == 200 and 'id="invoice-client"' in form.text and buyer.display_name in form.text

    draft_id = await client_draft(client, csrf, buyer.id)
    page = (await client.get(f"/documents/{draft_id}?done=documents.created")).text
    assert "Черновик создан." in page and f"Счёт на оплату: черновик № {draft_id}" in page
    # 1.5 × 1000.50 = 1500.75 including 22 % VAT: 1500.75 × 22 / 122 = 270.63.
    assert f">1{NBSP}500,75<" in section(page, "charges-table") and "270,63" in page
    assert 'id="post-form"' in page and 'id="delete-form"' in page and 'id="line-form"' in page

    added = await client.post(f"/documents/{draft_id}/lines", data={
        "_csrf": csrf, "description": "Лицензия", "quantity": "2", "unit_price": "100", "vat_rate": "none",
        "discount": "10", "vat_included": "1"}, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].endswith("done=documents.line_added")
    lines = re.findall(r'<tr class="line[^"]*" data-line="(\d+)"', (await client.get(f"/documents/{draft_id}")).text)
    assert len(lines) == 2

    editing = await client.get(f"/documents/{draft_id}", params={"edit": lines[1]})
    line_form = section(editing.text, "line-form-title")
    assert f'action="/documents/{draft_id}/lines/{lines[1]}"' in line_form and 'value="Лицензия"' in line_form
    refused = await client.post(f"/documents/{draft_id}/lines/{lines[1]}", data={
        "_csrf": csrf, "description": "Лицензия", "quantity": "два", "unit_price": "100", "vat_rate": "none"})
    assert refused.status_code == 422 and "Исправьте ошибки в форме." in refused.text
    assert 'id="quantity-error"' in refused.text
    saved = await client.post(f"/documents/{draft_id}/lines/{lines[1]}", data={
        "_csrf": csrf, "description": "Лицензия", "quantity": "3", "unit_price": "100", "vat_rate": "none",
        "discount": "0", "vat_included": "1"})
    assert saved.status_code == 200 and "Строка сохранена." in saved.text
    assert f"1{NBSP}800,75" in section(saved.text, "document-facts")  # 1500.75 + 300.00

    removed = await client.post(f"/documents/{draft_id}/lines/{lines[1]}/delete", data={"_csrf": csrf})
    assert "Строка удалена." in removed.text and f"1{NBSP}500,75" in section(removed.text, "document-facts")

    posted = await client.post(f"/documents/{draft_id}/post", data={"_csrf": csrf}, follow_redirects=False)
    assert posted.headers["location"] == f"/documents/{draft_id}?done=documents.posted"
    page = (await client.get(posted.headers["location"])).text
    assert "Документ проведён." in page and "Проведён" in section(page, "document-facts")
    assert await balance(tenant, buyer.id) == Money.of("-1500.75")
    assert 'id="credit-form"' in page and 'id="line-form"' not in page

    credited = await client.post(f"/documents/{draft_id}/credit", data={"_csrf": csrf, "line_id": lines[0]},
                                 follow_redirects=False)
    note_id = int(re.fullmatch(r"/documents/(\d+)\?done=documents.credit_created",
                               credited.headers["location"]).group(1))
    note = (await client.get(f"/documents/{note_id}")).text
    assert f"Кредит-нота: черновик № {note_id}" in note and f"-1{NBSP}500,75" in note
    assert f'href="/documents/{draft_id}"' in section(note, "credited-invoice")
    await client.post(f"/documents/{note_id}/post", data={"_csrf": csrf})
    assert await balance(tenant, buyer.id) == Money.of("0.00")
    invoice = (await client.get(f"/documents/{draft_id}")).text
    assert "Кредитован" in section(invoice, "document-facts")
    assert f'data-document="{note_id}"' in section(invoice, "credit-notes-table")


async def test_refused_actions_show_their_reason(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, sub, march = await closed_invoice(tenant, plugin_registry)
    csrf = await signed_in(client, tenant)

    deleted = await client.post(f"/documents/{march}/delete", data={"_csrf": csrf})
    assert deleted.status_code == 409
    assert "документ уже проведён: его исправляют кредит-нотой" in deleted.text
    none_ticked = await client.post(f"/documents/{march}/credit", data={"_csrf": csrf})
    assert none_ticked.status_code == 422 and "отметьте строки, которые нужно кредитовать" in none_ticked.text

    await on_day(tenant, date(2026, 4, 2))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 4, 1), mode="auto")
    [april] = await Document.select(Document.number_text).where(
        (Document.tenant == tenant.id) & (Document.issue_date == date(2026, 4, 1)))
    page = await client.get(f"/documents/{march}")
    refusal = section(page.text, "credit-refusal")
    assert "Кредитовать этот счёт сейчас нельзя." in refusal
    assert f"по подписке {sub.id} есть более поздний счёт {april['number_text']}" in refusal
    assert 'id="credit-form"' not in page.text
    assert (await client.post(f"/documents/{march}/post", data={"_csrf": csrf})).status_code == 409
    assert await balance(tenant, buyer.id) == Money.of("-5300.00")


async def test_the_unbilled_lines_of_a_deleted_draft_are_invoiced_again(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    await tenants.update_settings(tenant.actor, rules={"invoice_posting": "draft"})
    buyer, _, draft_id = await closed_invoice(tenant, plugin_registry)
    csrf = await signed_in(client, tenant)
    nothing = await client.post(f"/clients/{buyer.id}/invoice-unbilled", data={"_csrf": csrf})
    assert nothing.status_code == 409 and "у клиента нет невыставленных строк" in nothing.text

    gone = await client.post(f"/documents/{draft_id}/delete", data={"_csrf": csrf}, follow_redirects=False)
    assert gone.headers["location"] == "/documents?done=documents.deleted"
    assert "Черновик удалён." in (await client.get(gone.headers["location"])).text
    invoiced = await client.post(f"/clients/{buyer.id}/invoice-unbilled", data={"_csrf": csrf},
                                 follow_redirects=False)
    new_id = int(re.fullmatch(r"/documents/(\d+)\?done=documents.created", invoiced.headers["location"]).group(1))
    page = (await client.get(f"/documents/{new_id}")).text
    assert "VPS buh@fabrika.ru" in page and f"2{NBSP}200,00" in section(page, "document-facts")


async def test_a_viewer_reads_but_changes_nothing(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, _, invoice_id = await closed_invoice(tenant, plugin_registry)
    viewer = await staff(tenant, "viewer")
    csrf = await signed_in(client, tenant, viewer.email)
    listed = await client.get("/documents")
    assert listed.status_code == 200 and f'data-document="{invoice_id}"' in listed.text
    assert 'id="new-invoice"' not in listed.text
    page = await client.get(f"/documents/{invoice_id}")
    assert page.status_code == 200 and 'id="resend-form"' not in page.text and 'id="credit-form"' not in page.text
    for path in (f"/documents/{invoice_id}/credit", f"/documents/{invoice_id}/resend",
                 f"/clients/{buyer.id}/invoice-unbilled"):
        assert (await client.post(path, data={"_csrf": csrf, "line_id": "1"})).status_code == 403, path
    assert await Document.count().where(Document.tenant == tenant.id) == 1


async def test_another_tenants_document_is_not_found(client, make_tenant, plugin_registry):
    owner = await make_tenant()
    _, _, invoice_id = await closed_invoice(owner, plugin_registry)
    stranger = await make_tenant()
    csrf = await signed_in(client, stranger)
    assert (await client.get(f"/documents/{invoice_id}")).status_code == 404
    assert (await client.get(f"/documents/{invoice_id}/pdf")).status_code == 404
    assert (await client.post(f"/documents/{invoice_id}/credit", data={"_csrf": csrf, "line_id": "1"})
            ).status_code == 404
    assert f'data-document="{invoice_id}"' not in (await client.get("/documents")).text


async def test_the_template_editor_previews_saves_and_resets(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    _, _, invoice_id = await closed_invoice(tenant, plugin_registry)
    csrf = await signed_in(client, tenant)
    number = (await Document.select(Document.number_text).where(Document.id == invoice_id).first())["number_text"]

    listed = await client.get("/documents/templates")
    assert listed.status_code == 200
    assert listed.text.count('<tr data-template="') == len(document_templates.TEMPLATE_NAMES)
    assert "Счёт на оплату" in listed.text and "Исходный" in listed.text

    editor = await client.get("/documents/templates/invoice")
    assert editor.status_code == 200
    shipped = await document_templates.source(tenant.actor, "invoice")
    assert 'id="template-source"' in editor.text and shipped.split("\n")[0].replace('"', "&#34;") in editor.text
    variables = section(editor.text, "variables-table")
    assert "<code>document.number</code>" in variables and "номер, как он печатается" in variables
    assert f'<option value="{invoice_id}">' in editor.text

    preview = await client.post("/documents/templates/invoice/preview", data={
        "_csrf": csrf, "source": "<p>Счёт {{ document.number }} на {{ document.total }}</p>",
        "document_id": str(invoice_id)})
    assert preview.status_code == 200 and preview.headers["content-type"].startswith("text/html")
    assert preview.text == f"<p>Счёт {number} на 2{NBSP}200,00</p>"
    broken = await client.post("/documents/templates/invoice/preview", data={
        "_csrf": csrf, "source": "<p>\n{% if %}</p>", "document_id": ""})
    assert broken.status_code == 422 and broken.json()["error"].startswith("ошибка в шаблоне, строка 2")
    mail = await client.post("/documents/templates/mail_subject/preview", data={
        "_csrf": csrf, "source": "Документ <{{ document.number }}>", "document_id": str(invoice_id)})
    assert mail.text == f'<pre style="white-space: pre-wrap; font: 14px sans-serif">Документ &lt;{number}&gt;</pre>'

    refused = await client.post("/documents/templates/invoice", data={"_csrf": csrf, "source": "{% for %}"})
    assert refused.status_code == 422 and "ошибка в шаблоне, строка 1" in refused.text
    assert await DocumentTemplate.count().where(DocumentTemplate.tenant == tenant.id) == 0

    saved = await client.post("/documents/templates/invoice", data={"_csrf": csrf, "source": "<p>{{ document.number }}</p>"})
    assert saved.status_code == 200 and "Шаблон сохранён." in saved.text and "Своя версия" in saved.text
    assert await document_templates.source(tenant.actor, "invoice") == "<p>{{ document.number }}</p>"
    reset = await client.post("/documents/templates/invoice/reset", data={"_csrf": csrf})
    assert "Восстановлен исходный шаблон." in reset.text
    assert await document_templates.source(tenant.actor, "invoice") == shipped

    viewer = await staff(tenant, "viewer")
    await client.post("/logout", data={"_csrf": csrf})
    viewer_csrf = await signed_in(client, tenant, viewer.email)
    read_only = await client.get("/documents/templates/invoice")
    assert 'id="save-template"' not in read_only.text and "readonly" in read_only.text
    assert (await client.post("/documents/templates/invoice", data={"_csrf": viewer_csrf, "source": "x"})
            ).status_code == 403
    assert (await client.get("/documents/templates/nonsense")).status_code == 404


async def test_the_numbering_is_set_on_its_plugin_page_and_used_at_posting(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    page = await client.get("/plugins/default_numbering")
    assert page.status_code == 200 and 'name="invoice_pattern"' in page.text
    form = {"_csrf": csrf, "invoice_pattern": "{prefix}{yyyy}-{seq:4}", "invoice_prefix": "СЧ-",
            "invoice_reset": "yearly", "seller_formats": ""}
    bad = await client.post("/plugins/default_numbering", data=form | {"invoice_pattern": "{yyyy}"})
    assert bad.status_code == 422 and "{seq}" in bad.text
    saved = await client.post("/plugins/default_numbering", data=form, follow_redirects=False)
    assert saved.status_code == 303
    buyer, _, invoice_id = await closed_invoice(tenant, plugin_registry)
    [posted] = await Document.select(Document.number_text).where(Document.id == invoice_id)
    assert posted["number_text"] == "СЧ-2026-0001"

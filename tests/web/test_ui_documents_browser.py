"""Documents in a real browser (Playwright with Debian's Chromium against uvicorn): a manager
writes a draft invoice from the client's documents, adds a line, posts it and credits it by a
credit note (seed 004); the client's balance moves by exactly the invoice and back. Then an
owner edits the invoice template and watches the live preview follow the typing."""

from __future__ import annotations

from datetime import date

from core.db.tables import Document
from core.domain.money import Money
from core.services import day_close, document_render, document_templates
from tests.web.test_api_day_close import due_vps
from tests.web.test_subscriptions import balance
from tests.web.test_ui_browser import app_server, browser_page, chromium_installed  # noqa: F401  (fixtures)

NBSP = "\u00a0"


async def sign_in(page, url, tenant):
    from playwright.async_api import expect

    await page.goto(f"{url}/login")
    await page.fill("#f-organisation", tenant.slug)
    await page.fill("#f-email", tenant.owner.email)
    await page.fill("#f-password", tenant.password)
    await page.click("button[type=submit]")
    await expect(page.locator("h1.page-title")).to_have_text("Дашборд")


async def test_a_draft_invoice_is_posted_and_credited(app_server, browser_page, make_tenant):  # noqa: F811
    from playwright.async_api import expect

    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())  # «Провести документ?» and the like
    tenant = await make_tenant(name="ООО «Демо Хостинг»")
    buyer, _ = await due_vps(tenant)
    await sign_in(page, app_server.url, tenant)

    # From the client card to its documents, then a new invoice for it.
    await page.goto(f"{app_server.url}/clients/{buyer.id}")
    await page.click("#client-documents")
    await expect(page.locator("#chosen-client")).to_contain_text("ООО «Фабрика Бизнеса»")
    await expect(page.locator("#no-documents")).to_be_visible()
    await page.click("#new-invoice")
    await expect(page.locator("#invoice-client")).to_have_text("ООО «Фабрика Бизнеса»")
    await page.fill("#f-description", "Настройка сервера")
    await page.fill("#f-quantity", "2")
    await page.fill("#f-unit_price", "1 500,50")
    await page.select_option("#f-vat_rate", "22")
    await page.click("#invoice-form button[type=submit]")

    # The draft: 2 × 1500.50 = 3001.00 including VAT 541.16; one more line is added.
    await expect(page.locator(".alert-success")).to_have_text("Черновик создан.")
    await expect(page.locator("#document-status")).to_have_text("Черновик")
    await expect(page.locator("#charges-vat")).to_have_text("541,16")
    await page.fill("#f-description", "Перенос сайта")
    await page.fill("#f-quantity", "1")
    await page.fill("#f-unit_price", "999")
    await page.click("#line-form button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Строка добавлена.")
    await expect(page.locator("#charges-table tr.line")).to_have_count(2)
    await expect(page.locator("#document-total")).to_contain_text(f"4{NBSP}000,00 RUB")
    assert await balance(tenant, buyer.id) == Money.of("0")  # a draft books nothing

    await page.click("#post-form button")
    await expect(page.locator(".alert-success")).to_have_text("Документ проведён.")
    await expect(page.locator("#document-status")).to_have_text("Проведён")
    number = (await page.locator("#document-number").inner_text()).strip()
    assert number and "черновик" not in number
    await expect(page.locator("h1.page-title")).to_contain_text(f"Счёт на оплату № {number}")
    await expect(page.locator("#deliveries-table tr.delivery")).to_have_count(1)
    assert await balance(tenant, buyer.id) == Money.of("-4000.00")

    # Credit both lines: a credit-note draft, posted in its turn.
    await expect(page.locator("#credit-form input[name=line_id]:checked")).to_have_count(2)
    await page.click("#credit-form button[type=submit]")
    await expect(page.locator(".alert-success")).to_contain_text("Черновик кредит-ноты создан.")
    await expect(page.locator("#document-type")).to_have_text("Кредит-нота")
    await expect(page.locator("#document-total")).to_contain_text(f"-4{NBSP}000,00 RUB")
    await expect(page.locator("#credited-invoice")).to_contain_text(number)
    await page.click("#post-form button")
    await expect(page.locator(".alert-success")).to_have_text("Документ проведён.")
    assert await balance(tenant, buyer.id) == Money.of("0.00")

    await page.click("#credited-invoice a")
    await expect(page.locator("#document-status")).to_have_text("Кредитован")
    await expect(page.locator("#credit-notes-table tr[data-document]")).to_have_count(1)
    await expect(page.locator("#credit-form")).to_have_count(0)

    # The list shows both, each with its status.
    await page.click(".sidebar a.nav-documents")
    await expect(page.locator("#documents-table tr.document")).to_have_count(2)
    await expect(page.locator("#documents-table tr.document-credit_note")).to_contain_text("Проведён")
    await expect(page.locator("#documents-table tr.document-invoice")).to_contain_text("Кредитован")


async def test_the_template_preview_follows_the_typing(app_server, browser_page, make_tenant,  # noqa: F811
                                                       plugin_registry):
    from playwright.async_api import expect

    page = browser_page
    tenant = await make_tenant(name="ООО «Демо Хостинг»")
    await due_vps(tenant)
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10), mode="auto")
    await sign_in(page, app_server.url, tenant)

    await page.goto(f"{app_server.url}/documents")
    await page.click("text=Шаблоны документов")
    await page.click("#templates-table tr[data-template=invoice] a >> nth=0")
    await expect(page.locator("h1.page-title")).to_have_text("Шаблон «Счёт на оплату»")
    await expect(page.locator("#variables-table")).to_contain_text("document.amount_in_words")
    preview = page.frame_locator("#preview-frame")
    await expect(preview.locator("body")).to_contain_text("Счёт на оплату")  # the shipped template, at once

    await page.fill("#template-source", "<h1>Наш счёт {{ document.number }}</h1><p>{{ document.amount_in_words }}</p>")
    await expect(preview.locator("h1")).to_have_text("Наш счёт 1")
    await expect(preview.locator("p")).to_have_text("Две тысячи двести рублей 00 копеек")

    await page.locator("#template-source").press("End")
    await page.locator("#template-source").type("{% if %}")
    await expect(page.locator("#preview-error")).to_contain_text("ошибка в шаблоне, строка 1")
    await expect(preview.locator("h1")).to_have_text("Наш счёт 1")  # the last good preview stays

    await page.fill("#template-source", "<h1>Наш счёт № {{ document.number }}</h1>")
    await expect(preview.locator("h1")).to_have_text("Наш счёт № 1")
    await expect(page.locator("#preview-error")).to_be_hidden()
    await page.click("#save-template")
    await expect(page.locator(".alert-success")).to_have_text("Шаблон сохранён.")
    await expect(page.locator("#template-state")).to_have_text("Своя версия")
    assert await document_templates.source(tenant.actor, "invoice") == "<h1>Наш счёт № {{ document.number }}</h1>"
    [invoice] = await Document.select(Document.id).where(Document.tenant == tenant.id)
    assert "<h1>Наш счёт № 1</h1>" in await document_render.html(tenant.id, invoice["id"])

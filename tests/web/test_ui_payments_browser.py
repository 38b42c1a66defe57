"""Payments in a real browser (Playwright with Debian's Chromium against uvicorn): an accountant
opens an unpaid invoice, enters its payment by hand from the invoice's page and sees the invoice
paid, with the payment linked both ways."""

from __future__ import annotations

from datetime import date

from core.domain.money import Money
from tests.payments.test_payments import _invoice
from tests.web.billing_pages import staff
from tests.web.test_subscriptions import balance, customer
from tests.web.test_ui_browser import app_server, browser_page, chromium_installed  # noqa: F401  (fixtures)

NBSP = "\u00a0"


async def test_an_accountant_enters_a_payment_and_sees_the_invoice_paid(app_server, browser_page,  # noqa: F811
                                                                        make_tenant, plugin_registry):
    from playwright.async_api import expect

    page = browser_page
    tenant = await make_tenant(name="ООО «Демо Хостинг»")
    accountant = await staff(tenant, "accountant")
    buyer = await customer(tenant)
    invoice = await _invoice(tenant, plugin_registry, buyer, "1220.00", date(2026, 3, 2))

    await page.goto(f"{app_server.url}/login")
    await page.fill("#f-organisation", tenant.slug)
    await page.fill("#f-email", accountant.email)
    await page.fill("#f-password", tenant.password)
    await page.click("button[type=submit]")
    await expect(page.locator("h1.page-title")).to_have_text("Дашборд")

    # The navigation leads to the payments; none yet.
    await page.click(".sidebar .nav-payments")
    await expect(page.locator("h1.page-title")).to_have_text("Платежи")
    await expect(page.locator("#no-payments")).to_be_visible()

    # The invoice owes all of its 1220.00; its page offers to enter a payment of it.
    await page.goto(f"{app_server.url}/documents/{invoice.id}")
    await expect(page.locator("#document-status")).to_have_text("Проведён")
    await expect(page.locator("#document-owed")).to_have_text(f"1{NBSP}220,00 RUB")
    await page.click("#enter-payment")
    await expect(page.locator("h1.page-title")).to_have_text("Ввести платёж")
    await expect(page.locator("#payment-client")).to_have_text("ООО «Фабрика Бизнеса»")
    await expect(page.locator("#f-invoice")).to_have_value(invoice.number)
    await expect(page.locator("#f-amount")).to_have_value("1220.00")

    # A first part, typed the Russian way, then the rest.
    await page.fill("#f-amount", "1 000,50")
    await page.fill("#f-received_on", "2026-03-05")
    await page.fill("#f-reference", "п/п 17 от 05.03.2026")
    await page.click("#payment-form button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Платёж зачислен.")
    await expect(page.locator("#payment-status")).to_have_text("Зачислен")
    await expect(page.locator("#payment-allocated")).to_have_text(f"1{NBSP}000,50 RUB")
    await page.click("#allocations-table a.document-link")
    await expect(page.locator("#document-paid")).to_have_text(f"1{NBSP}000,50 RUB")
    await expect(page.locator("#document-owed")).to_have_text("219,50 RUB")
    await expect(page.locator("#document-status")).to_have_text("Проведён")

    await page.click("#enter-payment")
    await expect(page.locator("#f-amount")).to_have_value("219.50")
    await page.fill("#f-reference", "п/п 18 от 06.03.2026")
    await page.click("#payment-form button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Платёж зачислен.")
    await page.click("#allocations-table a.document-link")
    await expect(page.locator("#document-status")).to_have_text("Оплачен")
    await expect(page.locator("#document-paid")).to_have_text(f"1{NBSP}220,00 RUB")
    await expect(page.locator("#document-owed")).to_have_count(0)
    await expect(page.locator("#enter-payment")).to_have_count(0)
    await expect(page.locator("#document-payments-table tr.document-payment")).to_have_count(2)
    assert await balance(tenant, buyer.id) == Money.of("0.00")

    # The list shows both, credited.
    await page.click(".sidebar .nav-payments")
    await expect(page.locator("#payments-table tr.payment.status-succeeded")).to_have_count(2)

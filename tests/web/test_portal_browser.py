"""The client portal in a real browser: a client signs in and sees its documents."""

from __future__ import annotations

from core.db.tables import Document
from core.services import portal
from tests.web.test_portal import PORTAL_PASSWORD, billed
from tests.web.test_ui_browser import app_server, browser_page, chromium_installed  # noqa: F401  (fixtures)


async def test_a_client_signs_in_and_sees_its_documents(app_server, browser_page, make_tenant,  # noqa: F811
                                                         plugin_registry):
    from playwright.async_api import expect

    page = browser_page
    tenant = await make_tenant(name="ООО «Демо Хостинг»")
    ours, = await billed(tenant, plugin_registry)
    [invoice] = await Document.select().where(Document.client == ours.id)
    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)

    await page.goto(f"{app_server.url}/portal/{tenant.slug}/")
    assert page.url == f"{app_server.url}/portal/{tenant.slug}/login"
    await expect(page.locator("h1")).to_have_text("Вход в личный кабинет")
    await page.fill("#f-email", "buh@fabrika.ru")
    await page.fill("#f-password", "not the password")
    await page.click("button[type=submit]")
    await expect(page.locator(".alert-error")).to_have_text("Неверная электронная почта или пароль.")

    await page.fill("#f-password", PORTAL_PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("h1.page-title")).to_have_text("ООО «Фабрика Бизнеса»")
    await expect(page.locator(".portal-tenant")).to_have_text("ООО «Демо Хостинг»")
    row = page.locator("#documents-table tbody tr")
    await expect(row).to_have_count(1)
    await expect(row.locator(".number")).to_have_text(invoice["number_text"])
    await expect(row.locator(".total")).to_have_text("2 200,00 RUB")
    await expect(row).to_contain_text("Счёт на оплату")
    await expect(page.locator("#balances-table .balance")).to_have_text("-2 200,00 RUB")
    cookies = {c["name"]: c for c in await page.context.cookies()}
    assert cookies["saldo_portal"]["httpOnly"] and cookies["saldo_portal"]["sameSite"] == "Lax"

    await page.click(".logout button")
    await expect(page.locator(".alert-success")).to_have_text("Вы вышли из личного кабинета.")
    await page.goto(f"{app_server.url}/portal/{tenant.slug}/")
    assert page.url == f"{app_server.url}/portal/{tenant.slug}/login"

"""The day close in a real browser (Playwright with Debian's Chromium against uvicorn): a
manager sees the dashboard's notice of a confirm-mode run, opens the run, looks at an
account's computed day and confirms it; the account's balance moves by exactly its charge."""

from __future__ import annotations

from datetime import date


from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money
from core.services import day_close, ledger, tenants

from tests.web.test_api_day_close import due_vps
from tests.web.test_ui_browser import app_server, browser_page, chromium_installed  # noqa: F401  (fixtures)

NBSP = "\u00a0"


async def test_a_manager_confirms_an_account_of_a_confirm_mode_run(app_server, browser_page,  # noqa: F811
                                                                    make_tenant, plugin_registry):
    from playwright.async_api import expect

    page = browser_page
    tenant = await make_tenant(name="ООО «Демо Хостинг»")
    await tenants.update_settings(tenant.actor, rules={"day_close_mode": "confirm"})
    buyer, _ = await due_vps(tenant)
    account = await ledger.open_account(tenant.actor, buyer.id)
    await ledger.post(tenant.actor, account.id, [Entry(EntryKind.PAYMENT, Money.of("5000"), date(2026, 3, 10))])
    run = await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 10))
    assert run.state == "awaiting_confirmation"
    before = (await ledger.account(tenant.actor, account.id)).balance
    assert before == Money.of("5000.00")

    await page.goto(f"{app_server.url}/login")
    await page.fill("#f-organisation", tenant.slug)
    await page.fill("#f-email", tenant.owner.email)
    await page.fill("#f-password", tenant.password)
    await page.click("button[type=submit]")
    await expect(page.locator("h1.page-title")).to_have_text("Дашборд")

    # The dashboard says a run waits; its link opens the run's pending accounts.
    notice = page.locator(".day-close-notice")
    await expect(notice).to_contain_text("Закрытие дня за 10.03.2026 ждёт подтверждения")
    await notice.locator("a").click()
    await expect(page.locator("h1.page-title")).to_have_text("Закрытие дня за 10.03.2026")
    await expect(page.locator("#run-facts")).to_contain_text("С подтверждением")
    row = page.locator("#accounts-table tr[data-result]")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("ООО «Фабрика Бизнеса»")
    await expect(row).to_contain_text(f"2{NBSP}200,00")

    # The account's day: the charge, the subscription's next period, the invoice to issue.
    await row.locator("a.details").click()
    await expect(page.locator("h1.page-title")).to_contain_text("ООО «Фабрика Бизнеса»: закрытие дня за 10.03.2026")
    await expect(page.locator("#lines-table tr.line")).to_have_count(1)
    await expect(page.locator("#lines-table")).to_contain_text("10.03.2026 – 31.03.2026")
    await expect(page.locator("#lines-table td.line-total")).to_have_text(f"2{NBSP}200,00")
    await expect(page.locator("#moves-table")).to_contain_text("01.04.2026")
    await expect(page.locator("#result-documents h2")).to_have_text("Документы, которые будут выписаны")
    await expect(page.locator("#documents-table")).to_contain_text("Счёт на оплату")
    charge = await page.locator("#result-charges .amount").get_attribute("data-amount")
    assert charge == "2200.00"
    assert (await ledger.account(tenant.actor, account.id)).balance == before  # looking writes nothing

    await page.click("#result-actions form.decide-confirm button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Расчёт подтверждён и записан.")
    await expect(page.locator("#result-state")).to_contain_text("Выполнен")
    await expect(page.locator("#result-documents h2")).to_have_text("Выписанные документы")

    # The ledger moved by exactly the confirmed charge.
    after = (await ledger.account(tenant.actor, account.id)).balance
    assert before - after == Money.of(charge) == Money.of("2200.00")
    await page.click("#account-link")
    await expect(page.locator("#account-balance")).to_have_text(f"2{NBSP}800,00 RUB")
    await expect(page.locator("#entries-table")).to_contain_text("VPS buh@fabrika.ru")

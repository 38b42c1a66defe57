"""The billing pages in a real browser (Playwright with Debian's Chromium against uvicorn):
a product with a price, a subscription ordered and activated, a quantity change previewed
(seed 001's «150 / 181») and applied, and the new balance on the client's account."""

from __future__ import annotations

from datetime import date


from core.domain.money import Money
from core.services import ledger, subscriptions, tenants

from tests.web.billing_pages import billed_and_paid, customer
from tests.web.test_ui_browser import app_server, browser_page, chromium_installed  # noqa: F401  (fixtures)

NBSP = "\u00a0"


async def test_a_manager_sells_a_subscription_and_changes_its_quantity(app_server, browser_page,  # noqa: F811
                                                                        make_tenant):
    from playwright.async_api import expect

    page = browser_page
    tenant = await make_tenant(name="ООО «Демо Хостинг»")
    buyer = await customer(tenant)
    await tenants.set_clock(tenant.actor, mode="simulated", on=date(2019, 2, 1))

    await page.goto(f"{app_server.url}/login")
    await page.fill("#f-organisation", tenant.slug)
    await page.fill("#f-email", tenant.owner.email)
    await page.fill("#f-password", tenant.password)
    await page.click("button[type=submit]")
    await expect(page.locator("h1.page-title")).to_have_text("Дашборд")

    # A product with a semiannual price of 4800 per user.
    await page.click(".sidebar a.nav-catalog")
    await expect(page.locator("h1.page-title")).to_have_text("Каталог")
    await page.click("#new-product")
    await page.fill("#f-code", "access-std")
    await page.fill("#f-name", "Доступ на пользователя «Стандарт»")
    await page.select_option("#f-kind", "recurring")
    await page.fill("#f-unit", "шт")
    await page.select_option("#f-vat_rate", "none")
    await page.click("#product-form button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Продукт создан.")
    await page.select_option("#price-form #f-cycle", "semiannual")
    await page.fill("#price-form #f-unit_price", "4800")
    await page.fill("#price-form #f-effective_from", "2018-01-01")
    await page.click("#price-form button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Цена добавлена.")
    await expect(page.locator("#prices")).to_contain_text(f"4{NBSP}800,00")

    # A subscription for the client: ordered, then activated with a reason.
    await page.click(".sidebar a.nav-clients")
    await page.click(f"#clients-table a[href='/clients/{buyer.id}'] >> nth=0")
    await page.select_option("#order-subscription #f-product_id",
                             label="Доступ на пользователя «Стандарт» (access-std)")
    await page.click("#order-subscription button[type=submit]")
    await page.select_option("#subscription-form #f-cycle", "semiannual")
    await page.fill("#subscription-form #f-quantity", "5")
    await page.click("#subscription-form button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Подписка оформлена.")
    await expect(page.locator("#subscription-summary")).to_contain_text("Новый заказ")
    await page.select_option("#status-form #f-status", "active")
    await page.fill("#status-form #f-reason", "оплачен счёт 71475")
    await page.click("#status-form button[type=submit]")
    await expect(page.locator("#subscription-summary")).to_contain_text("Активная")
    await expect(page.locator("#subscription-summary")).to_contain_text("01.02.2019 – 31.07.2019")
    await expect(page.locator("#history-table")).to_contain_text("оплачен счёт 71475")

    # The day close bills the half-year and the client pays it («оплачен счёт 71475»).
    [sub] = await subscriptions.of_client(tenant.actor, buyer.id)
    await billed_and_paid(tenant, sub)
    [account] = await ledger.accounts_of(tenant.actor, buyer.id)
    assert account.balance == Money.of("0.00")

    # On 4 March 2019 a sixth user: the preview first, then the change.
    await tenants.set_clock(tenant.actor, mode="simulated", on=date(2019, 3, 4))
    await page.reload()
    await page.fill("#change-form #f-quantity", "6")
    await page.check("#change-form #f-policy-at_once")
    await page.click("#change-form button[type=submit]")
    await expect(page.locator("h1.page-title")).to_contain_text("Расчёт изменения тарифа")
    line = page.locator("#preview-table tr.preview-line")
    await expect(line).to_have_count(1)
    await expect(line.locator("td.days")).to_have_text("150 / 181")
    await expect(line).to_contain_text(f"3{NBSP}977,90")
    await expect(page.locator("#preview")).to_contain_text("Апгрейд")
    assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("0.00")  # the preview posted nothing
    await page.click("#apply-change button[type=submit]")
    await expect(page.locator(".alert-success")).to_contain_text("Тариф изменён")
    await expect(page.locator("#subscription-summary .sub-quantity")).to_contain_text("6 шт")

    # The client's account shows the charge and the new balance.
    await page.click("#subscription-summary a[href^='/clients/']")
    await expect(page.locator("#accounts-table")).to_contain_text(f"-3{NBSP}977,90 RUB")
    await page.click("#accounts-table a.button")
    await expect(page.locator("#account-balance")).to_have_text(f"-3{NBSP}977,90 RUB")
    await expect(page.locator("#entries-table")).to_contain_text("Списание")
    await expect(page.locator("#entries-table")).to_contain_text("150/181")

"""The admin UI in a real browser: Playwright drives Debian's Chromium against the app
served by uvicorn (in a thread, on a free port) over the test database."""

from __future__ import annotations

import os
import socket
import threading
import time

import httpx
import pytest
from pydantic import BaseModel, Field, SecretStr

from core.db.tables import PluginSetting
from core.plugins.meta import PluginMeta
from core.plugins.testing import declared_plugin

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def chromium_installed():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium", pytrace=False)


class ShopConfig(BaseModel):
    shop_id: int = Field(title="Номер магазина", description="Выдаётся платёжной системой.")
    password: SecretStr = Field(title="Пароль магазина")
    test_mode: bool = True


SHOP = declared_plugin(PluginMeta(id="ui_browser_shop", name="Тестовая касса", version="1.0",
                                  description="Платёжный плагин для проверки интерфейса.", config_model=ShopConfig))


class LiveServer:
    """The application served by uvicorn in a background thread with its own event loop."""

    def __init__(self, app) -> None:
        import uvicorn

        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


@pytest.fixture
def app_server(saldo_db, plugin_registry):
    """The application served by uvicorn with the test registry's plugins."""
    from web.app import create_app

    with LiveServer(create_app(registry=plugin_registry)) as server:
        yield server


@pytest.fixture
def live_server(register_plugin, app_server):
    register_plugin(SHOP)  # hook calls read the registry at request time
    return app_server


@pytest.fixture
async def browser_page():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = await browser.new_context(locale="ru-RU")
        page = await context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            await context.close()
            await browser.close()


async def test_owner_runs_the_admin_ui_in_a_browser(live_server, browser_page, make_tenant):
    from playwright.async_api import expect

    page = browser_page
    tenant = await make_tenant(name="ООО «Демо Хостинг»")

    # Signing in: the login form, then the dashboard in Russian.
    await page.goto(f"{live_server.url}/")
    assert "/login?next=/" in page.url
    await expect(page.locator("h1")).to_have_text("Вход в Сальдо")
    await page.fill("#f-organisation", tenant.slug)
    await page.fill("#f-email", tenant.owner.email)
    await page.fill("#f-password", "wrong password")
    await page.click("button[type=submit]")
    await expect(page.locator(".alert-error")).to_contain_text("Неверный код организации")
    await page.fill("#f-password", tenant.password)
    await page.click("button[type=submit]")
    await expect(page.locator("h1.page-title")).to_have_text("Дашборд")
    await expect(page.locator(".tenant-name")).to_have_text("ООО «Демо Хостинг»")
    await expect(page.locator(".sidebar nav")).to_contain_text("Журнал аудита")
    await expect(page.locator(".topbar .clock")).to_contain_text("Реальное время")

    # The language switch: English, and back to Russian.
    await page.click("button.lang[value=en]")
    await expect(page.locator("h1.page-title")).to_have_text("Dashboard")
    await expect(page.locator(".sidebar nav")).to_contain_text("Audit log")
    await page.click("button.lang[value=ru]")
    await expect(page.locator("h1.page-title")).to_have_text("Дашборд")

    # A new user.
    await page.click(".sidebar a.nav-users")
    await page.fill("#f-email", "buh@demo.test")
    await page.fill("#f-name", "Мария Бухгалтер")
    await page.select_option("#f-role", "accountant")
    await page.fill("#f-password", "a long enough secret")
    await page.click("#create-user button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Пользователь создан.")
    await expect(page.locator("#users-table")).to_contain_text("buh@demo.test")
    await expect(page.locator("#users-table")).to_contain_text("Бухгалтер")

    # An API key, shown once.
    await page.click(".sidebar a.nav-api_keys")
    await page.fill("#f-name", "Обмен с 1С")
    await page.select_option("#f-role", "accountant")
    await page.click("#create-key button[type=submit]")
    await expect(page.locator("h1.page-title")).to_have_text("API-ключ создан")
    await expect(page.locator(".alert-warn")).to_contain_text("только один раз")
    secret = (await page.locator("#new-key").text_content()).strip()
    assert secret.startswith("saldo_")
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["actor"]["role"] == "accountant"
    await page.click("a.button.primary")
    await expect(page.locator("#keys-table")).to_contain_text("Обмен с 1С")
    assert secret not in await page.content()

    # A plugin: enabling asks for its settings; a bad value is shown at its field; then success.
    await page.click(".sidebar a.nav-plugins")
    row = page.locator("#plugin-ui_browser_shop")
    await expect(row).to_contain_text("Выключен")
    await row.locator("button[type=submit]").click()
    await expect(page.locator(".alert-warn")).to_contain_text("заполните его настройки")
    await page.fill("#f-shop_id", "не число")
    await page.fill("#f-password", "s3cret-value")
    await page.click("#plugin-settings button[type=submit]")
    await expect(page.locator("#shop_id-error")).to_have_text("введите целое число")
    await expect(page.locator("#f-password")).to_have_value("")
    assert await PluginSetting.count().where(PluginSetting.tenant == tenant.id) == 0
    await page.fill("#f-shop_id", "4242")
    await page.fill("#f-password", "s3cret-value")
    await page.check("#f-enabled")
    await page.uncheck("#f-test_mode")
    await page.click("#plugin-settings button[type=submit]")
    await expect(page.locator(".alert-success")).to_have_text("Настройки плагина сохранены.")
    await expect(page.locator("#f-password")).to_have_value("")
    await expect(page.locator(".secret-set")).to_contain_text("Оставьте поле пустым")
    await expect(page.locator("#f-shop_id")).to_have_value("4242")
    assert "s3cret-value" not in await page.content()
    await page.click("a[href='/plugins']")
    await expect(page.locator("#plugin-ui_browser_shop")).to_contain_text("Включён")

    # Signing out.
    await page.click("form.logout button")
    await expect(page.locator(".alert-success")).to_have_text("Вы вышли из системы.")
    await page.goto(f"{live_server.url}/users")
    assert "/login?next=/users" in page.url

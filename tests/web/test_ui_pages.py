"""The server-rendered admin UI, driven through the HTTP test client."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Literal

import pytest
from pydantic import BaseModel, Field, SecretStr, model_validator

from core.db.tables import ApiKey, AuditEvent, PluginSetting, Tenant, User
from core.plugins.meta import PluginMeta
from core.plugins.testing import declared_plugin
from core.services import audit, users
from core.settings import Settings

LOGIN_TOKEN = re.compile(r'name="_login" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')
PAGES = ["/", "/users", "/api-keys", "/plugins", "/audit", "/settings"]


async def login(client, tenant, *, email=None, password=None, next_path="/"):
    """Sign in through the login form; returns the (redirect) response."""
    page = await client.get("/login")
    token = LOGIN_TOKEN.search(page.text).group(1)
    return await client.post("/login", data={
        "_login": token, "next": next_path, "organisation": tenant.slug,
        "email": email or tenant.owner.email, "password": password or tenant.password,
    }, follow_redirects=False)


async def signed_in(client, tenant, **kwargs) -> str:
    """Sign in and return the session's CSRF token as the pages' forms carry it."""
    response = await login(client, tenant, **kwargs)
    assert response.status_code == 303, response.text
    return CSRF_TOKEN.search((await client.get("/")).text).group(1)


async def add_user(tenant, role: str, email: str | None = None):
    return await users.create(tenant.actor, email=email or f"{role}@{tenant.slug}.test", password=tenant.password,
                              role=role, name=f"{role.title()} User")


def set_cookie_headers(response, name: str) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(f"{name}=")]


def _config(row) -> dict:
    """A stored plugin config (a JSON string on SQLite, a dict on PostgreSQL)."""
    return row["config"] if isinstance(row["config"], dict) else json.loads(row["config"])


# --- signing in and out ---------------------------------------------------------------------------

async def test_login_page_is_russian_by_default(client):
    page = await client.get("/login")
    assert page.status_code == 200
    assert "Вход в Сальдо" in page.text and "Код организации" in page.text
    assert '<html lang="ru">' in page.text


async def test_login_sets_a_safe_session_cookie_and_follows_next(client, make_tenant):
    tenant = await make_tenant()
    response = await login(client, tenant, next_path="/users")
    assert response.status_code == 303 and response.headers["location"] == "/users"
    [cookie] = set_cookie_headers(response, "saldo_session")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("samesite", "SameSite") and "Path=/" in cookie
    assert "Secure" not in cookie
    page = await client.get("/users")
    assert page.status_code == 200 and tenant.owner.email in page.text


async def test_session_cookie_is_secure_when_configured(saldo_db, plugin_registry, make_tenant):
    from litestar.testing import AsyncTestClient

    from web.app import create_app

    tenant = await make_tenant()
    app = create_app(settings=Settings(secure_cookies=True), registry=plugin_registry)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as secure_client:
        response = await login(secure_client, tenant)
    [cookie] = set_cookie_headers(response, "saldo_session")
    assert "Secure" in cookie


@pytest.mark.parametrize("wrong", ["organisation", "email", "password"])
async def test_bad_credentials_get_one_message_that_names_no_part(client, make_tenant, wrong):
    tenant = await make_tenant()
    page = await client.get("/login")
    data = {"_login": LOGIN_TOKEN.search(page.text).group(1), "next": "/", "organisation": tenant.slug,
            "email": tenant.owner.email, "password": tenant.password}
    data[wrong] = {"organisation": "no-such-org", "email": "nobody@x.ru", "password": "wrong password!"}[wrong]
    response = await client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 401
    assert "Неверный код организации, электронная почта или пароль." in response.text
    assert not set_cookie_headers(response, "saldo_session")
    assert (await client.get("/", follow_redirects=False)).status_code in (302, 303, 307)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
async def test_login_redirects_only_to_local_paths(client, make_tenant, target):
    tenant = await make_tenant()
    response = await login(client, tenant, next_path=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


@pytest.mark.parametrize(("target", "location"), [("/audit?before=5", "/audit?before=5"),
                                                ("/счета", "/%D1%81%D1%87%D0%B5%D1%82%D0%B0")])
async def test_login_keeps_local_paths_with_queries_and_unicode(client, make_tenant, target, location):
    tenant = await make_tenant()
    response = await login(client, tenant, next_path=target)
    assert response.status_code == 303 and response.headers["location"] == location


async def test_login_form_without_its_token_is_refused(client, make_tenant):
    tenant = await make_tenant()
    response = await client.post("/login", data={"organisation": tenant.slug, "email": tenant.owner.email,
                                                 "password": tenant.password}, follow_redirects=False)
    assert response.status_code == 403
    assert not set_cookie_headers(response, "saldo_session")


async def test_pages_redirect_to_login_when_signed_out(client):
    for path in PAGES:
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303, 307), path
        assert response.headers["location"] == f"/login?next={path}"


async def test_logout_ends_the_session(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    token = client.cookies.get("saldo_session")
    refused = await client.post("/logout", data={}, follow_redirects=False)
    assert refused.status_code == 403
    response = await client.post("/logout", data={"_csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    client.cookies.set("saldo_session", token)  # even a kept copy of the cookie no longer works
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/login?next=/"
    actions = [e.action for e in await audit.events(tenant.actor)]
    assert actions[:2] == ["user.logout", "user.login"]


# --- pages ----------------------------------------------------------------------------------------

async def test_every_page_renders_for_the_owner(client, make_tenant):
    tenant = await make_tenant(name="ООО «Ромашка Хостинг»")
    await signed_in(client, tenant)
    for path in PAGES:
        page = await client.get(path)
        assert page.status_code == 200, path
        assert "ООО «Ромашка Хостинг»" in page.text
        assert "Traceback" not in page.text
    dashboard = (await client.get("/")).text
    for label in ("Дашборд", "Пользователи", "API-ключи", "Плагины", "Журнал аудита", "Настройки", "Владелец"):
        assert label in dashboard
    assert "Реальное время" in dashboard


async def test_dashboard_highlights_a_simulated_clock(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    response = await client.post("/settings/clock", data={"_csrf": csrf, "mode": "simulated", "date": "2026-03-31"})
    assert response.status_code == 200 and "Часы изменены." in response.text
    dashboard = (await client.get("/")).text
    assert "clock-simulated" in dashboard and "Симуляция времени" in dashboard and "31.03.2026" in dashboard
    advanced = await client.post("/settings/clock/advance", data={"_csrf": csrf, "days": "3"})
    assert "03.04.2026" in advanced.text
    tenant_row = await Tenant.select(Tenant.clock_mode).where(Tenant.id == tenant.id).first()
    assert tenant_row["clock_mode"] == "simulated"
    back = await client.post("/settings/clock", data={"_csrf": csrf, "mode": "real"})
    assert "Реальное время" in back.text
    refused = await client.post("/settings/clock/advance", data={"_csrf": csrf, "days": "1"})
    assert refused.status_code == 422 and "сначала включите симуляцию" in refused.text


async def test_settings_are_saved_and_errors_shown_next_to_fields(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    bad = await client.post("/settings", data={"_csrf": csrf, "name": "Новое имя", "timezone": "Mars/Olympus",
                                               "language": "ru"})
    assert bad.status_code == 422 and "неизвестный часовой пояс" in bad.text
    assert (await Tenant.select(Tenant.name).where(Tenant.id == tenant.id).first())["name"] != "Новое имя"
    ok = await client.post("/settings", data={"_csrf": csrf, "name": "Новое имя", "timezone": "Asia/Novosibirsk",
                                              "language": "ru"})
    assert ok.status_code == 200 and "Настройки сохранены." in ok.text
    row = await Tenant.select(Tenant.name, Tenant.timezone).where(Tenant.id == tenant.id).first()
    assert row == {"name": "Новое имя", "timezone": "Asia/Novosibirsk"}


async def test_language_switch_changes_the_text_and_is_remembered(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    english = await client.get("/users?lang=en")
    assert "Users" in english.text and "Create user" in english.text and '<html lang="en">' in english.text
    assert set_cookie_headers(english, "saldo_lang")
    assert "Create user" in (await client.get("/users")).text  # the cookie keeps it
    switched = await client.post("/language", data={"_csrf": csrf, "lang": "ru", "next": "/users"},
                                 follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/users"
    assert "Создать пользователя" in (await client.get("/users")).text
    await client.post("/language", data={"_csrf": csrf, "lang": "en", "next": "/"})
    row = await User.select(User.language).where(User.id == tenant.owner.id).first()
    assert row["language"] == "en"
    client.cookies.delete("saldo_lang")
    assert "Dashboard" in (await client.get("/")).text  # the user's own choice, without the cookie


async def test_error_pages_follow_the_language(client, make_tenant):
    tenant = await make_tenant()
    await signed_in(client, tenant)
    missing = await client.get("/users/999999999")
    assert missing.status_code == 404 and "Страница или объект не найдены." in missing.text
    missing_en = await client.get("/users/999999999?lang=en")
    assert missing_en.status_code == 404 and "Page or object not found." in missing_en.text
    assert '<html lang="en">' in missing_en.text


# --- CSRF, roles and tenant walls -----------------------------------------------------------------

async def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(client, make_tenant):
    tenant = await make_tenant()
    await signed_in(client, tenant)
    users_before = await User.count().where(User.tenant == tenant.id)
    events_before = await AuditEvent.count().where(AuditEvent.tenant == tenant.id)
    form = {"email": "new@x.ru", "password": "long enough pw", "role": "viewer", "name": "N"}
    for data in (form, form | {"_csrf": "forged"}):
        response = await client.post("/users", data=data)
        assert response.status_code == 403
    assert (await client.post("/settings", data={"name": "Hijacked", "timezone": "UTC"})).status_code == 403
    assert (await client.post("/api-keys", data={"name": "k", "role": "owner"})).status_code == 403
    assert await User.count().where(User.tenant == tenant.id) == users_before
    assert await ApiKey.count().where(ApiKey.tenant == tenant.id) == 0
    assert await AuditEvent.count().where(AuditEvent.tenant == tenant.id) == events_before
    assert (await Tenant.select(Tenant.name).where(Tenant.id == tenant.id).first())["name"] != "Hijacked"


async def test_a_viewer_sees_no_forms_and_gets_403_on_user_creation(client, make_tenant):
    tenant = await make_tenant()
    viewer = await add_user(tenant, "viewer")
    csrf = await signed_in(client, tenant, email=viewer.email)
    page = await client.get("/users")
    assert page.status_code == 200 and 'action="/users"' not in page.text
    assert "доступ только для просмотра" in page.text
    nav = (await client.get("/")).text
    assert 'href="/api-keys"' not in nav and 'href="/audit"' not in nav
    before = await User.count().where(User.tenant == tenant.id)
    response = await client.post("/users", data={"_csrf": csrf, "email": "x@x.ru", "password": "long enough pw",
                                                 "role": "viewer"})
    assert response.status_code == 403 and "Недостаточно прав" in response.text
    assert await User.count().where(User.tenant == tenant.id) == before
    assert (await client.get("/api-keys")).status_code == 403
    assert (await client.get("/audit")).status_code == 403
    assert (await client.post(f"/users/{tenant.owner.id}/deactivate", data={"_csrf": csrf})).status_code == 403


async def test_another_tenants_user_is_not_found(client, make_tenant):
    victim, intruder = await make_tenant(), await make_tenant()
    target = await add_user(victim, "accountant")
    key = await victim_key(victim)
    csrf = await signed_in(client, intruder)
    assert (await client.get(f"/users/{target.id}")).status_code == 404
    for path, data in ((f"/users/{target.id}", {"name": "hijacked", "role": "owner"}),
                       (f"/users/{target.id}/deactivate", {}),
                       (f"/api-keys/{key.id}/revoke", {})):
        response = await client.post(path, data=data | {"_csrf": csrf})
        assert response.status_code == 404, path
    row = await User.select(User.name, User.role, User.is_active).where(User.id == target.id).first()
    assert row == {"name": "Accountant User", "role": "accountant", "is_active": True}
    assert (await ApiKey.select(ApiKey.revoked_at).where(ApiKey.id == key.id).first())["revoked_at"] is None
    assert target.email not in (await client.get("/users")).text


async def victim_key(tenant):
    from core.services import auth

    return (await auth.create_api_key(tenant.actor, name="victim", role="viewer")).record


# --- users ----------------------------------------------------------------------------------------

async def test_owner_creates_edits_deactivates_and_reactivates_a_user(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    created = await client.post("/users", data={"_csrf": csrf, "email": "Buh@Example.ru", "name": "Бухгалтер",
                                                "role": "accountant", "password": "a long enough secret"},
                                follow_redirects=False)
    assert created.status_code == 303
    page = await client.get(created.headers["location"])
    assert "Пользователь создан." in page.text and "buh@example.ru" in page.text
    user = await User.select(User.id).where((User.tenant == tenant.id) & (User.email == "buh@example.ru")).first()
    user_id = user["id"]
    edited = await client.post(f"/users/{user_id}", data={"_csrf": csrf, "name": "Главбух", "role": "manager"})
    assert "Пользователь изменён." in edited.text and "Главбух" in edited.text
    deactivated = await client.post(f"/users/{user_id}/deactivate", data={"_csrf": csrf})
    assert "Пользователь отключён." in deactivated.text and "Включить снова" in deactivated.text
    reactivated = await client.post(f"/users/{user_id}/reactivate", data={"_csrf": csrf})
    assert "Пользователь снова включён." in reactivated.text
    row = await User.select(User.name, User.role, User.is_active).where(User.id == user_id).first()
    assert row == {"name": "Главбух", "role": "manager", "is_active": True}
    actions = [e.action for e in await audit.events(tenant.actor, object_type="user", object_id=str(user_id))]
    assert actions == ["user.update", "user.update", "user.update", "user.create"]


async def test_bad_user_input_is_shown_next_to_the_field_and_saves_nothing(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    before = await User.count().where(User.tenant == tenant.id)
    response = await client.post("/users", data={"_csrf": csrf, "email": "not-an-email", "name": "Кто-то",
                                                 "role": "viewer", "password": "a long enough secret"})
    assert response.status_code == 422
    assert 'id="email-error"' in response.text and "это не адрес электронной почты" in response.text
    assert 'value="Кто-то"' in response.text and "a long enough secret" not in response.text
    short = await client.post("/users", data={"_csrf": csrf, "email": "ok@x.ru", "role": "viewer", "password": "short"})
    assert 'id="password-error"' in short.text and "не короче 10 символов" in short.text
    duplicate = await client.post("/users", data={"_csrf": csrf, "email": tenant.owner.email, "role": "viewer",
                                                  "password": "a long enough secret"})
    assert duplicate.status_code == 422 and "пользователь с такой почтой уже есть" in duplicate.text
    assert await User.count().where(User.tenant == tenant.id) == before


async def test_the_last_owner_cannot_deactivate_themselves(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    response = await client.post(f"/users/{tenant.owner.id}/deactivate", data={"_csrf": csrf})
    assert response.status_code == 422 and "последнего владельца" in response.text
    assert (await User.select(User.is_active).where(User.id == tenant.owner.id).first())["is_active"] is True


# --- API keys -------------------------------------------------------------------------------------

async def test_a_new_api_key_is_shown_once_and_can_be_revoked(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    created = await client.post("/api-keys", data={"_csrf": csrf, "name": "Обмен с 1С", "role": "accountant"})
    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
    secret = re.search(r'id="new-key" class="secret">([^<]+)<', created.text).group(1)
    assert secret.startswith("saldo_") and "показывается только один раз" in created.text
    listing = await client.get("/api-keys")
    assert "Обмен с 1С" in listing.text and secret not in listing.text
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["actor"]["role"] == "accountant"
    key_id = (await ApiKey.select(ApiKey.id).where(ApiKey.tenant == tenant.id).first())["id"]
    revoked = await client.post(f"/api-keys/{key_id}/revoke", data={"_csrf": csrf})
    assert revoked.status_code == 200 and "Ключ отозван." in revoked.text
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})).status_code == 401
    empty = await client.post("/api-keys", data={"_csrf": csrf, "name": " ", "role": "viewer"})
    assert empty.status_code == 422 and "не может быть пустым" in empty.text


# --- plugins --------------------------------------------------------------------------------------

class ShopConfig(BaseModel):
    shop_id: int = Field(title="Shop ID", description="The shop's number.")
    password: SecretStr = Field(title="Password")
    test_mode: bool = True
    receipt: str = "Оплата услуг"
    tax: str | None = None


SHOP = declared_plugin(PluginMeta(id="ui_test_shop", name="UI test shop", version="1.0",
                                  description="A payment plugin for the UI tests.", config_model=ShopConfig))


async def test_plugin_is_configured_through_its_generated_form(client, make_tenant, register_plugin):
    register_plugin(SHOP)
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    listing = await client.get("/plugins")
    assert "UI test shop" in listing.text and 'action="/plugins/ui_test_shop/enable"' in listing.text

    incomplete = await client.post("/plugins/ui_test_shop/enable", data={"_csrf": csrf})
    assert incomplete.status_code == 422 and "заполните его настройки" in incomplete.text
    assert await PluginSetting.count().where(PluginSetting.tenant == tenant.id) == 0

    empty = await client.post("/plugins/ui_test_shop", data={"_csrf": csrf, "enabled": "1", "shop_id": "",
                                                             "password": "", "test_mode": "false"})
    assert empty.status_code == 422
    assert 'id="shop_id-error"' in empty.text and 'id="password-error"' in empty.text and "обязательное поле" in empty.text

    form = await client.get("/plugins/ui_test_shop")
    assert 'name="password" type="password" value=""' in form.text and 'name="shop_id"' in form.text
    bad = await client.post("/plugins/ui_test_shop", data={"_csrf": csrf, "enabled": "1", "shop_id": "abc",
                                                           "password": "s3cret-value", "test_mode": "false"})
    assert bad.status_code == 422
    assert 'id="shop_id-error"' in bad.text and "введите целое число" in bad.text
    assert "s3cret-value" not in bad.text
    assert await PluginSetting.count().where(PluginSetting.tenant == tenant.id) == 0

    ok = await client.post("/plugins/ui_test_shop", data={"_csrf": csrf, "enabled": "1", "shop_id": "42",
                                                          "password": "s3cret-value", "test_mode": "false",
                                                          "receipt": "Хостинг"})
    assert ok.status_code == 200 and "Настройки плагина сохранены." in ok.text
    assert "s3cret-value" not in ok.text and "Оставьте поле пустым, чтобы не менять." in ok.text
    row = await PluginSetting.select().where(PluginSetting.tenant == tenant.id).first()
    config = _config(row)
    assert row["enabled"] and config["shop_id"] == 42 and config["password"] == "s3cret-value"
    assert config["test_mode"] is False and config["receipt"] == "Хостинг"

    kept = await client.post("/plugins/ui_test_shop", data={"_csrf": csrf, "enabled": "1", "shop_id": "43",
                                                            "password": "", "test_mode": "true"})
    assert kept.status_code == 200
    row = await PluginSetting.select().where(PluginSetting.tenant == tenant.id).first()
    config = _config(row)
    assert config["shop_id"] == 43 and config["password"] == "s3cret-value" and config["test_mode"] is True

    cleared = await client.post("/plugins/ui_test_shop", data={"_csrf": csrf, "enabled": "1", "shop_id": "",
                                                               "password": "", "test_mode": "true"})
    assert cleared.status_code == 422 and 'id="shop_id-error"' in cleared.text
    assert _config(await PluginSetting.select().where(PluginSetting.tenant == tenant.id).first())["shop_id"] == 43

    disabled = await client.post("/plugins/ui_test_shop/disable", data={"_csrf": csrf})
    assert "Плагин выключен." in disabled.text
    events = await audit.events(tenant.actor, object_type="plugin")
    assert len(events) == 3 and "s3cret-value" not in str([e.public() for e in events])


class FancyConfig(BaseModel):
    mode: Literal["test", "live"] = "test"
    allowed_ips: list[str] = []
    rate: Decimal = Decimal("0")

    @model_validator(mode="after")
    def _live_needs_ips(self):
        if self.mode == "live" and not self.allowed_ips:
            raise ValueError("live mode needs allowed IPs")
        return self


FANCY = declared_plugin(PluginMeta(id="ui_test_fancy", name="Fancy", version="1.0",
                                   description="Choices, lists and decimals.", config_model=FancyConfig))
PLAIN = declared_plugin(PluginMeta(id="ui_test_plain", name="Plain", version="1.0",
                                   description="A plugin without settings."))



async def test_choices_lists_decimals_and_whole_form_errors(client, make_tenant, register_plugin):
    register_plugin(FANCY)
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    form = await client.get("/plugins/ui_test_fancy")
    assert '<select id="f-mode" name="mode">' in form.text and '<textarea id="f-allowed_ips"' in form.text
    bad = await client.post("/plugins/ui_test_fancy", data={"_csrf": csrf, "enabled": "1", "mode": "live",
                                                            "allowed_ips": "", "rate": "1,5"})
    assert bad.status_code == 422 and "live mode needs allowed IPs" in bad.text
    unknown = await client.post("/plugins/ui_test_fancy", data={"_csrf": csrf, "mode": "sandbox", "rate": "1"})
    assert unknown.status_code == 422 and 'id="mode-error"' in unknown.text
    assert await PluginSetting.count().where(PluginSetting.tenant == tenant.id) == 0
    ok = await client.post("/plugins/ui_test_fancy", data={"_csrf": csrf, "enabled": "1", "mode": "live",
                                                           "allowed_ips": "10.0.0.1\n 10.0.0.2 \n", "rate": "1,5"})
    assert ok.status_code == 200 and "10.0.0.1\n10.0.0.2</textarea>" in ok.text
    row = await PluginSetting.select().where(PluginSetting.tenant == tenant.id).first()
    assert row["enabled"] and _config(row) == {"mode": "live", "allowed_ips": ["10.0.0.1", "10.0.0.2"], "rate": "1.5"}


async def test_a_plugin_without_settings_is_switched_from_its_page(client, make_tenant, register_plugin):
    register_plugin(PLAIN)
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    page = await client.get("/plugins/ui_test_plain")
    assert "У этого плагина нет настроек." in page.text
    saved = await client.post("/plugins/ui_test_plain", data={"_csrf": csrf, "enabled": "1"})
    assert saved.status_code == 200 and "Настройки плагина сохранены." in saved.text
    assert (await PluginSetting.select().where(PluginSetting.tenant == tenant.id).first())["enabled"] is True


async def test_unknown_plugin_is_not_found(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    assert (await client.get("/plugins/no_such_plugin")).status_code == 404
    assert (await client.post("/plugins/no_such_plugin/enable", data={"_csrf": csrf})).status_code == 404


# --- audit log ------------------------------------------------------------------------------------

async def test_audit_log_is_newest_first_and_paged(client, make_tenant):
    tenant = await make_tenant()
    for n in range(60):
        await audit.record(tenant.actor, "test.event", "thing", n, None, {"n": n, "text": "Привет"})
    await signed_in(client, tenant)
    first = await client.get("/audit")
    assert first.status_code == 200
    ids = [int(i) for i in re.findall(r"thing <code>(\d+)</code>", first.text)]
    assert ids[:3] == [59, 58, 57] and len(ids) == 49  # one row of this page is the login event
    older = re.search(r'href="/audit\?before=(\d+)"', first.text)
    assert older and "Привет" in first.text
    second = await client.get(f"/audit?before={older.group(1)}")
    rest = [int(i) for i in re.findall(r"thing <code>(\d+)</code>", second.text)]
    assert rest == list(range(10, -1, -1)) and 'href="/audit?before=' not in second.text

"""Helpers shared by the admin UI pages: the page frame, redirects, forms and field errors."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from core.domain.roles import MANAGE_TENANT
from core.services import tenants
from core.services.errors import ServiceError
from web.i18n import LANG_COOKIE, LANG_COOKIE_MAX_AGE, normalize, request_language
from web.principal import Principal

GENERAL = "__all__"  # field-error key for messages that belong to no field


def settings_of(request: Request):
    return request.app.state.settings


def language_cookies(request: Request, lang: str | None = None) -> list[Cookie]:
    """The ``saldo_lang`` cookie when the language was chosen (``?lang=`` or explicitly)."""
    lang = lang or normalize(request.query_params.get("lang"))
    if not lang:
        return []
    return [Cookie(key=LANG_COOKIE, value=lang, path="/", max_age=LANG_COOKIE_MAX_AGE, httponly=True,
                   samesite="lax", secure=settings_of(request).secure_cookies)]


# Success messages a redirect may name (``?done=users.created``); nothing else is shown.
DONE_MESSAGES = frozenset({
    "users.created", "users.updated", "users.deactivated", "users.reactivated", "keys.revoked_done",
    "plugins.saved", "plugins.enabled_done", "plugins.disabled_done", "settings.saved", "settings.clock_saved",
    "clients.created", "clients.saved", "clients.merged", "clients.note_added", "clients.note_saved",
    "clients.note_deleted", "clients.contact_added", "clients.contact_deleted", "sellers.created", "sellers.saved",
    "sellers.default_done", "client_settings.group_added", "client_settings.group_deleted",
    "client_settings.field_added", "client_settings.field_saved", "client_settings.field_deleted",
    "catalog.group_added", "catalog.group_saved", "catalog.product_created", "catalog.product_saved",
    "catalog.price_added", "catalog.option_created", "catalog.option_saved", "subscriptions.created",
    "subscriptions.status_changed", "subscriptions.changed", "subscriptions.change_scheduled",
    "subscriptions.cancelled", "subscriptions.suspend_saved", "accounts.opened", "accounts.adjustment_added",
    "accounts.adjustment_confirmed", "accounts.adjustment_cancelled", "pricing.discount_added",
    "pricing.discount_saved", "pricing.rules_saved", "day_close.run_done", "day_close.confirmed",
    "day_close.cancelled", "day_close.retried",
    "documents.created", "documents.posted", "documents.deleted", "documents.resent", "documents.credit_created",
    "documents.line_added", "documents.line_saved", "documents.line_removed", "documents.template_saved",
    "documents.template_reset", "payments.done.created", "payments.done.duplicate", "payments.done.assigned",
    "payments.done.refunded",
})


def done_message(request: Request) -> str | None:
    key = request.query_params.get("done")
    return key if key in DONE_MESSAGES else None


async def page(request: Request, principal: Principal, template: str, *, active: str = "",
               status_code: int = 200, headers: dict[str, str] | None = None, **context) -> Template:
    """Render an admin page inside the layout: tenant, clock, user, navigation, CSRF token."""
    tenant = await tenants.get(principal.actor.tenant_id)
    request.state.tenant_language = tenant.language
    lang = request_language(request)
    frame = {
        "lang": lang,
        "tenant": tenant,
        "clock": tenants.clock_of(tenant),
        "principal": principal,
        "user": principal.user,
        "role": principal.actor.role,
        "can_manage": principal.actor.can(MANAGE_TENANT),
        "csrf": principal.csrf_token or "",
        "active": active,
        "done": done_message(request),
        "current_path": request.url.path,
    }
    return Template(f"admin/{template}", context=frame | context, status_code=status_code,
                    cookies=language_cookies(request), headers={"Cache-Control": "no-store", **(headers or {})})


def redirect(path: str, done: str | None = None) -> Redirect:
    """303 See Other after a successful POST, optionally naming a success message key."""
    return Redirect(path, status_code=303, query_params={"done": done} if done else None)


def local_path(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site (never another host), else ``default``."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in value):
        return default
    return quote(value, safe="/?&=%#:@!$'()*+,;~-._")


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as a plain dict (first value of each field, stripped of the CSRF token)."""
    form = await request.form()
    return {key: form.get(key) for key in form.keys() if key != "_csrf"}


def field_errors(exc: ServiceError) -> dict[str, str]:
    """Field name → message of a service error; messages without a field go under ``GENERAL``."""
    errors: dict[str, str] = {}
    for item in exc.fields or []:
        field = str(item.get("field") or GENERAL)
        errors.setdefault(field, str(item.get("message") or exc.message))
    if not errors:
        errors[GENERAL] = exc.message
    return errors

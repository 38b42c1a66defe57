"""The dashboard, the tenant's settings and clock, and the audit log."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.roles import MANAGE_TENANT
from core.plugins.manager import PluginRegistry
from core.services import audit, plugins, tenants, users
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.day_close import awaiting
from web.ui.render import GENERAL, field_errors, form_data, page, redirect

AUDIT_PAGE = 50
COMMON_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
    "Asia/Magadan", "Asia/Kamchatka", "Europe/Minsk", "Asia/Almaty", "Asia/Tashkent", "Asia/Bishkek",
    "Asia/Yerevan", "Asia/Tbilisi", "UTC",
)


class DashboardPages(Controller):
    path = "/"

    @get("/")
    async def dashboard(self, request: Request, principal: Principal, registry: PluginRegistry) -> Template:
        actor = principal.actor
        staff = await users.list_users(actor)
        installed = await plugins.list_plugins(actor, registry)
        recent = await audit.events(actor, limit=8) if actor.can(MANAGE_TENANT) else []
        return await page(request, principal, "dashboard.html", active="dashboard",
                          active_users=sum(1 for u in staff if u.is_active), total_users=len(staff),
                          enabled_plugins=sum(1 for p in installed if p.enabled), total_plugins=len(installed),
                          recent=recent, awaiting_runs=await awaiting(principal))

    @get("/audit")
    async def audit_log(self, request: Request, principal: Principal, before: int | None = None) -> Template:
        """The audit log, newest first, a page at a time (``?before=<id>`` pages back)."""
        principal.actor.require(MANAGE_TENANT)
        events = await audit.events(principal.actor, limit=AUDIT_PAGE + 1, before_id=before)
        older = events[AUDIT_PAGE - 1].id if len(events) > AUDIT_PAGE else None
        return await page(request, principal, "audit.html", active="audit", events=events[:AUDIT_PAGE],
                          older=older, paged=before is not None)


async def _settings_page(request: Request, principal: Principal, *, errors: dict | None = None,
                         values: dict | None = None, form: str = "", status_code: int = 200) -> Template:
    """The settings page; ``form`` names the form (tenant, clock, advance) whose ``errors`` are shown."""
    return await page(request, principal, "settings.html", active="settings", errors=errors or {},
                      values=values or {}, failed_form=form, zones=COMMON_ZONES, status_code=status_code)


def _invalid(request: Request, principal: Principal, form: str, values: dict, errors: dict):
    return _settings_page(request, principal, errors=errors, values=values, form=form,
                          status_code=HTTP_422_UNPROCESSABLE_ENTITY)


class SettingsPages(Controller):
    path = "/settings"

    @get("/")
    async def index(self, request: Request, principal: Principal) -> Template:
        return await _settings_page(request, principal)

    @post("/")
    async def save(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            await tenants.update_settings(principal.actor, name=form.get("name", ""),
                                          timezone=(form.get("timezone") or "").strip(),
                                          language=form.get("language"))
        except InvalidInput as exc:
            return await _invalid(request, principal, "tenant", form, field_errors(exc))
        return redirect("/settings", "settings.saved")

    @post("/clock")
    async def set_clock(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        mode, on = form.get("mode", ""), None
        if mode == "simulated" and form.get("date"):
            try:
                on = date.fromisoformat(form["date"])
            except ValueError:
                return await _invalid(request, principal, "clock", form, {"date": "input should be a valid date"})
        try:
            await tenants.set_clock(principal.actor, mode=mode, on=on)
        except InvalidInput as exc:
            return await _invalid(request, principal, "clock", form, field_errors(exc))
        return redirect("/settings", "settings.clock_saved")

    @post("/clock/advance")
    async def advance_clock(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            days = int(form.get("days") or "")
        except ValueError:
            return await _invalid(request, principal, "advance", form, {"days": "input should be a valid integer"})
        try:
            await tenants.advance_clock(principal.actor, days)
        except (InvalidInput, Conflict) as exc:
            errors = field_errors(exc)
            if "mode" in errors:  # not on a simulated clock: a message for the form, not a field
                errors = {GENERAL: errors["mode"]}
            return await _invalid(request, principal, "advance", form, errors)
        return redirect("/settings", "settings.clock_saved")

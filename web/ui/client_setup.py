"""The set-up of client cards: client groups and the tenant's custom client fields."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.custom_fields import FIELD_TYPES
from core.domain.roles import MANAGE_BILLING
from core.services import client_groups, custom_fields
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.render import GENERAL, field_errors, form_data, page, redirect


def _choices(text: str) -> list[str]:
    """One choice a line; blank lines are ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _position(text: str) -> int:
    text = (text or "0").strip()
    if not text.lstrip("-").isdigit():
        raise InvalidInput.field("position", "must be a whole number")
    return int(text)


async def _settings_page(request: Request, principal: Principal, *, section: str = "", errors: dict | None = None,
                         values: dict | None = None, status_code: int = 200) -> Template:
    """``section`` (group, field) names the form whose errors and values are shown again."""
    actor = principal.actor
    return await page(
        request, principal, "client_settings.html", active="clients", status_code=status_code,
        groups=await client_groups.list_groups(actor), fields=await custom_fields.list_fields(actor),
        field_types=FIELD_TYPES, can_edit=actor.can(MANAGE_BILLING),
        group_errors=(errors or {}) if section == "group" else {},
        group_values=(values or {}) if section == "group" else {},
        field_errors=(errors or {}) if section == "field" else {},
        field_values=(values or {}) if section == "field" else {"type": "text"},
    )


async def _field_page(request: Request, principal: Principal, field_id: int, *, errors: dict | None = None,
                      values: dict | None = None, status_code: int = 200) -> Template:
    field = await custom_fields.get(principal.actor, field_id)
    form = values or {"label": field.label, "choices": "\n".join(field.choices), "required": field.required,
                      "position": field.position}
    return await page(request, principal, "custom_field.html", active="clients", subject=field,
                      field_types=FIELD_TYPES, errors=errors or {}, form=form, status_code=status_code)


class ClientSetupPages(Controller):
    path = "/client-settings"

    @get("/")
    async def index(self, request: Request, principal: Principal) -> Template:
        return await _settings_page(request, principal)

    @post("/groups")
    async def add_group(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            await client_groups.create(principal.actor, name=form.get("name", ""),
                                       description=form.get("description", ""))
        except (InvalidInput, Conflict) as exc:
            return await _settings_page(request, principal, section="group", errors=field_errors(exc), values=form,
                                        status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/client-settings", "client_settings.group_added")

    @post("/groups/{group_id:int}/delete")
    async def delete_group(self, request: Request, principal: Principal, group_id: int) -> Template | Redirect:
        try:
            await client_groups.delete(principal.actor, group_id)
        except Conflict as exc:  # the group still has clients: a message for the whole form
            return await _settings_page(request, principal, section="group", errors={GENERAL: exc.message},
                                        status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/client-settings", "client_settings.group_deleted")

    @post("/fields")
    async def add_field(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            await custom_fields.create(principal.actor, code=form.get("code", ""), label=form.get("label", ""),
                                       type=form.get("type", ""), choices=_choices(form.get("choices", "")),
                                       required=bool(form.get("required")), position=_position(form.get("position")))
        except (InvalidInput, Conflict) as exc:
            return await _settings_page(request, principal, section="field", errors=field_errors(exc), values=form,
                                        status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/client-settings", "client_settings.field_added")

    @get("/fields/{field_id:int}")
    async def show_field(self, request: Request, principal: Principal, field_id: int) -> Template:
        return await _field_page(request, principal, field_id)

    @post("/fields/{field_id:int}")
    async def update_field(self, request: Request, principal: Principal, field_id: int) -> Template | Redirect:
        form = await form_data(request)
        field = await custom_fields.get(principal.actor, field_id)
        try:
            await custom_fields.update(
                principal.actor, field_id, label=form.get("label", ""), required=bool(form.get("required")),
                position=_position(form.get("position")),
                choices=_choices(form.get("choices", "")) if field.type == "choice" else None)
        except (InvalidInput, Conflict) as exc:
            return await _field_page(request, principal, field_id, errors=field_errors(exc), values=form,
                                     status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/client-settings", "client_settings.field_saved")

    @post("/fields/{field_id:int}/delete")
    async def delete_field(self, principal: Principal, field_id: int) -> Redirect:
        await custom_fields.delete(principal.actor, field_id)
        return redirect("/client-settings", "client_settings.field_deleted")

"""The notes and contacts forms of the client card."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.clients import CONTACT_ROLES
from core.services import client_details
from core.services.errors import InvalidInput
from web.principal import Principal
from web.ui.clients import client_page
from web.ui.render import field_errors, form_data, redirect


class ClientDetailsPages(Controller):
    path = "/clients/{client_id:int}"

    @post("/notes")
    async def add_note(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await client_details.add_note(principal.actor, client_id, text=form.get("text", ""),
                                          important=bool(form.get("important")))
        except InvalidInput as exc:
            return await client_page(request, principal, client_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                     errors=field_errors(exc), values=form, section="note")
        return redirect(f"/clients/{client_id}", "clients.note_added")

    @post("/notes/{note_id:int}/important")
    async def mark_note(self, request: Request, principal: Principal, client_id: int, note_id: int) -> Redirect:
        form = await form_data(request)
        await client_details.update_note(principal.actor, client_id, note_id, important=bool(form.get("important")))
        return redirect(f"/clients/{client_id}", "clients.note_saved")

    @post("/notes/{note_id:int}/delete")
    async def delete_note(self, principal: Principal, client_id: int, note_id: int) -> Redirect:
        await client_details.delete_note(principal.actor, client_id, note_id)
        return redirect(f"/clients/{client_id}", "clients.note_deleted")

    @post("/contacts")
    async def add_contact(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        form = await form_data(request)
        roles = [role for role in CONTACT_ROLES if form.get(f"role_{role}")]
        try:
            await client_details.add_contact(principal.actor, client_id, name=form.get("name", ""),
                                             email=form.get("email", ""), phone=form.get("phone", ""), roles=roles)
        except InvalidInput as exc:
            return await client_page(request, principal, client_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                     errors=field_errors(exc), values=form, section="contact")
        return redirect(f"/clients/{client_id}", "clients.contact_added")

    @post("/contacts/{contact_id:int}/delete")
    async def delete_contact(self, principal: Principal, client_id: int, contact_id: int) -> Redirect:
        await client_details.delete_contact(principal.actor, client_id, contact_id)
        return redirect(f"/clients/{client_id}", "clients.contact_deleted")

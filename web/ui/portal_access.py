"""The client card's «Личный кабинет» section: a manager gives the client its portal sign-in
(an e-mail and a password), changes it, or takes it away."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.services import portal
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.render import field_errors, form_data, redirect


async def portal_section(principal: Principal, client_id: int, *, section: str = "", errors: dict | None = None,
                         values: dict | None = None) -> dict:
    """The client card's portal context; ``section`` «portal» shows the form's ``errors`` and ``values`` again."""
    return {
        "portal_access": await portal.access(principal.actor, client_id),
        "portal_errors": (errors or {}) if section == "portal" else {},
        "portal_values": (values or {}) if section == "portal" else {},
    }


class ClientPortalPages(Controller):
    path = "/clients/{client_id:int}/portal"

    @post("/")
    async def grant(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        from web.ui.clients import client_page

        form = await form_data(request)
        try:
            await portal.grant_access(principal.actor, client_id, form.get("email", ""), form.get("password", ""))
        except (InvalidInput, Conflict) as exc:
            form.pop("password", None)
            return await client_page(request, principal, client_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                     errors=field_errors(exc), values=form, section="portal")
        return redirect(f"/clients/{client_id}#portal")

    @post("/revoke")
    async def revoke(self, principal: Principal, client_id: int) -> Redirect:
        await portal.revoke_access(principal.actor, client_id)
        return redirect(f"/clients/{client_id}#portal")

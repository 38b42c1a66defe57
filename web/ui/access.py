"""Users of the tenant and API keys."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_201_CREATED, HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.roles import ROLES, can_grant
from core.services import auth, users
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.render import field_errors, form_data, page, redirect


def grantable_roles(principal: Principal) -> list[str]:
    return [role for role in ROLES if can_grant(principal.actor.role, role)]


async def _users_page(request: Request, principal: Principal, *, errors: dict | None = None,
                      values: dict | None = None, status_code: int = 200) -> Template:
    return await page(request, principal, "users.html", active="users", users=await users.list_users(principal.actor),
                      roles=grantable_roles(principal), errors=errors or {}, values=values or {},
                      status_code=status_code)


async def _user_page(request: Request, principal: Principal, user_id: int, *, errors: dict | None = None,
                     values: dict | None = None, status_code: int = 200) -> Template:
    user = await users.get(principal.actor, user_id)
    return await page(request, principal, "user.html", active="users", subject=user,
                      roles=grantable_roles(principal), errors=errors or {}, values=values or {},
                      status_code=status_code)


async def _set_active(request: Request, principal: Principal, user_id: int, active: bool) -> Template | Redirect:
    try:
        await users.update(principal.actor, user_id, is_active=active)
    except Conflict as exc:
        return await _user_page(request, principal, user_id, errors=field_errors(exc),
                                status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    return redirect(f"/users/{user_id}", "users.reactivated" if active else "users.deactivated")


class UsersPages(Controller):
    path = "/users"

    @get("/")
    async def index(self, request: Request, principal: Principal) -> Template:
        return await _users_page(request, principal)

    @post("/")
    async def create(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            await users.create(principal.actor, email=form.get("email", ""), password=form.get("password", ""),
                               role=form.get("role", ""), name=form.get("name", ""))
        except (InvalidInput, Conflict) as exc:
            form.pop("password", None)
            return await _users_page(request, principal, errors=field_errors(exc), values=form,
                                     status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/users", "users.created")

    @get("/{user_id:int}")
    async def show(self, request: Request, principal: Principal, user_id: int) -> Template:
        return await _user_page(request, principal, user_id)

    @post("/{user_id:int}")
    async def update(self, request: Request, principal: Principal, user_id: int) -> Template | Redirect:
        form = await form_data(request)
        current = await users.get(principal.actor, user_id)
        role = form.get("role") or None
        try:
            # The role is sent only when it changes: re-sending an owner's role needs owner rights.
            await users.update(principal.actor, user_id, name=form.get("name", current.name),
                               role=role if role != current.role else None)
        except (InvalidInput, Conflict) as exc:
            return await _user_page(request, principal, user_id, errors=field_errors(exc), values=form,
                                    status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/users/{user_id}", "users.updated")

    @post("/{user_id:int}/deactivate")
    async def deactivate(self, request: Request, principal: Principal, user_id: int) -> Template | Redirect:
        return await _set_active(request, principal, user_id, False)

    @post("/{user_id:int}/reactivate")
    async def reactivate(self, request: Request, principal: Principal, user_id: int) -> Template | Redirect:
        return await _set_active(request, principal, user_id, True)


async def _keys_page(request: Request, principal: Principal, *, errors: dict | None = None,
                     values: dict | None = None, status_code: int = 200) -> Template:
    keys = sorted(await auth.list_api_keys(principal.actor), key=lambda k: (k.revoked_at is not None, -k.id))
    return await page(request, principal, "api_keys.html", active="api_keys", keys=keys,
                      roles=grantable_roles(principal), errors=errors or {}, values=values or {},
                      status_code=status_code)


class ApiKeysPages(Controller):
    path = "/api-keys"

    @get("/")
    async def index(self, request: Request, principal: Principal) -> Template:
        return await _keys_page(request, principal)

    @post("/")
    async def create(self, request: Request, principal: Principal) -> Template:
        """The new key is on this page only (never stored readable, never cached)."""
        form = await form_data(request)
        try:
            new = await auth.create_api_key(principal.actor, name=form.get("name", ""), role=form.get("role", ""))
        except InvalidInput as exc:
            return await _keys_page(request, principal, errors=field_errors(exc), values=form,
                                    status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return await page(request, principal, "api_key_created.html", active="api_keys", key=new.key,
                          record=new.record, status_code=HTTP_201_CREATED)

    @post("/{key_id:int}/revoke")
    async def revoke(self, principal: Principal, key_id: int) -> Redirect:
        await auth.revoke_api_key(principal.actor, key_id)
        return redirect("/api-keys", "keys.revoked_done")

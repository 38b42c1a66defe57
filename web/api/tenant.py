from __future__ import annotations

import datetime as dt
from typing import Literal

from litestar import Controller, get, patch, post, put
from pydantic import BaseModel, Field

from core.services import tenants
from core.services.actor import Actor
from web.principal import Principal


class TenantOut(BaseModel):
    id: int
    slug: str
    name: str
    timezone: str
    currency: str
    language: str
    rules: dict
    clock: dict


class RulesPatch(BaseModel):
    allow_duplicate_products: bool | None = Field(
        default=None, description="Allow a second subscription of a client to the same product.")
    plan_change_policy: Literal["at_once", "next_period"] | None = Field(
        default=None, description="Plan changes at once with daily proration, or from the next period.")
    day_close_mode: Literal["sandbox", "auto", "confirm"] | None = Field(
        default=None, description="What the day close does: show only (sandbox), commit at once (auto), "
                                  "or wait for a manager's confirmation per account (confirm).")
    day_close_time: str | None = Field(
        default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Tenant-local time (HH:MM) at which the previous day is closed.")
    invoice_posting: Literal["auto", "draft"] | None = Field(
        default=None, description="The day close posts its invoices (auto) or leaves them as drafts for a manager "
                                  "to review and post (draft); the charges reach the balance when posted.")


class TenantPatch(BaseModel):
    name: str | None = None
    timezone: str | None = None
    language: Literal["ru", "en"] | None = None
    rules: RulesPatch | None = None


class ClockIn(BaseModel):
    mode: Literal["real", "simulated"]
    date: dt.date | None = Field(default=None, description="Simulated business date (local midnight).")
    at: dt.datetime | None = Field(default=None, description="Simulated instant with a time zone offset.")


class AdvanceIn(BaseModel):
    days: int = Field(ge=1, le=3660)


class MeOut(BaseModel):
    tenant: TenantOut
    actor: dict
    user: dict | None
    csrf_token: str | None


class MeController(Controller):
    path = "/me"
    tags = ["access"]

    @get("/", summary="The caller: tenant, actor and (for a session) the user and CSRF token")
    async def me(self, principal: Principal) -> MeOut:
        tenant = await tenants.get(principal.actor.tenant_id)
        actor = principal.actor
        return MeOut(
            tenant=TenantOut(**tenants.public(tenant)),
            actor={"kind": actor.kind, "id": actor.id, "role": actor.role, "label": actor.label},
            user=principal.user.public() if principal.user else None,
            csrf_token=principal.csrf_token,
        )


class TenantController(Controller):
    path = "/tenant"
    tags = ["tenant"]

    @get("/", summary="The caller's tenant")
    async def show(self, actor: Actor) -> TenantOut:
        return TenantOut(**tenants.public(await tenants.get(actor.tenant_id)))

    @patch("/", summary="Change the tenant's name, time zone or language")
    async def update(self, actor: Actor, data: TenantPatch) -> TenantOut:
        changes = data.model_dump(exclude_none=True)
        tenant = await tenants.update_settings(actor, **changes)
        return TenantOut(**tenants.public(tenant))


class ClockController(Controller):
    path = "/clock"
    tags = ["tenant"]

    @get("/", summary="The tenant clock: mode, now and business date")
    async def show(self, actor: Actor) -> dict:
        return tenants.public(await tenants.get(actor.tenant_id))["clock"]

    @put("/", summary="Use the real clock, or a simulated one at a date or an instant")
    async def set(self, actor: Actor, data: ClockIn) -> dict:
        tenant = await tenants.set_clock(actor, mode=data.mode, on=data.date, at=data.at)
        return tenants.public(tenant)["clock"]

    @post("/advance", summary="Move a simulated clock forward by whole days")
    async def advance(self, actor: Actor, data: AdvanceIn) -> dict:
        return tenants.public(await tenants.advance_clock(actor, data.days))["clock"]

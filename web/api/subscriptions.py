from __future__ import annotations

import datetime as dt
from typing import Literal

from litestar import Controller, get, post
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from core.plugins.manager import PluginRegistry
from core.services import subscriptions
from core.services.actor import Actor


class SubscriptionOut(BaseModel):
    id: int
    client_id: int
    product_id: int
    parent_id: int | None
    status: str
    cycle: str
    quantity: str
    price_override: str | None
    billing_day: int
    start_date: dt.date
    period_start: dt.date | None
    period_end: dt.date | None
    next_billing_date: dt.date | None
    cancel_at_period_end: bool
    cancel_reason: str
    suspend_override_until: dt.date | None
    promo_code: str | None
    options: dict[str, int] = Field(description="Option id → quantity.")


class SubscriptionIn(BaseModel):
    client_id: int
    product_id: int
    cycle: str
    quantity: str = "1"
    options: dict[str, int] = Field(default_factory=dict, description="Option code → quantity.")
    price_override: str | None = Field(default=None, description="«Другая цена»: unit price for this subscription.")
    billing_day: int = 1
    start_date: dt.date | None = None
    parent_id: int | None = Field(default=None, description="The main subscription of an add-on (co-termed).")
    promo_code: str | None = None


class StatusIn(BaseModel):
    status: str
    reason: str = ""


class ChangeIn(BaseModel):
    product_id: int | None = None
    quantity: str | None = None
    options: dict[str, int] | None = None
    cycle: str | None = Field(default=None, description="A new billing cycle (takes effect from the next period).")
    policy: Literal["at_once", "next_period"] | None = Field(
        default=None, description="Default: the tenant's policy (at once with daily proration).")


class SuspendOverrideIn(BaseModel):
    until: dt.date | None = Field(description="«Не приостанавливать до»; null lifts it.")
    reason: str = ""


class CancelIn(BaseModel):
    at_once: bool = Field(description="At once with a prorated credit, or at the end of the paid period.")
    reason: str


def _out(record) -> SubscriptionOut:
    return SubscriptionOut(**record.public())


class SubscriptionsController(Controller):
    path = "/subscriptions"
    tags = ["subscriptions"]

    @post("/", summary="Order a subscription (status ordered)")
    async def create(self, actor: Actor, data: SubscriptionIn) -> SubscriptionOut:
        return _out(await subscriptions.create(actor, **data.model_dump()))

    @get("/{subscription_id:int}", summary="One subscription")
    async def show(self, actor: Actor, subscription_id: int) -> SubscriptionOut:
        return _out(await subscriptions.get(actor, subscription_id))

    @get("/{subscription_id:int}/history", summary="Status and plan changes with who and why")
    async def history(self, actor: Actor, subscription_id: int) -> list[dict]:
        return await subscriptions.history(actor, subscription_id)

    @post("/{subscription_id:int}/status", status_code=HTTP_200_OK, summary="Change the status")
    async def status(self, actor: Actor, subscription_id: int, data: StatusIn) -> SubscriptionOut:
        return _out(await subscriptions.change_status(actor, subscription_id, data.status, data.reason))

    @post("/{subscription_id:int}/change/preview", status_code=HTTP_200_OK,
          summary="The exact charges and credits a change would post; changes nothing")
    async def preview(self, actor: Actor, registry: PluginRegistry, subscription_id: int, data: ChangeIn) -> dict:
        preview = await subscriptions.preview_change(actor, registry, subscription_id,
                                                     **data.model_dump(exclude_none=True))
        return preview.public()

    @post("/{subscription_id:int}/change", status_code=HTTP_200_OK,
          summary="Upgrade, downgrade, crossgrade, quantity or option change")
    async def change(self, actor: Actor, registry: PluginRegistry, subscription_id: int, data: ChangeIn) -> dict:
        applied = await subscriptions.apply_change(actor, registry, subscription_id,
                                                   **data.model_dump(exclude_none=True))
        return applied.public()

    @post("/{subscription_id:int}/suspend-override", status_code=HTTP_200_OK,
          summary="Do not suspend automatically before a date")
    async def suspend_override(self, actor: Actor, subscription_id: int, data: SuspendOverrideIn) -> SubscriptionOut:
        return _out(await subscriptions.set_suspend_override(actor, subscription_id, data.until, data.reason))

    @post("/{subscription_id:int}/cancel", status_code=HTTP_200_OK,
          summary="Cancel at once (prorated credit) or at the end of the period")
    async def cancel(self, actor: Actor, registry: PluginRegistry, subscription_id: int,
                     data: CancelIn) -> SubscriptionOut:
        return _out(await subscriptions.cancel(actor, registry, subscription_id, at_once=data.at_once,
                                               reason=data.reason))

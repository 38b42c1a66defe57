from __future__ import annotations

import datetime as dt
from typing import Literal

from litestar import Controller, get, patch, post
from pydantic import BaseModel, Field

from core.services import discounts
from core.services.actor import Actor


class DiscountOut(BaseModel):
    id: int
    kind: str
    value: str
    description: str
    client_id: int | None
    product_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    promo_code: str | None
    max_uses: int | None
    is_active: bool


class DiscountIn(BaseModel):
    kind: Literal["percent", "fixed"]
    value: str = Field(description="Percent (up to 100) or an amount off a whole period.")
    description: str
    client_id: int | None = None
    product_id: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    promo_code: str | None = Field(default=None, description="Applies only to subscriptions ordered with it.")
    max_uses: int | None = Field(default=None, description="How many subscriptions may use the promo code.")


class DiscountPatch(BaseModel):
    value: str | None = None
    description: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    max_uses: int | None = None
    is_active: bool | None = None


class DiscountsController(Controller):
    path = "/discounts"
    tags = ["pricing"]

    @get("/", summary="Discounts and promo codes")
    async def list(self, actor: Actor, client_id: int | None = None) -> list[DiscountOut]:
        return [DiscountOut(**d.public()) for d in await discounts.list_discounts(actor, client_id)]

    @post("/", summary="Create a discount: percent or fixed, per client and/or product, dated, promo code")
    async def create(self, actor: Actor, data: DiscountIn) -> DiscountOut:
        return DiscountOut(**(await discounts.create(actor, **data.model_dump())).public())

    @get("/{discount_id:int}", summary="One discount")
    async def show(self, actor: Actor, discount_id: int) -> DiscountOut:
        return DiscountOut(**(await discounts.get(actor, discount_id)).public())

    @patch("/{discount_id:int}", summary="Change a discount (lines already posted keep theirs)")
    async def update(self, actor: Actor, discount_id: int, data: DiscountPatch) -> DiscountOut:
        return DiscountOut(**(await discounts.update(actor, discount_id, **data.model_dump(exclude_unset=True))).public())

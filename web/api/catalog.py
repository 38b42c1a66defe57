from __future__ import annotations

import datetime as dt

from litestar import Controller, get, patch, post
from litestar.params import Parameter
from pydantic import BaseModel, Field

from core.domain.catalog import OKEI_UNITS
from core.domain.catalog_checks import APPLY_MODES, CYCLES, KINDS, PAYMENT_MODELS, VAT_RATES
from core.services import catalog, catalog_options, catalog_prices
from core.services.actor import Actor

KindField = Field(description=f"One of: {', '.join(KINDS)}. Fixed once the product exists.")
UnitField = Field(default=None, description="Unit of measure as printed on documents; completed from the ОКЕИ "
                                            "code when only that is given (шт by default).")
OkeiField = Field(default=None, description="ОКЕИ code, 3-4 digits (796 шт, 362 мес, 2553 Гбайт…); completed from "
                                            "the unit when only that is given. GET /okei-units lists known ones.")
VatField = Field(default=None, description=f"One of: {', '.join(VAT_RATES)} (none: без НДС). By default that of the "
                                           "seller entity.")
PaymentField = Field(default=None, description=f"One of: {', '.join(PAYMENT_MODELS)}.")
SellerField = Field(default=None, description="The seller entity; null means the client's seller.")
AddonField = Field(default=None, description="The base product of an add-on (not an add-on itself); the add-on is "
                                             "co-termed with it. Fixed once the product exists.")


class GroupOut(BaseModel):
    id: int
    name: str
    position: int


class GroupIn(BaseModel):
    name: str = Field(description="Unique in the tenant.")
    position: int = Field(default=0, description="Groups are listed by position, then name.")


class GroupPatch(BaseModel):
    name: str | None = None
    position: int | None = None


class ProductOut(BaseModel):
    id: int
    group_id: int | None
    code: str
    name: str
    description: str
    kind: str
    unit: str
    unit_okei: str
    vat_rate: str
    vat_included: bool
    payment_model: str
    seller_id: int | None
    addon_of: int | None
    is_active: bool
    created_at: str


class ProductFields(BaseModel):
    description: str | None = None
    group_id: int | None = None
    unit: str | None = UnitField
    unit_okei: str | None = OkeiField
    vat_rate: str | None = VatField
    vat_included: bool | None = Field(default=None, description="Prices include VAT («в том числе»); true by default.")
    payment_model: str | None = PaymentField
    seller_id: int | None = SellerField
    is_active: bool | None = None


class ProductIn(ProductFields):
    code: str = Field(description="Unique in the tenant; letters, digits, dots, dashes, underscores. Fixed.")
    name: str
    kind: str = KindField
    addon_of: int | None = AddonField


class ProductPatch(ProductFields):
    name: str | None = None
    code: str | None = Field(default=None, description="Fixed: only its current value is accepted.")
    kind: str | None = Field(default=None, description="Fixed: only its current value is accepted.")
    addon_of: int | None = Field(default=None, description="Fixed: only its current value is accepted.")


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int
    limit: int
    offset: int


class PriceIn(BaseModel):
    cycle: str = Field(description=f"One of: {', '.join(CYCLES)}, as the product kind allows.")
    unit_price: str | int = Field(description="A decimal string with up to 4 places (\"4800.00\"); never a float.")
    setup_fee: str | int | None = Field(default=None, description="Products only: up to 2 places; 0 by default.")
    effective_from: dt.date | None = Field(default=None, description="The tenant's business date by default.")
    apply_mode: str | None = Field(default=None, description=f"One of: {', '.join(APPLY_MODES)}. Required when the "
                                                             "cycle already has a price.")


class OptionPriceOut(BaseModel):
    id: int
    cycle: str
    unit_price: str
    effective_from: dt.date
    apply_mode: str
    created_at: str


class PriceOut(OptionPriceOut):
    setup_fee: str


class SegmentOut(BaseModel):
    start: dt.date
    end: dt.date
    unit_price: str
    price_id: int
    apply_mode: str


class PriceInEffectOut(BaseModel):
    on: dt.date
    price: PriceOut
    period: dict | None = Field(description="With period_start: the full period starting that day.")
    segments: list[SegmentOut] = Field(description="With period_start: the parts of the period and their prices.")


class OptionOut(BaseModel):
    id: int
    product_id: int
    code: str
    name: str
    unit: str
    unit_okei: str
    min_quantity: int
    max_quantity: int | None
    position: int


class OptionFields(BaseModel):
    unit: str | None = UnitField
    unit_okei: str | None = OkeiField
    min_quantity: int | None = None
    max_quantity: int | None = Field(default=None, description="Null: no upper limit.")
    position: int | None = None


class OptionIn(OptionFields):
    code: str = Field(description="Unique within the product. Fixed.")
    name: str


class OptionPatch(OptionFields):
    name: str | None = None
    code: str | None = Field(default=None, description="Fixed: only its current value is accepted.")


class UnitOut(BaseModel):
    okei: str
    unit: str


PriceQuery = Parameter(description="The billing cycle.")
OnQuery = Parameter(default=None, description="The day; the tenant's business date by default.")
PeriodQuery = Parameter(default=None, description="Also split the full period starting this day by price.")


def _in_effect(answer) -> PriceInEffectOut:
    return PriceInEffectOut(**answer.public())


class OkeiUnitsController(Controller):
    path = "/okei-units"
    tags = ["catalog"]

    @get("/", summary="Units of measure with their ОКЕИ codes, to suggest for products and options")
    async def list(self, actor: Actor) -> list[UnitOut]:
        return [UnitOut(okei=code, unit=unit) for code, unit in OKEI_UNITS.items()]


class ProductGroupsController(Controller):
    path = "/product-groups"
    tags = ["catalog"]

    @get("/", summary="Product groups, by position and name")
    async def list(self, actor: Actor) -> list[GroupOut]:
        return [GroupOut(**g.public()) for g in await catalog.list_groups(actor)]

    @post("/", summary="Add a product group")
    async def create(self, actor: Actor, data: GroupIn) -> GroupOut:
        return GroupOut(**(await catalog.create_group(actor, **data.model_dump())).public())

    @get("/{group_id:int}", summary="One product group")
    async def show(self, actor: Actor, group_id: int) -> GroupOut:
        return GroupOut(**(await catalog.get_group(actor, group_id)).public())

    @patch("/{group_id:int}", summary="Rename or move a product group")
    async def update(self, actor: Actor, group_id: int, data: GroupPatch) -> GroupOut:
        group = await catalog.update_group(actor, group_id, **data.model_dump(exclude_none=True))
        return GroupOut(**group.public())


class ProductsController(Controller):
    path = "/products"
    tags = ["catalog"]

    @get("/", summary="Products, by name, filtered and paged")
    async def list(
        self,
        actor: Actor,
        group_id: int | None = None,
        kind: str | None = None,
        active: bool | None = None,
        addon_of: int | None = Parameter(default=None, description="The add-ons of this base product."),
        search: str | None = Parameter(default=None, description="Words to find in the name or code."),
        limit: int = Parameter(default=50, ge=1, le=500),
        offset: int = Parameter(default=0, ge=0),
    ) -> ProductPage:
        found, total = await catalog.search(actor, group_id=group_id, kind=kind, active=active, addon_of=addon_of,
                                            search=search, limit=limit, offset=offset)
        return ProductPage(items=[ProductOut(**p.public()) for p in found], total=total, limit=limit, offset=offset)

    @post("/", summary="Create a product")
    async def create(self, actor: Actor, data: ProductIn) -> ProductOut:
        return ProductOut(**(await catalog.create(actor, **data.model_dump(exclude_unset=True))).public())

    @get("/{product_id:int}", summary="One product")
    async def show(self, actor: Actor, product_id: int) -> ProductOut:
        return ProductOut(**(await catalog.get(actor, product_id)).public())

    @patch("/{product_id:int}", summary="Change a product; only the given fields change")
    async def update(self, actor: Actor, product_id: int, data: ProductPatch) -> ProductOut:
        changed = await catalog.update(actor, product_id, **data.model_dump(exclude_unset=True))
        return ProductOut(**changed.public())

    @get("/{product_id:int}/prices", summary="The product's price history, by cycle and date")
    async def prices(self, actor: Actor, product_id: int) -> list[PriceOut]:
        return [PriceOut(**p.public()) for p in await catalog_prices.product_prices(actor, product_id)]

    @post("/{product_id:int}/prices", summary="Add a price (prices are never edited)")
    async def add_price(self, actor: Actor, product_id: int, data: PriceIn) -> PriceOut:
        price = await catalog_prices.add_product_price(actor, product_id, **data.model_dump(exclude_none=True))
        return PriceOut(**price.public())

    @get("/{product_id:int}/price", summary="The price of a cycle in effect on a day")
    async def price(self, actor: Actor, product_id: int, cycle: str = PriceQuery, on: dt.date | None = OnQuery,
                    period_start: dt.date | None = PeriodQuery) -> PriceInEffectOut:
        return _in_effect(await catalog_prices.product_price_on(actor, product_id, cycle, on, period_start))

    @get("/{product_id:int}/options", summary="The product's configurable options")
    async def options(self, actor: Actor, product_id: int) -> list[OptionOut]:
        return [OptionOut(**o.public()) for o in await catalog_options.options_of(actor, product_id)]

    @post("/{product_id:int}/options", summary="Add a configurable option")
    async def add_option(self, actor: Actor, product_id: int, data: OptionIn) -> OptionOut:
        option = await catalog_options.create(actor, product_id, **data.model_dump(exclude_unset=True))
        return OptionOut(**option.public())


class OptionsController(Controller):
    path = "/options"
    tags = ["catalog"]

    @get("/{option_id:int}", summary="One configurable option")
    async def show(self, actor: Actor, option_id: int) -> OptionOut:
        return OptionOut(**(await catalog_options.get(actor, option_id)).public())

    @patch("/{option_id:int}", summary="Change an option's name, unit, limits or position")
    async def update(self, actor: Actor, option_id: int, data: OptionPatch) -> OptionOut:
        return OptionOut(**(await catalog_options.update(actor, option_id,
                                                         **data.model_dump(exclude_unset=True))).public())

    @get("/{option_id:int}/prices", summary="The option's price history, by cycle and date")
    async def prices(self, actor: Actor, option_id: int) -> list[OptionPriceOut]:
        return [OptionPriceOut(**p.public()) for p in await catalog_prices.option_prices(actor, option_id)]

    @post("/{option_id:int}/prices", summary="Add a price of one unit of the option")
    async def add_price(self, actor: Actor, option_id: int, data: PriceIn) -> OptionPriceOut:
        price = await catalog_prices.add_option_price(actor, option_id, **data.model_dump(exclude_none=True))
        return OptionPriceOut(**price.public())

    @get("/{option_id:int}/price", summary="The option's price of a cycle in effect on a day")
    async def price(self, actor: Actor, option_id: int, cycle: str = PriceQuery, on: dt.date | None = OnQuery,
                    period_start: dt.date | None = PeriodQuery) -> PriceInEffectOut:
        return _in_effect(await catalog_prices.option_price_on(actor, option_id, cycle, on, period_start))

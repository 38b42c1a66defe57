"""The catalog: product groups, products, configurable options and their prices, always filtered
by tenant. Prices are only ever inserted."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from core.db.engine import is_postgres
from core.db.tables import ConfigurableOption, OptionPrice, Product, ProductGroup, ProductPrice
from core.domain.catalog import PriceApply, PricePoint
from core.domain.money import amount_from_minor, amount_to_minor, unit_price_from_units, unit_price_to_units
from core.domain.periods import BillingCycle


def locked(query, table):
    """``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write transaction already holds the lock."""
    return query.lock_rows() if is_postgres(table._meta.db) else query


# -- product groups ------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupRecord:
    id: int
    tenant_id: int
    name: str
    position: int

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "position": self.position}


GROUP_COLUMNS = (ProductGroup.id, ProductGroup.tenant, ProductGroup.name, ProductGroup.position)


def _group(row: dict) -> GroupRecord:
    return GroupRecord(row["id"], row["tenant"], row["name"], row["position"])


async def get_group(tenant_id: int, group_id: int) -> GroupRecord | None:
    row = await ProductGroup.select(*GROUP_COLUMNS).where(
        (ProductGroup.tenant == tenant_id) & (ProductGroup.id == group_id)).first()
    return _group(row) if row else None


async def group_by_name(tenant_id: int, name: str) -> GroupRecord | None:
    row = await ProductGroup.select(*GROUP_COLUMNS).where(
        (ProductGroup.tenant == tenant_id) & (ProductGroup.name == name)).first()
    return _group(row) if row else None


async def list_groups(tenant_id: int) -> list[GroupRecord]:
    rows = await ProductGroup.select(*GROUP_COLUMNS).where(ProductGroup.tenant == tenant_id).order_by(
        ProductGroup.position).order_by(ProductGroup.name).order_by(ProductGroup.id)
    return [_group(r) for r in rows]


async def insert_group(tenant_id: int, *, name: str, position: int) -> GroupRecord:
    rows = await ProductGroup.insert(ProductGroup(tenant=tenant_id, name=name, position=position)
                                     ).returning(ProductGroup.id)
    return await get_group(tenant_id, rows[0]["id"])


async def update_group(tenant_id: int, group_id: int, values: dict) -> GroupRecord | None:
    await ProductGroup.update({getattr(ProductGroup, k): v for k, v in values.items()}).where(
        (ProductGroup.tenant == tenant_id) & (ProductGroup.id == group_id))
    return await get_group(tenant_id, group_id)


# -- products ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProductRecord:
    id: int
    tenant_id: int
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
    created_at: datetime

    def public(self) -> dict:
        data = asdict(self)
        del data["tenant_id"]
        data["created_at"] = self.created_at.isoformat()
        return data

    def state(self) -> dict:
        """The checked fields, in the shape ``core.domain.catalog_checks.check_product`` takes."""
        return {name: getattr(self, name) for name in ("code", "name", "description", "kind", "unit", "unit_okei",
                                                       "vat_rate", "vat_included", "payment_model", "is_active")}


# record field -> table column, where they differ
PRODUCT_RENAMED = {"tenant_id": "tenant", "group_id": "group", "seller_id": "seller_entity"}
PRODUCT_COLUMNS = [getattr(Product, PRODUCT_RENAMED.get(n, n)) for n in ProductRecord.__dataclass_fields__]


def _product(row: dict) -> ProductRecord:
    return ProductRecord(**{n: row[PRODUCT_RENAMED.get(n, n)] for n in ProductRecord.__dataclass_fields__})


def _product_columns(values: dict) -> dict:
    return {getattr(Product, PRODUCT_RENAMED.get(k, k)): v for k, v in values.items()}


async def get_product(tenant_id: int, product_id: int, *, lock: bool = False) -> ProductRecord | None:
    query = Product.select(*PRODUCT_COLUMNS).where((Product.tenant == tenant_id) & (Product.id == product_id))
    row = await (locked(query, Product) if lock else query).first()
    return _product(row) if row else None


async def product_by_code(tenant_id: int, code: str) -> ProductRecord | None:
    row = await Product.select(*PRODUCT_COLUMNS).where((Product.tenant == tenant_id) & (Product.code == code)).first()
    return _product(row) if row else None


async def search_products(tenant_id: int, *, group_id: int | None = None, kind: str | None = None,
                          active: bool | None = None, addon_of: int | None = None, search: str | None = None,
                          limit: int = 50, offset: int = 0) -> tuple[list[ProductRecord], int]:
    """One page of the tenant's products matching the filters, by name, and the total count.
    ``search`` matches every word in the name or code, ignoring case (Cyrillic too, which
    SQLite's ``lower`` does not fold, so the words are matched here over the tenant's
    filtered names and codes; a catalog is hundreds of rows, not millions)."""
    where = Product.tenant == tenant_id
    if group_id is not None:
        where &= Product.group == group_id
    if kind:
        where &= Product.kind == kind
    if active is not None:
        where &= Product.is_active == active
    if addon_of is not None:
        where &= Product.addon_of == addon_of
    ordered = (Product.name, Product.id)
    words = (search or "").casefold().split()
    if not words:
        query = Product.select(*PRODUCT_COLUMNS).where(where)
        for column in ordered:
            query = query.order_by(column)
        rows = await query.limit(limit).offset(offset)
        return [_product(r) for r in rows], await Product.count().where(where)
    query = Product.select(Product.id, Product.name, Product.code).where(where)
    for column in ordered:
        query = query.order_by(column)
    ids = [r["id"] for r in await query if all(w in f"{r['name']} {r['code']}".casefold() for w in words)]
    page = ids[offset:offset + limit]
    if not page:
        return [], len(ids)
    rows = {r["id"]: r for r in await Product.select(*PRODUCT_COLUMNS).where(
        (Product.tenant == tenant_id) & Product.id.is_in(page))}
    return [_product(rows[i]) for i in page], len(ids)


async def insert_product(tenant_id: int, values: dict) -> ProductRecord:
    rows = await Product.insert(Product(tenant=tenant_id, **{PRODUCT_RENAMED.get(k, k): v for k, v in values.items()})
                                ).returning(Product.id)
    return await get_product(tenant_id, rows[0]["id"])


async def update_product(tenant_id: int, product_id: int, values: dict) -> ProductRecord | None:
    await Product.update(_product_columns(values)).where((Product.tenant == tenant_id) & (Product.id == product_id))
    return await get_product(tenant_id, product_id)


# -- configurable options ------------------------------------------------------------------------

@dataclass(frozen=True)
class OptionRecord:
    id: int
    tenant_id: int
    product_id: int
    code: str
    name: str
    unit: str
    unit_okei: str
    min_quantity: int
    max_quantity: int | None
    position: int

    def public(self) -> dict:
        data = asdict(self)
        del data["tenant_id"]
        return data

    def state(self) -> dict:
        """The checked fields, in the shape ``core.domain.catalog_checks.check_option`` takes."""
        return {name: getattr(self, name) for name in ("code", "name", "unit", "unit_okei", "min_quantity",
                                                       "max_quantity", "position")}


OPTION_RENAMED = {"tenant_id": "tenant", "product_id": "product"}
OPTION_COLUMNS = [getattr(ConfigurableOption, OPTION_RENAMED.get(n, n)) for n in OptionRecord.__dataclass_fields__]


def _option(row: dict) -> OptionRecord:
    return OptionRecord(**{n: row[OPTION_RENAMED.get(n, n)] for n in OptionRecord.__dataclass_fields__})


async def get_option(tenant_id: int, option_id: int, *, lock: bool = False) -> OptionRecord | None:
    query = ConfigurableOption.select(*OPTION_COLUMNS).where(
        (ConfigurableOption.tenant == tenant_id) & (ConfigurableOption.id == option_id))
    row = await (locked(query, ConfigurableOption) if lock else query).first()
    return _option(row) if row else None


async def option_by_code(tenant_id: int, product_id: int, code: str) -> OptionRecord | None:
    row = await ConfigurableOption.select(*OPTION_COLUMNS).where(
        (ConfigurableOption.tenant == tenant_id) & (ConfigurableOption.product == product_id)
        & (ConfigurableOption.code == code)).first()
    return _option(row) if row else None


async def options_of(tenant_id: int, product_id: int) -> list[OptionRecord]:
    rows = await ConfigurableOption.select(*OPTION_COLUMNS).where(
        (ConfigurableOption.tenant == tenant_id) & (ConfigurableOption.product == product_id)).order_by(
        ConfigurableOption.position).order_by(ConfigurableOption.id)
    return [_option(r) for r in rows]


async def insert_option(tenant_id: int, product_id: int, values: dict) -> OptionRecord:
    rows = await ConfigurableOption.insert(ConfigurableOption(tenant=tenant_id, product=product_id, **values)
                                           ).returning(ConfigurableOption.id)
    return await get_option(tenant_id, rows[0]["id"])


async def update_option(tenant_id: int, option_id: int, values: dict) -> OptionRecord | None:
    await ConfigurableOption.update({getattr(ConfigurableOption, k): v for k, v in values.items()}).where(
        (ConfigurableOption.tenant == tenant_id) & (ConfigurableOption.id == option_id))
    return await get_option(tenant_id, option_id)


# -- prices --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PriceRecord:
    """A price of a product or of an option (``owner_id``); an option's price has no setup fee."""

    id: int
    owner_id: int
    cycle: BillingCycle
    unit_price: Decimal
    setup_fee: Decimal
    effective_from: date
    apply_mode: PriceApply
    created_at: datetime

    def point(self) -> PricePoint:
        return PricePoint(self.cycle, self.unit_price, self.effective_from, self.apply_mode, self.setup_fee)

    def public(self) -> dict:
        return {"id": self.id, "cycle": self.cycle.value, "unit_price": str(self.unit_price),
                "setup_fee": str(self.setup_fee), "effective_from": self.effective_from.isoformat(),
                "apply_mode": self.apply_mode.value, "created_at": self.created_at.isoformat()}


class PriceTable:
    """The queries on one price table: ``ProductPrice`` (owner: product) or ``OptionPrice`` (owner: option)."""

    def __init__(self, table, owner) -> None:
        self.table, self.owner = table, owner
        self.has_fee = hasattr(table, "setup_fee_minor")

    def _record(self, row: dict) -> PriceRecord:
        fee = amount_from_minor(row["setup_fee_minor"]) if self.has_fee else amount_from_minor(0)
        return PriceRecord(row["id"], row[self.owner._meta.name], BillingCycle(row["cycle"]),
                           unit_price_from_units(row["unit_price_e4"]), fee, row["effective_from"],
                           PriceApply(row["apply_mode"]), row["created_at"])

    def _where(self, tenant_id: int, owner_ids: list[int]):
        return (self.table.tenant == tenant_id) & self.owner.is_in(owner_ids)

    async def of(self, tenant_id: int, owner_ids: list[int]) -> list[PriceRecord]:
        """The prices of the owners, by owner, cycle and date."""
        if not owner_ids:
            return []
        rows = await self.table.select().where(self._where(tenant_id, owner_ids)).order_by(self.owner).order_by(
            self.table.cycle).order_by(self.table.effective_from).order_by(self.table.id)
        return [self._record(r) for r in rows]

    async def exists(self, tenant_id: int, owner_id: int, cycle: BillingCycle,
                     effective_from: date | None = None) -> bool:
        where = self._where(tenant_id, [owner_id]) & (self.table.cycle == cycle.value)
        if effective_from is not None:
            where &= self.table.effective_from == effective_from
        return await self.table.exists().where(where)

    async def insert(self, tenant_id: int, owner_id: int, *, cycle: BillingCycle, unit_price: Decimal,
                     setup_fee: Decimal, effective_from: date, apply_mode: PriceApply) -> PriceRecord:
        values = {"tenant": tenant_id, self.owner._meta.name: owner_id, "cycle": cycle.value,
                  "unit_price_e4": unit_price_to_units(unit_price), "effective_from": effective_from,
                  "apply_mode": apply_mode.value}
        if self.has_fee:
            values["setup_fee_minor"] = amount_to_minor(setup_fee)
        rows = await self.table.insert(self.table(**values)).returning(self.table.id)
        row = await self.table.select().where((self.table.tenant == tenant_id) & (self.table.id == rows[0]["id"])
                                              ).first()
        return self._record(row)


product_prices = PriceTable(ProductPrice, ProductPrice.product)
option_prices = PriceTable(OptionPrice, OptionPrice.option)

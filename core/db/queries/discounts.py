from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.db.tables import Discount, Subscription
from core.domain.discounts import Discount as DomainDiscount
from core.domain.discounts import DiscountKind
from core.domain.money import unit_price_from_units, unit_price_to_units


@dataclass(frozen=True)
class DiscountRecord:
    discount: DomainDiscount
    max_uses: int | None
    is_active: bool
    created_at: datetime

    def public(self) -> dict:
        d = self.discount
        return {"id": d.id, "kind": d.kind.value, "value": str(d.value), "description": d.description, "client_id": d.client_id,
                "product_id": d.product_id, "valid_from": d.valid_from.isoformat() if d.valid_from else None,
                "valid_to": d.valid_to.isoformat() if d.valid_to else None, "promo_code": d.promo_code,
                "max_uses": self.max_uses, "is_active": self.is_active}


def _record(row: dict) -> DiscountRecord:
    return DiscountRecord(
        DomainDiscount(id=row["id"], kind=DiscountKind(row["kind"]), value=unit_price_from_units(row["value_e4"]),
                       description=row["description"], client_id=row["client"], product_id=row["product"],
                       valid_from=row["valid_from"], valid_to=row["valid_to"], promo_code=row["promo_code"]),
        row["max_uses"], row["is_active"], row["created_at"])


async def get(tenant_id: int, discount_id: int) -> DiscountRecord | None:
    row = await Discount.select().where((Discount.tenant == tenant_id) & (Discount.id == discount_id)).first()
    return _record(row) if row else None


async def by_promo_code(tenant_id: int, code: str) -> DiscountRecord | None:
    row = await Discount.select().where((Discount.tenant == tenant_id) & (Discount.promo_code == code)).first()
    return _record(row) if row else None


async def list_for(tenant_id: int, *, client_id: int | None = None, active_only: bool = False) -> list[DiscountRecord]:
    where = Discount.tenant == tenant_id
    if client_id is not None:
        where &= Discount.client == client_id
    if active_only:
        where &= Discount.is_active == True  # noqa: E712
    return [_record(r) for r in await Discount.select().where(where).order_by(Discount.id)]


async def candidates(tenant_id: int, client_id: int, product_id: int, on: date) -> list[DomainDiscount]:
    """Active discounts that may apply to a client's product on a date (promo codes checked by the caller)."""
    rows = await Discount.select().where(
        (Discount.tenant == tenant_id) & (Discount.is_active == True)  # noqa: E712
        & (Discount.client.is_null() | (Discount.client == client_id))
        & (Discount.product.is_null() | (Discount.product == product_id))
        & (Discount.valid_from.is_null() | (Discount.valid_from <= on))
        & (Discount.valid_to.is_null() | (Discount.valid_to >= on)))
    return [_record(r).discount for r in rows]


async def uses_of(tenant_id: int, code: str) -> int:
    return await Subscription.count().where((Subscription.tenant == tenant_id) & (Subscription.promo_code == code))


def _columns(values: dict) -> dict:
    mapped = {}
    for name, value in values.items():
        if name == "value":
            mapped[Discount.value_e4] = unit_price_to_units(value)
        elif name in ("client_id", "product_id"):
            mapped[getattr(Discount, name.removesuffix("_id"))] = value
        elif name == "kind":
            mapped[Discount.kind] = value.value
        else:
            mapped[getattr(Discount, name)] = value
    return mapped


async def insert(tenant_id: int, values: dict) -> DiscountRecord:
    row = Discount(tenant=tenant_id, **{c._meta.name: v for c, v in _columns(values).items()})
    return await get(tenant_id, (await Discount.insert(row).returning(Discount.id))[0]["id"])


async def update(tenant_id: int, discount_id: int, values: dict) -> DiscountRecord:
    await Discount.update(_columns(values)).where((Discount.tenant == tenant_id) & (Discount.id == discount_id))
    return await get(tenant_id, discount_id)

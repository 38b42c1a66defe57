"""Seller entities of a tenant."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from core.db.tables import SellerEntity
from core.domain.clock import utc_now


@dataclass(frozen=True)
class SellerRecord:
    id: int
    tenant_id: int
    name: str
    short_name: str
    inn: str
    kpp: str
    ogrn: str
    legal_address: str
    bank_name: str
    bik: str
    correspondent_account: str
    settlement_account: str
    director_name: str
    chief_accountant_name: str
    vat_status: str
    tax_document: str
    is_default: bool
    created_at: datetime
    updated_at: datetime

    def public(self) -> dict:
        data = asdict(self)
        del data["tenant_id"]
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return data

    def state(self) -> dict:
        data = asdict(self)
        for name in ("id", "tenant_id", "is_default", "created_at", "updated_at"):
            del data[name]
        return data


COLUMNS = [getattr(SellerEntity, "tenant" if n == "tenant_id" else n) for n in SellerRecord.__dataclass_fields__]


def _record(row: dict) -> SellerRecord:
    return SellerRecord(**{n: row["tenant" if n == "tenant_id" else n] for n in SellerRecord.__dataclass_fields__})


async def get(tenant_id: int, seller_id: int) -> SellerRecord | None:
    row = await SellerEntity.select(*COLUMNS).where(
        (SellerEntity.tenant == tenant_id) & (SellerEntity.id == seller_id)).first()
    return _record(row) if row else None


async def default_for(tenant_id: int) -> SellerRecord | None:
    row = await SellerEntity.select(*COLUMNS).where(
        (SellerEntity.tenant == tenant_id) & (SellerEntity.is_default == True)  # noqa: E712
    ).first()
    return _record(row) if row else None


async def list_for(tenant_id: int) -> list[SellerRecord]:
    rows = await SellerEntity.select(*COLUMNS).where(SellerEntity.tenant == tenant_id).order_by(SellerEntity.id)
    return [_record(r) for r in rows]


async def insert(tenant_id: int, values: dict) -> SellerRecord:
    rows = await SellerEntity.insert(SellerEntity(tenant=tenant_id, **values)).returning(SellerEntity.id)
    return await get(tenant_id, rows[0]["id"])


async def update(tenant_id: int, seller_id: int, values: dict) -> SellerRecord | None:
    await SellerEntity.update({getattr(SellerEntity, k): v for k, v in (values | {"updated_at": utc_now()}).items()}
                              ).where((SellerEntity.tenant == tenant_id) & (SellerEntity.id == seller_id))
    return await get(tenant_id, seller_id)


async def clear_default(tenant_id: int) -> None:
    await SellerEntity.update({SellerEntity.is_default: False}).where(
        (SellerEntity.tenant == tenant_id) & (SellerEntity.is_default == True)  # noqa: E712
    )

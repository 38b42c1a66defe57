from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from core.db.tables import Tenant


@dataclass(frozen=True)
class TenantRecord:
    id: int
    slug: str
    name: str
    timezone: str
    currency: str
    language: str
    settings: dict
    clock_mode: str
    clock_simulated_at: datetime | None
    created_at: datetime


def _record(row: dict) -> TenantRecord:
    settings = row["settings"]
    return TenantRecord(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        timezone=row["timezone"],
        currency=row["currency"],
        language=row["language"],
        settings=json.loads(settings) if isinstance(settings, str) else (settings or {}),
        clock_mode=row["clock_mode"],
        clock_simulated_at=row["clock_simulated_at"],
        created_at=row["created_at"],
    )


async def by_id(tenant_id: int) -> TenantRecord | None:
    row = await Tenant.select().where(Tenant.id == tenant_id).first()
    return _record(row) if row else None


async def by_slug(slug: str) -> TenantRecord | None:
    row = await Tenant.select().where(Tenant.slug == slug).first()
    return _record(row) if row else None


async def all_tenants() -> list[TenantRecord]:
    return [_record(r) for r in await Tenant.select().order_by(Tenant.id)]


async def insert(*, slug: str, name: str, timezone: str, currency: str, language: str) -> TenantRecord:
    rows = await Tenant.insert(
        Tenant(slug=slug, name=name, timezone=timezone, currency=currency, language=language, settings="{}")
    ).returning(Tenant.id)
    return await by_id(rows[0]["id"])


async def update(tenant_id: int, **values) -> TenantRecord:
    if "settings" in values:
        values["settings"] = json.dumps(values["settings"], ensure_ascii=False)
    await Tenant.update({getattr(Tenant, k): v for k, v in values.items()}).where(Tenant.id == tenant_id)
    return await by_id(tenant_id)

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.tables import ApiKey


@dataclass(frozen=True)
class ApiKeyRecord:
    id: int
    tenant_id: int
    name: str
    prefix: str
    key_hash: str
    role: str
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    def public(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "prefix": self.prefix,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "last_used_at": self.last_used_at.isoformat() if self.last_used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def _record(row: dict) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"], tenant_id=row["tenant"], name=row["name"], prefix=row["prefix"], key_hash=row["key_hash"],
        role=row["role"], created_by=row["created_by"], created_at=row["created_at"],
        last_used_at=row["last_used_at"], revoked_at=row["revoked_at"],
    )


async def get(tenant_id: int, key_id: int) -> ApiKeyRecord | None:
    row = await ApiKey.select().where((ApiKey.tenant == tenant_id) & (ApiKey.id == key_id)).first()
    return _record(row) if row else None


async def by_prefix(prefix: str) -> ApiKeyRecord | None:
    """Authentication looks a key up before its tenant is known; the hash check follows."""
    row = await ApiKey.select().where(ApiKey.prefix == prefix).first()
    return _record(row) if row else None


async def list_for(tenant_id: int) -> list[ApiKeyRecord]:
    return [_record(r) for r in await ApiKey.select().where(ApiKey.tenant == tenant_id).order_by(ApiKey.id)]


async def insert(tenant_id: int, *, name: str, prefix: str, key_hash: str, role: str, created_by: int | None) -> ApiKeyRecord:
    rows = await ApiKey.insert(
        ApiKey(tenant=tenant_id, name=name, prefix=prefix, key_hash=key_hash, role=role, created_by=created_by)
    ).returning(ApiKey.id)
    return await get(tenant_id, rows[0]["id"])


async def set_revoked(tenant_id: int, key_id: int, at: datetime) -> None:
    await ApiKey.update({ApiKey.revoked_at: at}).where((ApiKey.tenant == tenant_id) & (ApiKey.id == key_id))


async def touch(tenant_id: int, key_id: int, at: datetime) -> None:
    await ApiKey.update({ApiKey.last_used_at: at}).where((ApiKey.tenant == tenant_id) & (ApiKey.id == key_id))

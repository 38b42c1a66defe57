from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.tables import User


@dataclass(frozen=True)
class UserRecord:
    id: int
    tenant_id: int
    email: str
    name: str
    role: str
    language: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    password_hash: str

    def public(self) -> dict:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "language": self.language,
            "is_active": self.is_active,
        }


COLUMNS = (
    User.id, User.tenant, User.email, User.name, User.role, User.language,
    User.is_active, User.created_at, User.last_login_at, User.password_hash,
)


def _record(row: dict) -> UserRecord:
    return UserRecord(
        id=row["id"], tenant_id=row["tenant"], email=row["email"], name=row["name"], role=row["role"],
        language=row["language"], is_active=row["is_active"], created_at=row["created_at"],
        last_login_at=row["last_login_at"], password_hash=row["password_hash"],
    )


async def get(tenant_id: int, user_id: int) -> UserRecord | None:
    row = await User.select(*COLUMNS).where((User.tenant == tenant_id) & (User.id == user_id)).first()
    return _record(row) if row else None


async def by_email(tenant_id: int, email: str) -> UserRecord | None:
    row = await User.select(*COLUMNS).where((User.tenant == tenant_id) & (User.email == email)).first()
    return _record(row) if row else None


async def list_for(tenant_id: int) -> list[UserRecord]:
    rows = await User.select(*COLUMNS).where(User.tenant == tenant_id).order_by(User.id)
    return [_record(r) for r in rows]


async def count_active_owners(tenant_id: int) -> int:
    return await User.count().where(
        (User.tenant == tenant_id) & (User.role == "owner") & (User.is_active == True)  # noqa: E712
    )


async def insert(tenant_id: int, *, email: str, name: str, password_hash: str, role: str, language: str) -> UserRecord:
    rows = await User.insert(
        User(tenant=tenant_id, email=email, name=name, password_hash=password_hash, role=role, language=language)
    ).returning(User.id)
    return await get(tenant_id, rows[0]["id"])


async def update(tenant_id: int, user_id: int, **values) -> UserRecord | None:
    await User.update({getattr(User, k): v for k, v in values.items()}).where(
        (User.tenant == tenant_id) & (User.id == user_id)
    )
    return await get(tenant_id, user_id)

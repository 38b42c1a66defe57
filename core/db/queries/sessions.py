from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.tables import UserSession


@dataclass(frozen=True)
class SessionRecord:
    id: int
    tenant_id: int
    user_id: int
    csrf_token: str
    expires_at: datetime


async def insert(*, token_hash: str, tenant_id: int, user_id: int, csrf_token: str, expires_at: datetime) -> None:
    await UserSession.insert(
        UserSession(token_hash=token_hash, tenant=tenant_id, user=user_id, csrf_token=csrf_token, expires_at=expires_at)
    )


async def by_token_hash(token_hash: str) -> SessionRecord | None:
    row = await UserSession.select().where(UserSession.token_hash == token_hash).first()
    if not row:
        return None
    return SessionRecord(row["id"], row["tenant"], row["user"], row["csrf_token"], row["expires_at"])


async def delete(token_hash: str) -> None:
    await UserSession.delete().where(UserSession.token_hash == token_hash)


async def delete_for_user(tenant_id: int, user_id: int) -> None:
    await UserSession.delete().where((UserSession.tenant == tenant_id) & (UserSession.user == user_id))


async def delete_expired(now: datetime) -> None:
    await UserSession.delete().where(UserSession.expires_at < now)

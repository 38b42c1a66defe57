"""The client portal: clients' sign-ins (e-mail and password hash) and their sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.tables import PortalAccess, PortalSession


@dataclass(frozen=True)
class AccessRecord:
    id: int
    tenant_id: int
    client_id: int
    email: str
    password_hash: str
    created_at: datetime
    last_login_at: datetime | None

    def public(self) -> dict:
        """What the audit log and the pages may show (never the password hash)."""
        return {"client_id": self.client_id, "email": self.email, "created_at": self.created_at.isoformat(),
                "last_login_at": self.last_login_at.isoformat() if self.last_login_at else None}


@dataclass(frozen=True)
class SessionRecord:
    tenant_id: int
    client_id: int
    expires_at: datetime


def _access(row: dict) -> AccessRecord:
    return AccessRecord(row["id"], row["tenant"], row["client"], row["email"], row["password_hash"],
                        row["created_at"], row["last_login_at"])


async def access_of(tenant_id: int, client_id: int) -> AccessRecord | None:
    row = await PortalAccess.select().where(
        (PortalAccess.tenant == tenant_id) & (PortalAccess.client == client_id)).first()
    return _access(row) if row else None


async def access_by_email(tenant_id: int, email: str) -> AccessRecord | None:
    row = await PortalAccess.select().where(
        (PortalAccess.tenant == tenant_id) & (PortalAccess.email == email)).first()
    return _access(row) if row else None


async def insert_access(tenant_id: int, client_id: int, *, email: str, password_hash: str) -> None:
    await PortalAccess.insert(PortalAccess(tenant=tenant_id, client=client_id, email=email,
                                           password_hash=password_hash))


async def update_access(tenant_id: int, client_id: int, *, email: str, password_hash: str) -> None:
    await PortalAccess.update({PortalAccess.email: email, PortalAccess.password_hash: password_hash}).where(
        (PortalAccess.tenant == tenant_id) & (PortalAccess.client == client_id))


async def touch_login(tenant_id: int, client_id: int, now: datetime) -> None:
    await PortalAccess.update({PortalAccess.last_login_at: now}).where(
        (PortalAccess.tenant == tenant_id) & (PortalAccess.client == client_id))


async def delete_access(tenant_id: int, client_id: int) -> int:
    """Remove the client's sign-in and all its sessions; returns how many sign-ins were removed."""
    await delete_sessions_of(tenant_id, client_id)
    rows = await PortalAccess.delete().where(
        (PortalAccess.tenant == tenant_id) & (PortalAccess.client == client_id)).returning(PortalAccess.id)
    return len(rows)


async def insert_session(tenant_id: int, client_id: int, *, token_hash: str, expires_at: datetime) -> None:
    await PortalSession.insert(PortalSession(tenant=tenant_id, client=client_id, token_hash=token_hash,
                                             expires_at=expires_at))


async def session_by_token_hash(token_hash: str) -> SessionRecord | None:
    row = await PortalSession.select(PortalSession.tenant, PortalSession.client, PortalSession.expires_at).where(
        PortalSession.token_hash == token_hash).first()
    return SessionRecord(row["tenant"], row["client"], row["expires_at"]) if row else None


async def delete_session(token_hash: str) -> None:
    await PortalSession.delete().where(PortalSession.token_hash == token_hash)


async def delete_sessions_of(tenant_id: int, client_id: int) -> None:
    await PortalSession.delete().where((PortalSession.tenant == tenant_id) & (PortalSession.client == client_id))


async def delete_expired_sessions(now: datetime) -> None:
    await PortalSession.delete().where(PortalSession.expires_at < now)


async def drop_merged(tenant_id: int, source_id: int, target_id: int) -> int:
    """The merge step: a merged client's sign-in and sessions go; returns how many sign-ins."""
    return await delete_access(tenant_id, source_id)

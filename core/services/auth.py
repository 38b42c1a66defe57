"""Logging in: password sessions for the web UI and API keys for the API."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from core.db.queries import api_keys as keys_q
from core.db.queries import sessions as sessions_q
from core.db.queries import tenants as tenants_q
from core.db.queries import users as users_q
from core.db.queries.api_keys import ApiKeyRecord
from core.db.queries.users import UserRecord
from core.db.transaction import atomic
from core.domain.clock import utc_now
from core.domain.roles import MANAGE_TENANT
from core.services import audit
from core.services.actor import API_KEY, USER, Actor
from core.services.errors import Conflict, InvalidInput, NotFound
from core.services.passwords import verify_password
from core.services.users import _check_role, normalize_email

KEY_PREFIX = "saldo"
KEY_TOUCH_INTERVAL = timedelta(minutes=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_actor(user: UserRecord) -> Actor:
    return Actor(tenant_id=user.tenant_id, kind=USER, role=user.role, id=user.id, label=user.email)


def key_actor(key: ApiKeyRecord) -> Actor:
    return Actor(tenant_id=key.tenant_id, kind=API_KEY, role=key.role, id=key.id, label=f"key:{key.name}")


@dataclass(frozen=True)
class Login:
    token: str
    csrf_token: str
    user: UserRecord


async def login(tenant_slug: str, email: str, password: str, hours: int) -> Login | None:
    """Check the password and open a session; None when the tenant, user or password is wrong."""
    tenant = await tenants_q.by_slug(tenant_slug.strip().lower())
    user = await users_q.by_email(tenant.id, normalize_email(email)) if tenant else None
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        return None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utc_now()
    async with atomic():
        await sessions_q.delete_expired(now)
        await sessions_q.insert(token_hash=token_hash(token), tenant_id=user.tenant_id, user_id=user.id,
                                csrf_token=csrf, expires_at=now + timedelta(hours=hours))
        await users_q.update(user.tenant_id, user.id, last_login_at=now)
        await audit.record(user_actor(user), "user.login", "user", user.id)
    return Login(token, csrf, user)


@dataclass(frozen=True)
class SessionPrincipal:
    actor: Actor
    user: UserRecord
    csrf_token: str


async def session_principal(token: str) -> SessionPrincipal | None:
    session = await sessions_q.by_token_hash(token_hash(token))
    if session is None or session.expires_at <= utc_now():
        return None
    user = await users_q.get(session.tenant_id, session.user_id)
    if user is None or not user.is_active:
        return None
    return SessionPrincipal(user_actor(user), user, session.csrf_token)


async def logout(token: str) -> None:
    principal = await session_principal(token)
    async with atomic():
        await sessions_q.delete(token_hash(token))
        if principal:
            await audit.record(principal.actor, "user.logout", "user", principal.user.id)


@dataclass(frozen=True)
class NewApiKey:
    key: str
    record: ApiKeyRecord


async def create_api_key(actor: Actor, *, name: str, role: str) -> NewApiKey:
    """Create a key; the returned secret is shown once and only its hash is kept."""
    actor.require(MANAGE_TENANT)
    if not name.strip():
        raise InvalidInput.field("name", "must not be empty")
    _check_role(actor, role)
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    async with atomic():
        record = await keys_q.insert(actor.tenant_id, name=name.strip(), prefix=prefix, key_hash=token_hash(key),
                                     role=role, created_by=actor.id if actor.kind == USER else None)
        await audit.record(actor, "api_key.create", "api_key", record.id, None, record.public())
    return NewApiKey(key, record)


async def list_api_keys(actor: Actor) -> list[ApiKeyRecord]:
    actor.require(MANAGE_TENANT)
    return await keys_q.list_for(actor.tenant_id)


async def revoke_api_key(actor: Actor, key_id: int) -> ApiKeyRecord:
    actor.require(MANAGE_TENANT)
    async with atomic():
        before = await keys_q.get(actor.tenant_id, key_id)
        if before is None:
            raise NotFound("api_key", key_id)
        if before.revoked_at:
            raise Conflict(f"API key {key_id} is already revoked")
        await keys_q.set_revoked(actor.tenant_id, key_id, utc_now())
        after = await keys_q.get(actor.tenant_id, key_id)
        await audit.record(actor, "api_key.revoke", "api_key", key_id, before.public(), after.public())
    return after


async def api_key_actor(key: str) -> Actor | None:
    """The actor a presented key stands for, or None if it is unknown, forged or revoked."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    record = await keys_q.by_prefix(parts[1])
    if record is None or record.revoked_at is not None:
        return None
    if not hmac.compare_digest(record.key_hash, token_hash(key)):
        return None
    now = utc_now()
    if record.last_used_at is None or now - record.last_used_at >= KEY_TOUCH_INTERVAL:
        await keys_q.touch(record.tenant_id, record.id, now)
    return key_actor(record)

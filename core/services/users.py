"""Staff users of a tenant, with roles."""

from __future__ import annotations

import re

from core.db.queries import sessions as sessions_q
from core.db.queries import users as users_q
from core.db.queries.users import UserRecord
from core.db.transaction import atomic
from core.domain.roles import MANAGE_TENANT, OWNER, ROLES, can_grant
from core.services import audit
from core.services.actor import Actor
from core.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.services.passwords import hash_password, password_problem

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_role(actor: Actor, role: str) -> None:
    if role not in ROLES:
        raise InvalidInput.field("role", f"must be one of {', '.join(ROLES)}")
    if not can_grant(actor.role, role):
        raise Forbidden(f"role {actor.role} may not grant role {role}")


async def create(actor: Actor, *, email: str, password: str, role: str, name: str = "",
                 language: str = "") -> UserRecord:
    actor.require(MANAGE_TENANT)
    email = normalize_email(email)
    if not EMAIL_RE.match(email):
        raise InvalidInput.field("email", "is not an e-mail address")
    if problem := password_problem(password):
        raise InvalidInput.field("password", problem)
    if language not in ("", "ru", "en"):
        raise InvalidInput.field("language", "must be ru or en")
    _check_role(actor, role)
    password_hash = hash_password(password)
    async with atomic():
        if await users_q.by_email(actor.tenant_id, email):
            raise Conflict(f"a user with e-mail {email} already exists",
                           [{"field": "email", "message": "already exists"}])
        user = await users_q.insert(actor.tenant_id, email=email, name=name.strip(), password_hash=password_hash,
                                    role=role, language=language)
        await audit.record(actor, "user.create", "user", user.id, None, user.public())
    return user


async def get(actor: Actor, user_id: int) -> UserRecord:
    user = await users_q.get(actor.tenant_id, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


async def list_users(actor: Actor) -> list[UserRecord]:
    return await users_q.list_for(actor.tenant_id)


async def update(actor: Actor, user_id: int, *, name: str | None = None, role: str | None = None,
                 is_active: bool | None = None, language: str | None = None,
                 password: str | None = None) -> UserRecord:
    """Change a user. Users may change their own name, language and password; the rest needs
    tenant management rights. The last active owner cannot be demoted or deactivated."""
    own = actor.kind == "user" and actor.id == user_id
    if not own or role is not None or is_active is not None:
        actor.require(MANAGE_TENANT)
    changes: dict = {}
    if name is not None:
        changes["name"] = name.strip()
    if language is not None:
        if language not in ("", "ru", "en"):
            raise InvalidInput.field("language", "must be ru or en")
        changes["language"] = language
    if password is not None:
        if problem := password_problem(password):
            raise InvalidInput.field("password", problem)
        changes["password_hash"] = hash_password(password)
    if role is not None:
        _check_role(actor, role)
        changes["role"] = role
    if is_active is not None:
        changes["is_active"] = is_active
    async with atomic():
        before = await get(actor, user_id)
        if before.role == OWNER and actor.role != OWNER and (role is not None or is_active is not None):
            raise Forbidden("only an owner may change an owner")
        losing_owner = before.role == OWNER and before.is_active and (
            (role is not None and role != OWNER) or is_active is False)
        if losing_owner and await users_q.count_active_owners(actor.tenant_id) <= 1:
            raise Conflict("the last active owner cannot be demoted or deactivated",
                           [{"field": "role" if role is not None else "is_active", "message": "last owner"}])
        after = await users_q.update(actor.tenant_id, user_id, **changes) if changes else before
        if is_active is False or "password_hash" in changes:
            await sessions_q.delete_for_user(actor.tenant_id, user_id)
        audit_after = after.public() | ({"password": "changed"} if "password_hash" in changes else {})
        await audit.record(actor, "user.update", "user", user_id, before.public(), audit_after)
    return after

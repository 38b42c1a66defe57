"""Client groups: a tenant's named sets of clients, unique by name."""

from __future__ import annotations

from core.db.integrity import is_unique_violation
from core.db.queries import clients as clients_q
from core.db.queries.clients import GroupRecord
from core.db.transaction import atomic
from core.domain.roles import MANAGE_BILLING
from core.services import audit
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound

MAX_NAME = 255


def _name_taken(name: str) -> Conflict:
    return Conflict(f"a client group named {name!r} already exists",
                    [{"field": "name", "message": "another group has this name"}])


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", "must not be empty")
    if len(name) > MAX_NAME:
        raise InvalidInput.field("name", f"is longer than {MAX_NAME} characters")
    return name


async def list_groups(actor: Actor) -> list[GroupRecord]:
    return await clients_q.list_groups(actor.tenant_id)


async def get(actor: Actor, group_id: int) -> GroupRecord:
    group = await clients_q.get_group(actor.tenant_id, group_id)
    if group is None:
        raise NotFound("client group", group_id)
    return group


async def create(actor: Actor, *, name: str, description: str = "") -> GroupRecord:
    actor.require(MANAGE_BILLING)
    name = _clean_name(name)
    async with atomic():
        if await clients_q.group_by_name(actor.tenant_id, name):
            raise _name_taken(name)
        try:
            group = await clients_q.insert_group(actor.tenant_id, name=name, description=description.strip())
        except Exception as exc:
            if is_unique_violation(exc):
                raise _name_taken(name) from exc
            raise
        await audit.record(actor, "client_group.create", "client_group", group.id, None, group.public())
    return group


async def update(actor: Actor, group_id: int, *, name: str | None = None,
                 description: str | None = None) -> GroupRecord:
    actor.require(MANAGE_BILLING)
    changes = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if description is not None:
        changes["description"] = description.strip()
    async with atomic():
        before = await get(actor, group_id)
        if changes.get("name", before.name) != before.name and await clients_q.group_by_name(
                actor.tenant_id, changes["name"]):
            raise _name_taken(changes["name"])
        after = await clients_q.update_group(actor.tenant_id, group_id, changes) if changes else before
        await audit.record(actor, "client_group.update", "client_group", group_id, before.public(), after.public())
    return after


async def delete(actor: Actor, group_id: int) -> GroupRecord:
    """Remove an empty group; a group that still has clients is refused."""
    actor.require(MANAGE_BILLING)
    async with atomic():
        group = await get(actor, group_id)
        if count := await clients_q.count_in_group(actor.tenant_id, group_id):
            raise Conflict(f"the group still has {count} client(s); move them first",
                           [{"field": "id", "message": f"{count} client(s) in the group"}])
        await clients_q.delete_group(actor.tenant_id, group_id)
        await audit.record(actor, "client_group.delete", "client_group", group_id, group.public(), None)
    return group

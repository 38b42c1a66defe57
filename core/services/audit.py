"""The append-only audit log: every mutation records who, what, when, before and after."""

from __future__ import annotations

from core.db.queries import audit as audit_q
from core.services.actor import Actor


async def record(actor: Actor, action: str, object_type: str, object_id: object,
                 before: dict | None = None, after: dict | None = None) -> None:
    """Call inside the mutation's transaction so the event and the change commit together."""
    await audit_q.insert(
        actor.tenant_id, actor_kind=actor.kind, actor_id=actor.id, actor_label=actor.label, action=action,
        object_type=object_type, object_id=str(object_id), before=before, after=after,
    )


async def events(actor: Actor, *, limit: int = 100, before_id: int | None = None,
                 object_type: str | None = None, object_id: str | None = None):
    return await audit_q.list_for(actor.tenant_id, limit=min(max(limit, 1), 500), before_id=before_id,
                                  object_type=object_type, object_id=object_id)

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from core.db.tables import AuditEvent


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor_kind: str
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None

    def public(self) -> dict:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": {"kind": self.actor_kind, "id": self.actor_id, "label": self.actor_label},
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
        }


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


async def insert(tenant_id: int, *, actor_kind: str, actor_id: int | None, actor_label: str, action: str,
                 object_type: str, object_id: str, before: dict | None, after: dict | None) -> None:
    await AuditEvent.insert(
        AuditEvent(
            tenant=tenant_id, actor_kind=actor_kind, actor_id=actor_id, actor_label=actor_label, action=action,
            object_type=object_type, object_id=object_id,
            before=None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            after=None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        )
    )


async def list_for(tenant_id: int, *, limit: int = 100, before_id: int | None = None,
                   object_type: str | None = None, object_id: str | None = None) -> list[AuditRecord]:
    where = AuditEvent.tenant == tenant_id
    if before_id is not None:
        where &= AuditEvent.id < before_id
    if object_type:
        where &= AuditEvent.object_type == object_type
    if object_id:
        where &= AuditEvent.object_id == object_id
    rows = await AuditEvent.select().where(where).order_by(AuditEvent.id, ascending=False).limit(limit)
    return [
        AuditRecord(
            id=r["id"], at=r["at"], actor_kind=r["actor_kind"], actor_id=r["actor_id"], actor_label=r["actor_label"],
            action=r["action"], object_type=r["object_type"], object_id=r["object_id"],
            before=_json(r["before"]), after=_json(r["after"]),
        )
        for r in rows
    ]

from __future__ import annotations

from litestar import Controller, get
from litestar.params import Parameter

from core.domain.roles import MANAGE_TENANT
from core.services import audit
from core.services.actor import Actor


class AuditController(Controller):
    path = "/audit"
    tags = ["audit"]

    @get("/", summary="The tenant's audit log, newest first")
    async def list(
        self,
        actor: Actor,
        limit: int = Parameter(default=100, ge=1, le=500),
        before_id: int | None = Parameter(default=None, description="Page: events older than this id."),
        object_type: str | None = None,
        object_id: str | None = None,
    ) -> list[dict]:
        actor.require(MANAGE_TENANT)
        events = await audit.events(actor, limit=limit, before_id=before_id, object_type=object_type,
                                    object_id=object_id)
        return [e.public() for e in events]

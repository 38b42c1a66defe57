"""Who is acting: a user, an API key, the CLI or the system itself."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.roles import OWNER, can
from core.services.errors import Forbidden

USER = "user"
API_KEY = "api_key"
CLI = "cli"
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    tenant_id: int
    kind: str
    role: str
    id: int | None = None
    label: str = ""

    @classmethod
    def cli(cls, tenant_id: int) -> "Actor":
        return cls(tenant_id=tenant_id, kind=CLI, role=OWNER, label="cli")

    @classmethod
    def system(cls, tenant_id: int) -> "Actor":
        return cls(tenant_id=tenant_id, kind=SYSTEM, role=OWNER, label="system")

    def can(self, permission: str) -> bool:
        return can(self.role, permission)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(f"role {self.role} may not do this ({permission})")

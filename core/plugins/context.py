"""The ``tenant`` argument of hooks: who the call is for, and its plugins' settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Mapping

from pydantic import BaseModel


@dataclass(frozen=True)
class TenantContext:
    id: int
    slug: str
    name: str
    timezone: str
    currency: str
    today: date
    """The tenant's business date by its clock (real or simulated)."""
    plugin_configs: Mapping[str, BaseModel] = field(default_factory=dict, hash=False, repr=False)
    """Validated settings of the enabled plugins that have a config model, by plugin id."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "plugin_configs", MappingProxyType(dict(self.plugin_configs)))

    def config(self, plugin_id: str) -> BaseModel | None:
        """The tenant's settings of ``plugin_id``; None when it has no config model or is off."""
        return self.plugin_configs.get(plugin_id)

from __future__ import annotations

from typing import Any

from litestar import Controller, get, put
from pydantic import BaseModel, Field

from core.plugins.manager import PluginRegistry
from core.services import plugins
from core.services.actor import Actor


class PluginOut(BaseModel):
    id: str
    name: str
    version: str
    description: str
    level: str
    distribution: str
    enabled: bool
    always_on: bool
    configurable: bool
    config: dict[str, Any]


class PluginPut(BaseModel):
    enabled: bool | None = None
    config: dict[str, Any] | None = Field(
        default=None, description="Settings; secret fields left out keep their saved value and are never returned."
    )


class PluginsController(Controller):
    path = "/plugins"
    tags = ["plugins"]

    @get("/", summary="Installed plugins with their state for this tenant")
    async def list(self, actor: Actor, registry: PluginRegistry) -> list[PluginOut]:
        return [PluginOut(**p.public()) for p in await plugins.list_plugins(actor, registry)]

    @get("/{plugin_id:str}", summary="One plugin with its settings (secrets masked)")
    async def show(self, actor: Actor, registry: PluginRegistry, plugin_id: str) -> PluginOut:
        return PluginOut(**(await plugins.get_plugin(actor, registry, plugin_id)).public())

    @put("/{plugin_id:str}", summary="Enable, disable or configure a plugin for this tenant")
    async def update(self, actor: Actor, registry: PluginRegistry, plugin_id: str, data: PluginPut) -> PluginOut:
        plugin = await plugins.configure(actor, registry, plugin_id, enabled=data.enabled, config=data.config)
        return PluginOut(**plugin.public())

"""Per-tenant plugin enablement and configuration, and the tenant's view of the hooks."""

from __future__ import annotations

from dataclasses import dataclass

from core.db.queries import plugin_settings as settings_q
from core.db.transaction import atomic
from core.domain.roles import MANAGE_TENANT
from core.plugins.config import PluginConfigError, load_config, public_config, validate_config
from core.plugins.context import TenantContext
from core.plugins.manager import PluginRegistry, UnknownPlugin
from core.plugins.meta import PluginMeta
from core.plugins.relay import TenantHooks
from core.services import audit, tenants
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class TenantPlugin:
    meta: PluginMeta
    enabled: bool
    always_on: bool
    config: dict  # public_config(): secrets are never included
    distribution: str

    def public(self) -> dict:
        return {
            "id": self.meta.id,
            "name": self.meta.name,
            "version": self.meta.version,
            "description": self.meta.description,
            "level": self.meta.level,
            "distribution": self.distribution,
            "enabled": self.enabled,
            "always_on": self.always_on,
            "configurable": self.meta.config_model is not None,
            "config": self.config,
        }


def _meta(registry: PluginRegistry, plugin_id: str) -> PluginMeta:
    try:
        return registry.meta(plugin_id)
    except UnknownPlugin:
        raise NotFound("plugin", plugin_id) from None


async def enabled_ids(registry: PluginRegistry, tenant_id: int) -> frozenset[str]:
    stored = await settings_q.list_for(tenant_id)
    return frozenset(
        plugin_id for plugin_id, meta in registry.metas.items()
        if meta.always_on or (stored[plugin_id].enabled if plugin_id in stored else meta.default_enabled)
    )


async def list_plugins(actor: Actor, registry: PluginRegistry) -> list[TenantPlugin]:
    stored = await settings_q.list_for(actor.tenant_id)
    enabled = await enabled_ids(registry, actor.tenant_id)
    return [
        TenantPlugin(meta, plugin_id in enabled, meta.always_on,
                     public_config(meta, stored[plugin_id].config if plugin_id in stored else {}),
                     registry.distribution(plugin_id))
        for plugin_id, meta in registry.metas.items()
    ]


async def get_plugin(actor: Actor, registry: PluginRegistry, plugin_id: str) -> TenantPlugin:
    _meta(registry, plugin_id)
    return next(p for p in await list_plugins(actor, registry) if p.meta.id == plugin_id)


async def configure(actor: Actor, registry: PluginRegistry, plugin_id: str, *, enabled: bool | None = None,
                    config: dict | None = None) -> TenantPlugin:
    """Enable, disable or configure a plugin for the actor's tenant. The config is validated
    against the plugin's model; secret fields left out keep their stored value. Enabling a
    plugin whose stored config is incomplete is refused with the missing fields."""
    actor.require(MANAGE_TENANT)
    meta = _meta(registry, plugin_id)
    if enabled is False and meta.always_on:
        raise Conflict(f"plugin {plugin_id} is always on and cannot be disabled",
                       [{"field": "enabled", "message": "always on"}])
    if config is not None and meta.config_model is None:
        raise InvalidInput.field("config", f"plugin {plugin_id} has no settings")
    async with atomic():
        current = await settings_q.get(actor.tenant_id, plugin_id)
        was_enabled = plugin_id in await enabled_ids(registry, actor.tenant_id)
        stored = current.config if current else {}
        new_enabled = was_enabled if enabled is None else enabled
        try:
            new_config = validate_config(meta, config if config is not None else {}, stored) \
                if meta.config_model is not None and (config is not None or new_enabled) else stored
        except PluginConfigError as exc:
            raise InvalidInput(f"invalid settings for plugin {plugin_id}", exc.errors) from None
        await settings_q.save(actor.tenant_id, plugin_id, enabled=new_enabled, config=new_config)
        await audit.record(
            actor, "plugin.configure", "plugin", plugin_id,
            {"enabled": was_enabled, "config": public_config(meta, stored)},
            {"enabled": new_enabled, "config": public_config(meta, new_config)},
        )
    return await get_plugin(actor, registry, plugin_id)


async def tenant_context(registry: PluginRegistry, tenant_id: int) -> tuple[TenantHooks, TenantContext]:
    """The hooks of the plugins enabled for the tenant, and the ``tenant`` argument they receive."""
    tenant = await tenants.get(tenant_id)
    enabled = await enabled_ids(registry, tenant_id)
    stored = await settings_q.list_for(tenant_id)
    configs = {
        plugin_id: load_config(registry.meta(plugin_id), stored[plugin_id].config if plugin_id in stored else {})
        for plugin_id in enabled if registry.meta(plugin_id).config_model is not None
    }
    context = TenantContext(id=tenant.id, slug=tenant.slug, name=tenant.name, timezone=tenant.timezone,
                            currency=tenant.currency, today=tenants.clock_of(tenant).today(), plugin_configs=configs)
    return registry.for_tenant(enabled), context

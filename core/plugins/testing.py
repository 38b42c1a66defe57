"""Pytest fixtures for plugin authors (re-exported by Saldo's pytest plugin ``core.testing``).

``plugin_registry`` is a registry with the built-in plugins only, no entry points:
a test sees exactly the plugins it registers with ``register_plugin``, which are
removed after the test. ``tenant_context`` builds the ``tenant`` argument of hooks::

    def test_discount(plugin_registry, register_plugin, tenant_context):
        register_plugin(my_plugin)
        tenant = tenant_context(configs={"my_plugin": MyConfig(percent=10)})
        hooks = plugin_registry.for_tenant({"my_plugin"})
        hooks.hook.saldo_price_adjustments(tenant=tenant, charge=..., base=...)
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterator, Mapping

import pytest
from pydantic import BaseModel

from core.plugins.context import TenantContext
from core.plugins.manager import PluginRegistry
from core.plugins.meta import PluginMeta


def build_tenant_context(
    configs: Mapping[str, BaseModel] | None = None,
    *,
    id: int = 1,
    slug: str = "test",
    name: str = "Test tenant",
    timezone: str = "Europe/Moscow",
    currency: str = "RUB",
    today: date = date(2026, 1, 15),
) -> TenantContext:
    """A :class:`TenantContext` with plugin settings ``configs`` (plugin id → config model)."""
    return TenantContext(id=id, slug=slug, name=name, timezone=timezone, currency=currency, today=today,
                         plugin_configs=dict(configs or {}))


def declared_plugin(meta: PluginMeta, **hooks: Callable) -> object:
    """A plugin object with ``plugin_meta`` and, as methods, the given hook implementations
    (functions taking ``self``), for tests that need a plugin without writing a module."""
    return type(f"Plugin_{meta.id}", (), {"plugin_meta": meta, **hooks})()


@pytest.fixture
def plugin_registry() -> PluginRegistry:
    """A plugin registry with the built-in plugins and no entry-point plugins."""
    return PluginRegistry.build(load_entrypoints=False)


@pytest.fixture
def register_plugin(plugin_registry: PluginRegistry) -> Iterator[Callable[[object], PluginMeta]]:
    """``register_plugin(module_or_object)`` registers a plugin on ``plugin_registry`` for this test."""
    registered: list[str] = []

    def register(plugin: object) -> PluginMeta:
        meta = plugin_registry.register(plugin)
        registered.append(meta.id)
        return meta

    yield register
    for plugin_id in reversed(registered):
        if plugin_id in plugin_registry.metas:
            plugin_registry.unregister(plugin_id)


@pytest.fixture
def tenant_context() -> Callable[..., TenantContext]:
    """``tenant_context(configs={plugin_id: config}, **fields)`` builds a :class:`TenantContext`."""
    return build_tenant_context

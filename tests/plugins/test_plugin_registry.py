import importlib.metadata
import logging
import sys
import types
from decimal import Decimal

import pluggy
import pytest

from core.domain.money import Money
from core.domain.pricing import Charge
from core.hookspecs import hookimpl
from core.plugins.manager import BUILT_IN, PluginLoadError, PluginRegistry, UnknownPlugin
from core.plugins.meta import PluginMeta, PluginMetaError

DEFAULTS = ("default_pricing", "default_numbering")  # the built-in plugins, in registration order


def namespace(plugin_id: str = "sample", **attributes) -> types.ModuleType:
    module = types.ModuleType(f"saldo_{plugin_id}")
    module.plugin_meta = PluginMeta(id=plugin_id, name="Sample", version="1.0", description="A sample plugin.")
    for name, value in attributes.items():
        setattr(module, name, value)
    return module


def test_defaults_only_without_entry_points():
    registry = PluginRegistry.build(load_entrypoints=False)
    assert list(registry.metas) == list(DEFAULTS)
    for plugin_id in DEFAULTS:
        meta = registry.meta(plugin_id)
        assert meta.essential and meta.level == "global"
        assert registry.distribution(plugin_id) == BUILT_IN


def test_installed_entry_points_are_registered_after_the_defaults():
    registry = PluginRegistry.build()
    installed = sorted(ep.name for ep in importlib.metadata.entry_points(group="saldo"))
    assert list(registry.metas) == [*DEFAULTS, *installed]
    for entry_point in importlib.metadata.entry_points(group="saldo"):
        assert registry.distribution(entry_point.name) == f"{entry_point.dist.name} {entry_point.dist.version}"
        assert registry.pm.get_plugin(entry_point.name) is not None


def test_metas_are_read_only(plugin_registry):
    with pytest.raises(TypeError):
        plugin_registry.metas["x"] = None


def test_a_plugin_without_metadata_is_refused(plugin_registry):
    with pytest.raises(PluginMetaError, match="has no plugin_meta"):
        plugin_registry.register(types.SimpleNamespace(plugin_meta={"id": "x"}))


def test_duplicate_ids_are_refused_naming_both(plugin_registry):
    plugin_registry.register(namespace())
    second = namespace()
    second.__name__ = "second_plugin"
    message = "'sample' of module second_plugin is already used by module saldo_sample"
    with pytest.raises(PluginMetaError, match=message):
        plugin_registry.register(second)


def test_an_unknown_hook_is_refused_and_nothing_stays_registered(plugin_registry):
    @hookimpl
    def saldo_price_discount(tenant, charge):
        return None

    with pytest.raises(pluggy.PluginValidationError, match="unknown hook 'saldo_price_discount'"):
        plugin_registry.register(namespace(saldo_price_discount=saldo_price_discount))
    assert "sample" not in plugin_registry.metas
    assert plugin_registry.pm.get_plugin("sample") is None


def test_an_implementation_with_unknown_arguments_is_refused(plugin_registry):
    @hookimpl
    def saldo_price_base(tenant, charge, discount):
        return None

    with pytest.raises(pluggy.PluginValidationError, match="discount"):
        plugin_registry.register(namespace(saldo_price_base=saldo_price_base))
    assert "sample" not in plugin_registry.metas


def test_a_plugin_for_another_core_version_is_refused(plugin_registry):
    plugin = namespace()
    plugin.plugin_meta = PluginMeta(id="future", name="Future", version="1", description="x", requires_core=">=99")
    with pytest.raises(PluginMetaError, match="requires saldo >=99"):
        plugin_registry.register(plugin)


def test_unregister(plugin_registry):
    plugin_registry.register(namespace())
    plugin_registry.unregister("sample")
    assert "sample" not in plugin_registry.metas
    with pytest.raises(UnknownPlugin, match="no plugin 'sample' is installed"):
        plugin_registry.unregister("sample")
    with pytest.raises(UnknownPlugin):
        plugin_registry.meta("sample")
    with pytest.raises(UnknownPlugin):
        plugin_registry.distribution("sample")


def test_tenant_hooks_include_always_on_plugins_and_ignore_unknown_ids(plugin_registry):
    plugin_registry.register(namespace("optional"))
    assert plugin_registry.for_tenant(set()).plugin_ids == set(DEFAULTS)
    assert plugin_registry.for_tenant({"optional", "uninstalled"}).plugin_ids == {*DEFAULTS, "optional"}


def test_tenant_hooks_are_cached_per_plugin_set_until_registration_changes(plugin_registry):
    plugin_registry.register(namespace("optional"))
    hooks = plugin_registry.for_tenant({"optional"})
    assert plugin_registry.for_tenant(frozenset({"optional", "default_pricing", "gone"})) is hooks
    plugin_registry.register(namespace("another"))
    assert plugin_registry.for_tenant({"optional"}) is not hooks


@pytest.fixture
def entry_points(monkeypatch):
    """Replace the installed entry points by ``entry_points(name=module, ...)`` of fake modules."""

    def install(**modules):
        eps = []
        for name, module in modules.items():
            if module is not None:
                monkeypatch.setitem(sys.modules, module.__name__, module)
            value = module.__name__ if module else "missing_saldo_plugin"
            eps.append(importlib.metadata.EntryPoint(name, value, "saldo"))
        monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: eps if group == "saldo" else [])

    return install


def test_entry_points_are_loaded_in_name_order(entry_points):
    plugins = {}
    for plugin_id in ("zeta", "alpha"):
        plugins[plugin_id] = namespace(plugin_id)
    entry_points(**plugins)
    registry = PluginRegistry.build()
    assert list(registry.metas) == [*DEFAULTS, "alpha", "zeta"]


def test_an_entry_point_must_be_named_after_its_plugin(entry_points):
    entry_points(example=namespace("sample"))
    with pytest.raises(PluginMetaError, match="entry point 'example' .* must be named after its plugin id 'sample'"):
        PluginRegistry.build()


def test_an_entry_point_that_cannot_be_imported_is_named(entry_points):
    entry_points(broken=None)
    with pytest.raises(PluginLoadError, match="entry point 'broken' .*missing_saldo_plugin.* could not be imported"):
        PluginRegistry.build()


def test_tracing_logs_calls_arguments_and_results(caplog, tenant_context):
    registry = PluginRegistry.build(load_entrypoints=False, trace=True)
    hooks = registry.for_tenant(set())
    with caplog.at_level(logging.INFO, logger="saldo.plugins.trace"):
        hooks.hook.saldo_price_base(tenant=tenant_context(), charge=Charge("Disk", Decimal("2.5"), Decimal("3")))
    calls, results = [r.getMessage() for r in caplog.records if r.name == "saldo.plugins.trace"]
    assert calls.startswith("saldo_price_base(tenant=TenantContext(id=1")
    assert calls.endswith("calls ['default_pricing']")
    assert results == f"saldo_price_base returned {Money.of('7.50')!r}"


def test_tracing_logs_exceptions(caplog, tenant_context):
    registry = PluginRegistry.build(load_entrypoints=False, trace=True)

    @hookimpl
    def saldo_price_base(tenant, charge):
        raise ValueError("no price list")

    registry.register(namespace(saldo_price_base=saldo_price_base))
    with caplog.at_level(logging.INFO, logger="saldo.plugins.trace"), pytest.raises(ValueError):
        registry.for_tenant({"sample"}).hook.saldo_price_base(tenant=tenant_context(), charge=Charge("X", Decimal(1)))
    assert "saldo_price_base raised ValueError('no price list')" in caplog.text


def test_an_unhashable_plugin_is_refused_at_registration(plugin_registry):
    from types import SimpleNamespace

    from core.plugins.meta import PluginMeta, PluginMetaError

    plugin = SimpleNamespace(plugin_meta=PluginMeta(id="loose", name="Loose", version="1", description="x"))
    with pytest.raises(PluginMetaError, match="not hashable"):
        plugin_registry.register(plugin)
    assert "loose" not in plugin_registry.metas

"""The plugin registry: one pluggy manager with every hook spec, the built-in plugins
and the plugins installed under the entry-point group ``saldo``.

Every plugin is a module (or object) with a valid ``plugin_meta``; its pluggy name is
its plugin id. Start-up fails with a clear message on a missing or invalid
``plugin_meta``, a plugin needing another core version, a duplicate plugin id, an
entry point not named after its plugin id, or a hook implementation no spec knows.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import pluggy

from core.hookspecs import PROJECT, SPEC_MODULES
from core.plugins.defaults import DEFAULT_PLUGINS
from core.plugins.meta import PluginMeta, PluginMetaError
from core.plugins.relay import TenantHooks

BUILT_IN = "built-in"
ENTRY_POINT_GROUP = PROJECT

trace_logger = logging.getLogger("saldo.plugins.trace")


class PluginLoadError(RuntimeError):
    pass


class UnknownPlugin(LookupError):
    def __init__(self, plugin_id: str) -> None:
        super().__init__(f"no plugin {plugin_id!r} is installed")
        self.plugin_id = plugin_id


def _trace_before(hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
    plugins = [impl.plugin_name for impl in reversed(hook_impls)]
    trace_logger.info("%s(%s) calls %s", hook_name, ", ".join(f"{k}={v!r}" for k, v in kwargs.items()), plugins)


def _trace_after(outcome: pluggy.Result, hook_name: str, hook_impls: Sequence[pluggy.HookImpl],
                 kwargs: Mapping[str, Any]) -> None:
    if outcome.exception is not None:
        trace_logger.info("%s raised %r", hook_name, outcome.exception)
    else:
        trace_logger.info("%s returned %r", hook_name, outcome.get_result())


def _describe(plugin: object) -> str:
    name = getattr(plugin, "__name__", None)
    return f"module {name}" if name else repr(plugin)


class PluginRegistry:
    """The installed plugins. Build it with :meth:`build`."""

    def __init__(self, trace: bool = False) -> None:
        self._pm = pluggy.PluginManager(PROJECT)
        for module in SPEC_MODULES:
            self._pm.add_hookspecs(module)
        if trace:
            self._pm.add_hookcall_monitoring(_trace_before, _trace_after)
        self._metas: dict[str, PluginMeta] = {}
        self._origins: dict[str, str] = {}
        self._distributions: dict[str, str] = {}
        self._tenant_hooks: dict[frozenset[str], TenantHooks] = {}

    @classmethod
    def build(cls, load_entrypoints: bool = True, trace: bool = False) -> PluginRegistry:
        """The built-in plugins, then (unless ``load_entrypoints`` is false) the installed
        ones in entry-point name order. ``trace`` logs every hook call, its arguments and
        its result to the logger ``saldo.plugins.trace``."""
        registry = cls(trace=trace)
        for path in DEFAULT_PLUGINS:
            registry.register(importlib.import_module(path))
        if load_entrypoints:
            registry._load_entrypoints()
        return registry

    def _load_entrypoints(self) -> None:
        # Not pm.load_setuptools_entrypoints: it registers a plugin under its entry-point
        # name before anything is checked. Here plugin_meta is checked first, the plugin
        # is registered under its id, and its distribution is recorded.
        entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        for entry_point in sorted(entry_points, key=lambda ep: ep.name):
            dist = entry_point.dist
            distribution = f"{dist.name} {dist.version}" if dist else entry_point.value
            origin = f"entry point {entry_point.name!r} of {distribution}"
            try:
                plugin = entry_point.load()
            except Exception as exc:
                raise PluginLoadError(f"{origin} ({entry_point.value}) could not be imported: {exc!r}") from exc
            meta = getattr(plugin, "plugin_meta", None)
            if isinstance(meta, PluginMeta) and meta.id != entry_point.name:
                raise PluginMetaError(f"{origin}: an entry point must be named after its plugin id {meta.id!r}")
            self._register(plugin, origin)
            self._distributions[entry_point.name] = distribution

    @property
    def pm(self) -> pluggy.PluginManager:
        return self._pm

    @property
    def metas(self) -> Mapping[str, PluginMeta]:
        """Plugin id → metadata, in registration order (built-ins first)."""
        return MappingProxyType(self._metas)

    def meta(self, plugin_id: str) -> PluginMeta:
        try:
            return self._metas[plugin_id]
        except KeyError:
            raise UnknownPlugin(plugin_id) from None

    def distribution(self, plugin_id: str) -> str:
        """``"<distribution> <version>"`` for a plugin from an entry point, else ``"built-in"``."""
        self.meta(plugin_id)
        return self._distributions.get(plugin_id, BUILT_IN)

    def register(self, plugin: object) -> PluginMeta:
        """Register a module or object with a ``plugin_meta`` (for tests and examples)."""
        return self._register(plugin, _describe(plugin))

    def _register(self, plugin: object, origin: str) -> PluginMeta:
        meta = getattr(plugin, "plugin_meta", None)
        if not isinstance(meta, PluginMeta):
            raise PluginMetaError(f"{origin} has no plugin_meta (a core.plugins.meta.PluginMeta)")
        meta.check_core()
        try:
            hash(plugin)
        except TypeError:
            raise PluginMetaError(f"{origin} is not hashable: register a module or a class instance") from None
        if meta.id in self._metas:
            raise PluginMetaError(f"plugin id {meta.id!r} of {origin} is already used by {self._origins[meta.id]}")
        self._pm.register(plugin, name=meta.id)
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError:
            self._pm.unregister(name=meta.id)
            raise
        self._metas[meta.id] = meta
        self._origins[meta.id] = origin
        self._tenant_hooks.clear()
        return meta

    def unregister(self, plugin_id: str) -> None:
        self.meta(plugin_id)
        self._pm.unregister(name=plugin_id)
        del self._metas[plugin_id]
        del self._origins[plugin_id]
        self._distributions.pop(plugin_id, None)
        self._tenant_hooks.clear()

    def for_tenant(self, enabled_ids: frozenset[str] | set[str]) -> TenantHooks:
        """The hooks of the plugins in ``enabled_ids`` plus the always-on ones (essential or
        global); unknown ids are ignored. Cached per resulting set of plugins."""
        ids = frozenset(pid for pid, meta in self._metas.items() if meta.always_on or pid in enabled_ids)
        hooks = self._tenant_hooks.get(ids)
        if hooks is None:
            hooks = self._tenant_hooks[ids] = TenantHooks(self._pm, ids)
        return hooks

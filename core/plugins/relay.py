"""The hooks of one tenant: calls reach only the plugins enabled for it.

Services receive a :class:`TenantHooks` and call ``hooks.hook.saldo_<name>(**kwargs)``
exactly as they would call ``pm.hook``; they never use the plugin manager directly.
"""

from __future__ import annotations

import logging
from typing import Any

import pluggy

from core.plugins.aio import await_me_maybe

logger = logging.getLogger("saldo.plugins")


class _HookRelay:
    def __init__(self, hooks: TenantHooks) -> None:
        self._hooks = hooks

    def __getattr__(self, name: str) -> pluggy.HookCaller:
        return self._hooks.caller(name)


class TenantHooks:
    """Hook callers restricted to ``plugin_ids`` (built by ``PluginRegistry.for_tenant``)."""

    def __init__(self, pm: pluggy.PluginManager, plugin_ids: frozenset[str]) -> None:
        self._pm = pm
        self.plugin_ids = frozenset(plugin_ids)
        self._others = [plugin for name, plugin in pm.list_name_plugin() if name not in self.plugin_ids]
        self._callers: dict[str, pluggy.HookCaller] = {}
        self._single: dict[tuple[str, str], pluggy.HookCaller] = {}
        self.hook = _HookRelay(self)

    def caller(self, name: str) -> pluggy.HookCaller:
        """The hook caller of ``name`` for this tenant's plugins; AttributeError for an unknown hook."""
        caller = self._callers.get(name)
        if caller is None:
            original = getattr(self._pm.hook, name, None)
            if original is None or original.spec is None:
                raise AttributeError(f"there is no hook {name!r}")
            caller = self._callers[name] = self._pm.subset_hook_caller(name, remove_plugins=self._others)
        return caller

    def _caller_of(self, name: str, plugin_id: str) -> pluggy.HookCaller:
        key = (name, plugin_id)
        if key not in self._single:
            others = [plugin for other, plugin in self._pm.list_name_plugin() if other != plugin_id]
            self._single[key] = self._pm.subset_hook_caller(name, remove_plugins=others)
        return self._single[key]

    async def notify(self, name: str, **kwargs: Any) -> None:
        """Call a notification hook robustly: every listener is called on its own, in call
        order; an awaitable it returns is awaited; an exception it raises is logged with
        the plugin's id and does not stop the others. (Other plugins' hook wrappers do
        not wrap these calls.)"""
        for impl in reversed(self.caller(name).get_hookimpls()):
            try:
                for result in self._caller_of(name, impl.plugin_name)(**kwargs):
                    await await_me_maybe(result)
            except Exception:
                logger.exception("plugin %s failed in %s", impl.plugin_name, name)

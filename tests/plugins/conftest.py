"""Fixtures of the plugin machinery's tests.

They import the plugin-author fixtures directly, so these tests run without Saldo's
pytest plugin (``core.testing``) and its database fixtures.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from core.hookspecs import hookimpl
from core.plugins.meta import PluginMeta
from core.plugins.testing import plugin_registry, register_plugin, tenant_context  # noqa: F401


@pytest.fixture
def plugin(register_plugin):  # noqa: F811
    """``plugin(plugin_id, saldo_hook=function, ..., level=..., config_model=...)`` makes a
    plugin of those hook implementations and registers it for the test.

    Functions not already marked with ``hookimpl`` are marked plainly; mark them
    yourself for ``tryfirst``/``trylast``. Other keywords go to its ``PluginMeta``.
    """

    def make(plugin_id: str, **kwargs) -> PluginMeta:
        hooks = {name: value for name, value in kwargs.items() if name.startswith("saldo_")}
        meta_fields = {name: value for name, value in kwargs.items() if name not in hooks}
        meta = PluginMeta(id=plugin_id, name=plugin_id.title(), version="1.0", description=f"Test plugin {plugin_id}",
                          **meta_fields)
        module = ModuleType(f"test_plugin_{plugin_id}")
        module.plugin_meta = meta
        for name, function in hooks.items():
            setattr(module, name, function if hasattr(function, "saldo_impl") else hookimpl(function))
        return register_plugin(module)

    return make

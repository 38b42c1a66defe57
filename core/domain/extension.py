"""The base of the classes plugins register: payment providers, exporters, importers,
document renderers and day-close steps.

A registration hook returns classes, not instances. The core makes one instance per
tenant and use, ``cls(tenant, config)``, passing the config of the plugin named by
``plugin_id`` for that tenant. Methods that do I/O are async.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from core.plugins.context import TenantContext


class Extension:
    plugin_id: ClassVar[str]
    """The id of the plugin that registers the class; its config is passed in."""
    code: ClassVar[str]
    """Unique among the classes of one kind, stable: it is stored (e.g. with each payment)."""
    name: ClassVar[str]
    """Shown to staff."""

    def __init__(self, tenant: TenantContext, config: Any) -> None:
        self.tenant = tenant
        self.config = config

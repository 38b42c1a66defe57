"""The hook specifications: the public contract between the core and plugins.

One module per area; together they are the surface the plugin manager is built
from. Plugins mark their implementations with :data:`hookimpl`. docs/hooks.md
documents every hook and is checked against these modules by the tests.
"""

from core.hookspecs import blocking, day_close, documents, exchange, numbering, payments, pricing, web
from core.hookspecs.markers import PROJECT, hookimpl, hookspec

SPEC_MODULES = (pricing, numbering, payments, blocking, exchange, documents, web, day_close)

__all__ = ["PROJECT", "SPEC_MODULES", "hookimpl", "hookspec"]

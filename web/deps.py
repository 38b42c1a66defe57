"""Dependencies shared by controllers."""

from __future__ import annotations

from litestar import Request
from litestar.di import Provide

from core.plugins.manager import PluginRegistry
from web.principal import provide_actor, provide_principal


def provide_registry(request: Request) -> PluginRegistry:
    return request.app.state.registry


AUTHENTICATED = {
    "principal": Provide(provide_principal),
    "actor": Provide(provide_actor),
    "registry": Provide(provide_registry, sync_to_thread=False),
}

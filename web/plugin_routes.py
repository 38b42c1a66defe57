"""Mount each plugin's route handlers under /p/{tenant_slug}/{plugin_id}/.

A request there reaches the plugin only when the plugin is enabled for that tenant;
otherwise, and for an unknown tenant, the answer is 404. Handlers may declare
``tenant: TenantContext`` and ``hooks: TenantHooks`` parameters.
"""

from __future__ import annotations

from litestar import Request, Response, Router
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler

from core.domain.payments import ProviderCallback
from core.plugins.context import TenantContext
from core.plugins.manager import PluginRegistry
from core.plugins.relay import TenantHooks
from core.services import payments, plugins, tenants
from core.services.errors import NotFound


async def _resolve(connection: ASGIConnection) -> tuple[TenantHooks, TenantContext]:
    if "plugin_tenant" not in connection.state:
        registry: PluginRegistry = connection.app.state.registry
        try:
            tenant = await tenants.by_slug(connection.path_params["tenant_slug"])
        except NotFound:
            raise NotFoundException() from None
        connection.state.plugin_tenant = await plugins.tenant_context(registry, tenant.id)
    return connection.state.plugin_tenant


def _enabled_guard(plugin_id: str):
    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        hooks, _context = await _resolve(connection)
        if plugin_id not in hooks.plugin_ids:
            raise NotFoundException()

    return guard


async def _provide_tenant(request: Request) -> TenantContext:
    return (await _resolve(request))[1]


async def _provide_hooks(request: Request) -> TenantHooks:
    return (await _resolve(request))[0]


def plugin_routers(registry: PluginRegistry) -> list[Router]:
    routers = []
    for impl in registry.pm.hook.saldo_register_routes.get_hookimpls():
        handlers = impl.function()
        if not handlers:
            continue
        routers.append(
            Router(
                path=f"/p/{{tenant_slug:str}}/{impl.plugin_name}",
                route_handlers=list(handlers),
                guards=[_enabled_guard(impl.plugin_name)],
                dependencies={"tenant": Provide(_provide_tenant), "hooks": Provide(_provide_hooks)},
                tags=[f"plugin:{impl.plugin_name}"],
            )
        )
    return routers


async def provider_callback(request: Request) -> ProviderCallback:
    """A payment provider's notification as it arrived: repeated headers are joined with ", "
    (as X-Forwarded-For allows); a form is read for any method that sent one."""
    body = await request.body()
    form = await request.form()
    headers: dict[str, str] = {}
    for name, value in request.headers.multi_items():
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return ProviderCallback(method=request.method, remote_addr=request.client.host if request.client else "",
                            headers=headers, query=dict(request.query_params.items()),
                            form={name: value for name, value in form.items() if isinstance(value, str)}, body=body)


async def payment_callback(request: Request, tenant: TenantContext, hooks: TenantHooks, provider_code: str
                           ) -> Response:
    """Answer a provider's notification route: the core checks it through the provider and
    receives the payment once (``core.services.payments.handle_callback``)."""
    answer = await payments.handle_callback(tenant, hooks, provider_code, await provider_callback(request))
    return Response(answer.body, status_code=answer.status_code, media_type=answer.media_type)


"""Build the Litestar application."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.datastructures import State
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

import core
from core.db.engine import is_postgres
from core.db.tables import Tenant
from core.plugins.manager import PluginRegistry
from core.services import scheduler as day_close_schedule
from core.settings import Settings, get_settings
from web.api import api_router
from web.errors import EXCEPTION_HANDLERS
from web.i18n import install_template_globals
from web.idempotency import idempotency_middleware
from web.plugin_routes import plugin_routers
from web.portal import portal_router
from web.ui import ui_router

HERE = Path(__file__).parent


@get("/healthz", include_in_schema=False)
async def healthz() -> dict:
    await Tenant.raw("SELECT 1")
    return {"status": "ok", "version": core.__version__}


@asynccontextmanager
async def database_pool(app: Litestar):
    settings: Settings = app.state.settings
    engine = Tenant._meta.db
    pooled = is_postgres(engine) and settings.database_pool_size > 0
    if pooled:
        await engine.start_connection_pool(min_size=1, max_size=settings.database_pool_size)
    try:
        yield
    finally:
        if pooled:
            await engine.close_connection_pool()


@asynccontextmanager
async def day_close_scheduler(app: Litestar):
    """The day-close schedule in a background task while the app runs (``saldo serve``),
    every SALDO_SCHEDULER_INTERVAL seconds; errors are logged, never raised."""
    interval = app.state.settings.scheduler_interval if app.state.scheduler else 0
    async with day_close_schedule.running(app.state.registry, interval) as task:
        app.state.scheduler_task = task
        yield


def create_app(settings: Settings | None = None, registry: PluginRegistry | None = None, *,
               scheduler: bool = False) -> Litestar:
    """The application; with ``scheduler`` it also closes tenants' days on schedule (as
    ``saldo serve`` does; tests and embedding code leave it off)."""
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level)
    registry = registry or PluginRegistry.build(trace=settings.trace_plugins)
    template_config = TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine,
                                     engine_callback=install_template_globals)
    return Litestar(
        route_handlers=[
            healthz,
            api_router,
            ui_router,
            portal_router,
            *plugin_routers(registry),
            create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[idempotency_middleware],
        template_config=template_config,
        lifespan=[database_pool, day_close_scheduler],
        state=State({"settings": settings, "registry": registry, "scheduler": scheduler}),
        openapi_config=OpenAPIConfig(
            title="Saldo API",
            version=core.__version__,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(), ScalarRenderPlugin(path="/scalar")],
            components=Components(security_schemes={
                "apiKey": SecurityScheme(type="http", scheme="bearer", description="Authorization: Bearer <API key>"),
                "session": SecurityScheme(type="apiKey", security_scheme_in="cookie", name="saldo_session"),
            }),
        ),
        debug=False,
    )


def create_served_app() -> Litestar:
    """The application ``saldo serve`` runs: with the day-close scheduler."""
    return create_app(scheduler=True)

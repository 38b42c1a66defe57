"""The JSON API under /api/v1."""

from litestar import Router

from web.api.access import ApiKeysController, UsersController
from web.api.audit import AuditController
from web.api.plugins import PluginsController
from web.api.tenant import ClockController, MeController, TenantController
from web.deps import AUTHENTICATED

api_router = Router(
    path="/api/v1",
    route_handlers=[MeController, TenantController, ClockController, UsersController, ApiKeysController,
                    PluginsController, AuditController],
    dependencies=AUTHENTICATED,
    security=[{"apiKey": []}, {"session": []}],
)

"""Hook glue of the Robokassa plugin: its payment provider and its routes."""

from __future__ import annotations

from importlib.metadata import version

from litestar.handlers import HTTPRouteHandler

from core.domain.payments import PaymentProvider
from core.hookspecs import hookimpl
from core.plugins.meta import PluginMeta

from saldo_robokassa.config import RobokassaConfig
from saldo_robokassa.provider import PLUGIN_ID, RobokassaProvider
from saldo_robokassa.routes import ROUTES

plugin_meta = PluginMeta(
    id=PLUGIN_ID,
    name="Robokassa",
    version=version("saldo-robokassa"),
    description="Online payments through Robokassa: payment links, ResultURL notifications, 54-FZ receipts.",
    level="tenant",
    config_model=RobokassaConfig,
    requires_core=">=0.1",
)


@hookimpl
def saldo_payment_providers() -> list[type[PaymentProvider]]:
    return [RobokassaProvider]


@hookimpl
def saldo_register_routes() -> list[HTTPRouteHandler]:
    return ROUTES

"""Hook glue: the discount, the route and the command of the hello plugin."""

from __future__ import annotations

from importlib.metadata import version

import click
from litestar.handlers import HTTPRouteHandler

from core.domain.money import Money
from core.domain.pricing import Charge, PriceAdjustment
from core.hookspecs import hookimpl
from core.plugins.context import TenantContext
from core.plugins.meta import PluginMeta

from saldo_hello.commands import hello
from saldo_hello.config import HelloConfig
from saldo_hello.discount import PLUGIN_ID, discount
from saldo_hello.routes import discount_route

plugin_meta = PluginMeta(
    id=PLUGIN_ID,
    name="Hello discount",
    version=version("saldo-hello"),
    description="Example plugin: a percentage discount on every charge, set per tenant.",
    level="tenant",
    config_model=HelloConfig,
    requires_core=">=0.1",
)


@hookimpl
def saldo_price_adjustments(tenant: TenantContext, charge: Charge, base: Money) -> list[PriceAdjustment]:
    adjustment = discount(tenant.config(PLUGIN_ID), base)
    return [adjustment] if adjustment else []


@hookimpl
def saldo_register_routes() -> list[HTTPRouteHandler]:
    return [discount_route]


@hookimpl
def saldo_register_commands(cli: click.Group) -> None:
    cli.add_command(hello)

"""Hook glue of the bank statement plugin: the upload page and API, and the CLI command."""

from __future__ import annotations

from importlib.metadata import version

import click
from litestar import Controller

from core.hookspecs import hookimpl
from core.plugins.meta import PluginMeta

from saldo_bank_statement.commands import bank_statement
from saldo_bank_statement.routes import StatementRoutes
from saldo_bank_statement.service import PLUGIN_ID

plugin_meta = PluginMeta(
    id=PLUGIN_ID,
    name="Bank statements",
    version=version("saldo-bank-statement"),
    description="Upload 1CClientBankExchange statements: incoming payments matched to invoices by number, "
                "payer INN and amount; the rest wait in the payments queue.",
    level="tenant",
    requires_core=">=0.1",
)


@hookimpl
def saldo_register_routes() -> list[type[Controller]]:
    return [StatementRoutes]


@hookimpl
def saldo_register_commands(cli: click.Group) -> None:
    cli.add_command(bank_statement)

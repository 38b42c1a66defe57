"""Web and CLI: the routes and commands a plugin adds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    import click
    from litestar.handlers import BaseRouteHandler


@hookspec
def saldo_register_routes() -> list[BaseRouteHandler] | None:
    """Return the Litestar route handlers the plugin adds (payment callbacks, plugin pages).

    :returns: A list of Litestar route handlers (functions decorated with ``@get``,
        ``@post``…, or ``Controller`` classes), or None.

    Aggregation: all results are collected, per plugin. The web layer mounts each
    plugin's handlers under ``/p/{tenant_slug}/{plugin_id}/`` and answers 404 there,
    before the handler runs, for an unknown tenant or one that does not have the plugin
    enabled. Handlers may declare the dependencies ``tenant`` (a
    :class:`core.plugins.context.TenantContext`) and ``hooks`` (the tenant's
    :class:`core.plugins.relay.TenantHooks`). A payment callback checks the signature
    before anything else.
    Raises: any exception stops the application from starting.
    Awaitable: no, return the list itself.
    Called: once, when the web application is built, for every installed plugin.
    """


@hookspec
def saldo_register_commands(cli: click.Group) -> None:
    """Add commands to the ``saldo`` command line.

    :param cli: The ``saldo`` click group; add commands with ``@cli.command()`` or
        groups with ``@cli.group()``, named after the plugin to avoid clashes.
    :returns: Nothing.

    Aggregation: all results are collected (results are ignored).
    Raises: any exception is reported as a warning and the CLI starts without plugin
    commands.
    Awaitable: no.
    Called: once, when the ``saldo`` command starts, for every installed plugin.
    """

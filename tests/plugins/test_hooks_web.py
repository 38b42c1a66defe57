import click
from click.testing import CliRunner
from litestar import Litestar, Router, get
from litestar.di import Provide
from litestar.testing import TestClient

from core.plugins.context import TenantContext


@get("/status", sync_to_thread=False)
def status(tenant: TenantContext) -> dict[str, str]:
    return {"tenant": tenant.slug}


@click.command("status-report")
def status_report() -> None:
    click.echo("all good")


def test_hook_saldo_register_routes_are_collected_per_plugin(plugin_registry, plugin, tenant_context):
    plugin("status_page", saldo_register_routes=lambda: [status])
    plugin("no_routes", saldo_register_routes=lambda: None)
    assert plugin_registry.for_tenant({"status_page", "no_routes"}).hook.saldo_register_routes() == [[status]]

    # The web layer asks each plugin for its handlers and mounts them under its id.
    routers = [
        Router(path=f"/p/acme/{impl.plugin_name}", route_handlers=impl.function(),
               dependencies={"tenant": Provide(lambda: tenant_context(slug="acme"), sync_to_thread=False)})
        for impl in plugin_registry.pm.hook.saldo_register_routes.get_hookimpls() if impl.function()
    ]
    with TestClient(Litestar(routers)) as client:
        assert client.get("/p/acme/status_page/status").json() == {"tenant": "acme"}
        assert client.get("/p/acme/no_routes/status").status_code == 404


def test_hook_saldo_register_commands_adds_commands_to_the_cli(plugin_registry, plugin):
    plugin("reports", saldo_register_commands=lambda cli: cli.add_command(status_report))
    cli = click.Group("saldo")
    assert plugin_registry.pm.hook.saldo_register_commands(cli=cli) == []
    result = CliRunner().invoke(cli, ["status-report"])
    assert (result.exit_code, result.output) == (0, "all good\n")

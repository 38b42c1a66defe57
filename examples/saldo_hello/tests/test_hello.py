from decimal import Decimal

import click
import pytest
from click.testing import CliRunner
from litestar import Litestar, Router
from litestar.di import Provide
from litestar.testing import TestClient
from saldo_hello import plugin
from saldo_hello.config import HelloConfig

from core.domain.money import Money
from core.domain.pricing import Charge, PriceAdjustment, VatRate, price_charge
from core.plugins.config import PluginConfigError, validate_config


@pytest.fixture
def hooks(plugin_registry, register_plugin):
    """The hooks of a tenant that has the hello plugin enabled."""
    register_plugin(plugin)
    return plugin_registry.for_tenant({"hello"})


def test_discount_is_an_adjustment_line(hooks, tenant_context):
    tenant = tenant_context(configs={"hello": HelloConfig(percent=Decimal("12.5"))})
    charge = Charge("Hosting", unit_price=Decimal("999.99"), vat_rate=VatRate.VAT22)
    base = hooks.hook.saldo_price_base(tenant=tenant, charge=charge)
    results = hooks.hook.saldo_price_adjustments(tenant=tenant, charge=charge, base=base)
    assert results == [[PriceAdjustment(Money.of("-125.00"), "Hello discount 12.5%", "hello")]]
    line = price_charge(charge, base, results[0])
    assert (line.amount, line.vat, line.total) == (Money.of("874.99"), Money.of("157.79"), Money.of("874.99"))


def test_zero_percent_gives_no_line(hooks, tenant_context):
    tenant = tenant_context(configs={"hello": HelloConfig(percent=0)})
    charge = Charge("Hosting", unit_price=Decimal("100"))
    assert hooks.hook.saldo_price_adjustments(tenant=tenant, charge=charge, base=Money.of(100)) == [[]]


def test_a_tenant_without_the_plugin_gets_no_discount(plugin_registry, register_plugin, tenant_context):
    register_plugin(plugin)
    hooks = plugin_registry.for_tenant(set())
    charge = Charge("Hosting", unit_price=Decimal("100"))
    assert hooks.hook.saldo_price_adjustments(tenant=tenant_context(), charge=charge, base=Money.of(100)) == []


def test_settings_are_validated():
    assert validate_config(plugin.plugin_meta, {"percent": "5"}, {}) == {"percent": "5", "reason": "Hello discount"}
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin.plugin_meta, {"percent": "150"}, {})
    assert [e["field"] for e in excinfo.value.errors] == ["percent"]


def test_route_shows_the_tenants_discount(plugin_registry, register_plugin, tenant_context):
    register_plugin(plugin)
    tenant = tenant_context(slug="acme", configs={"hello": HelloConfig(percent=20)})
    (handlers,) = plugin_registry.pm.hook.saldo_register_routes()
    # The web layer mounts the handlers like this and provides ``tenant`` per request.
    router = Router(path="/p/acme/hello", route_handlers=handlers,
                    dependencies={"tenant": Provide(lambda: tenant, sync_to_thread=False)})
    with TestClient(Litestar([router])) as client:
        response = client.get("/p/acme/hello/discount", params={"amount": "250"})
        assert response.status_code == 200
        assert response.json() == {"tenant": "acme", "amount": "250.00", "discount": "-50.00",
                                   "reason": "Hello discount 20%"}
        for bad in ("-1", "NaN", "ten"):
            assert client.get("/p/acme/hello/discount", params={"amount": bad}).status_code == 400


def test_command_is_added_to_the_cli(plugin_registry, register_plugin):
    register_plugin(plugin)
    cli = click.Group("saldo")
    plugin_registry.pm.hook.saldo_register_commands(cli=cli)
    result = CliRunner().invoke(cli, ["hello", "discount", "1000", "--percent", "15"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1000.00 RUB  Hello discount 15%: -150.00 RUB  to pay: 850.00 RUB"

"""The example third-party plugin, found through its entry point like any installed plugin,
enabled for one tenant only, and called for that tenant only."""

from decimal import Decimal
from importlib.metadata import entry_points

import pytest
from litestar.testing import AsyncTestClient

from core.domain.money import Money
from core.domain.pricing import Charge
from core.plugins.manager import PluginRegistry
from core.services import plugins
from web.app import create_app


@pytest.fixture
def installed_registry() -> PluginRegistry:
    if "hello" not in {ep.name for ep in entry_points(group="saldo")}:
        pytest.fail("the example plugin saldo-hello is not installed (scripts/setup installs it)", pytrace=False)
    return PluginRegistry.build(load_entrypoints=True)


async def test_example_plugin_from_its_entry_point_serves_one_tenant_only(installed_registry, make_tenant,
                                                                         api_headers):
    assert installed_registry.distribution("hello") == "saldo-hello 0.1.0"
    app = create_app(registry=installed_registry)
    with_hello, without = await make_tenant(), await make_tenant()
    async with AsyncTestClient(app=app) as client:
        enabled = await client.put("/api/v1/plugins/hello", headers=await api_headers(with_hello),
                                   json={"enabled": True, "config": {"percent": "15", "reason": "Скидка партнёра"}})
        assert enabled.status_code == 200 and enabled.json()["enabled"] is True
        listing = (await client.get("/api/v1/plugins", headers=await api_headers(without))).json()
        assert next(p for p in listing if p["id"] == "hello")["enabled"] is False

        charge = Charge(description="VPS", unit_price=Decimal("2000.0000"))
        base = Money.of("2000")
        for tenant, expected in ((with_hello, [Money.of("-300.00")]), (without, [])):
            hooks, context = await plugins.tenant_context(installed_registry, tenant.id)
            results = hooks.hook.saldo_price_adjustments(tenant=context, charge=charge, base=base)
            assert [a.amount for group in results for a in group] == expected

        route = await client.get(f"/p/{with_hello.slug}/hello/discount", params={"amount": "2000"})
        assert route.status_code == 200
        assert route.json()["discount"] == "-300.00" and route.json()["reason"] == "Скидка партнёра 15%"
        assert (await client.get(f"/p/{without.slug}/hello/discount", params={"amount": "2000"})).status_code == 404

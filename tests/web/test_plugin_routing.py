"""A hook called for a tenant reaches only the plugins enabled for it: two tenants, opposite settings."""

from decimal import Decimal

from litestar import get
from litestar.testing import AsyncTestClient
from pydantic import BaseModel, Field, SecretStr

from core.db.tables import PluginSetting
from core.domain.money import Money
from core.domain.pricing import Charge, PriceAdjustment
from core.hookspecs import hookimpl
from core.plugins.context import TenantContext
from core.plugins.meta import PluginMeta
from core.services import plugins
from web.app import create_app


class LoyaltyConfig(BaseModel):
    percent: Decimal = Field(gt=0, le=50, description="Discount in percent")
    partner_token: SecretStr = Field(description="Token of the partner programme")


class LoyaltyPlugin:
    """A test plugin: a discount adjustment and a route that names the tenant."""

    plugin_meta = PluginMeta(id="loyalty", name="Loyalty", version="1.0", description="Test discount",
                             config_model=LoyaltyConfig)

    @hookimpl
    def saldo_price_adjustments(self, tenant: TenantContext, charge: Charge, base: Money):
        percent = tenant.config("loyalty").percent
        return [PriceAdjustment(amount=-base.times(percent / 100), reason=f"loyalty {percent}%",
                                plugin_id="loyalty")]

    @hookimpl
    def saldo_register_routes(self):
        @get("/hello", sync_to_thread=False)
        def hello(tenant: TenantContext) -> dict:
            return {"tenant": tenant.slug, "percent": str(tenant.config("loyalty").percent)}

        return [hello]


def charge() -> Charge:
    return Charge(description="VPS", unit_price=Decimal("1000.0000"))


async def test_hook_reaches_only_the_tenants_that_enabled_the_plugin(
        plugin_registry, register_plugin, make_tenant, api_headers):
    register_plugin(LoyaltyPlugin())
    app = create_app(registry=plugin_registry)
    on, off = await make_tenant(), await make_tenant()
    async with AsyncTestClient(app=app) as client:
        on_headers, off_headers = await api_headers(on), await api_headers(off)
        saved = await client.put("/api/v1/plugins/loyalty", headers=on_headers,
                                 json={"enabled": True, "config": {"percent": "10", "partner_token": "s3cret"}})
        assert saved.status_code == 200
        body = saved.json()
        assert body["enabled"] is True and "s3cret" not in saved.text
        off_listing = (await client.get("/api/v1/plugins/loyalty", headers=off_headers)).json()
        assert off_listing["enabled"] is False and "10" not in str(off_listing["config"])

        on_hooks, on_ctx = await plugins.tenant_context(plugin_registry, on.id)
        off_hooks, off_ctx = await plugins.tenant_context(plugin_registry, off.id)
        base = Money.of("1000")
        on_result = on_hooks.hook.saldo_price_adjustments(tenant=on_ctx, charge=charge(), base=base)
        off_result = off_hooks.hook.saldo_price_adjustments(tenant=off_ctx, charge=charge(), base=base)
        assert [a for group in on_result for a in group] == [
            PriceAdjustment(amount=Money.of("-100.00"), reason="loyalty 10%", plugin_id="loyalty")]
        assert [a for group in off_result for a in (group or [])] == []

        hello_on = await client.get(f"/p/{on.slug}/loyalty/hello")
        assert hello_on.status_code == 200 and hello_on.json() == {"tenant": on.slug, "percent": "10"}
        assert (await client.get(f"/p/{off.slug}/loyalty/hello")).status_code == 404
        assert (await client.get("/p/no-such-tenant/loyalty/hello")).status_code == 404

        disabled = await client.put("/api/v1/plugins/loyalty", headers=on_headers, json={"enabled": False})
        assert disabled.json()["enabled"] is False
        assert (await client.get(f"/p/{on.slug}/loyalty/hello")).status_code == 404
        hooks, ctx = await plugins.tenant_context(plugin_registry, on.id)
        assert "loyalty" not in hooks.plugin_ids


async def test_invalid_config_names_fields_and_saves_nothing(plugin_registry, register_plugin, make_tenant,
                                                            api_headers):
    register_plugin(LoyaltyPlugin())
    app = create_app(registry=plugin_registry)
    tenant = await make_tenant()
    async with AsyncTestClient(app=app) as client:
        headers = await api_headers(tenant)
        bad = await client.put("/api/v1/plugins/loyalty", headers=headers,
                               json={"enabled": True, "config": {"percent": "75"}})
        assert bad.status_code == 422
        fields = {f["field"] for f in bad.json()["error"]["fields"]}
        assert fields == {"percent", "partner_token"}
        assert await PluginSetting.count().where(PluginSetting.tenant == tenant.id) == 0
        incomplete = await client.put("/api/v1/plugins/loyalty", headers=headers, json={"enabled": True})
        assert incomplete.status_code == 422
        assert (await client.get("/api/v1/plugins/loyalty", headers=headers)).json()["enabled"] is False


async def test_secret_is_kept_when_omitted_and_never_returned(plugin_registry, register_plugin, make_tenant,
                                                             api_headers):
    register_plugin(LoyaltyPlugin())
    app = create_app(registry=plugin_registry)
    tenant = await make_tenant()
    async with AsyncTestClient(app=app) as client:
        headers = await api_headers(tenant)
        await client.put("/api/v1/plugins/loyalty", headers=headers,
                         json={"enabled": True, "config": {"percent": "5", "partner_token": "first-token"}})
        changed = await client.put("/api/v1/plugins/loyalty", headers=headers, json={"config": {"percent": "7"}})
        assert changed.status_code == 200 and "first-token" not in changed.text
        _, context = await plugins.tenant_context(plugin_registry, tenant.id)
        config = context.config("loyalty")
        assert config.percent == Decimal("7")
        assert config.partner_token.get_secret_value() == "first-token"
        audit = (await client.get("/api/v1/audit", headers=headers, params={"object_type": "plugin"})).json()
        assert len(audit) == 2 and "first-token" not in str(audit)
        viewer = await api_headers(tenant, role="viewer")
        denied = await client.put("/api/v1/plugins/loyalty", headers=viewer, json={"enabled": False})
        assert denied.status_code == 403
        assert (await client.get("/api/v1/plugins/nope", headers=headers)).status_code == 404

from decimal import Decimal
from fractions import Fraction

import pytest
from pydantic import BaseModel

from core.domain.money import Money
from core.domain.pricing import Charge, PriceAdjustment, PricingError, VatRate, percent_of, price_charge
from core.hookspecs import hookimpl

CHARGE = Charge("Cloud server", unit_price=Decimal("1500.0000"), quantity=Decimal("2"),
                period_fraction=Fraction(1, 3), vat_rate=VatRate.VAT22, vat_included=False)


class Volume(BaseModel):
    percent: Decimal


def test_hook_saldo_price_base_default_is_price_times_quantity_times_fraction(plugin_registry, tenant_context):
    hooks = plugin_registry.for_tenant(set())
    assert hooks.hook.saldo_price_base(tenant=tenant_context(), charge=CHARGE) == Money.of("1000.00")


def test_hook_saldo_price_base_first_non_none_result_wins_over_the_default(plugin_registry, plugin, tenant_context):
    plugin("price_list", saldo_price_base=lambda tenant, charge: Money.of("900.00"))
    plugin("no_opinion", saldo_price_base=lambda tenant, charge: None)
    tenant = tenant_context()
    assert plugin_registry.for_tenant({"price_list", "no_opinion"}).hook.saldo_price_base(
        tenant=tenant, charge=CHARGE) == Money.of("900.00")
    assert plugin_registry.for_tenant({"no_opinion"}).hook.saldo_price_base(
        tenant=tenant, charge=CHARGE) == Money.of("1000.00")


def test_hook_saldo_price_base_tryfirst_beats_later_registrations(plugin_registry, plugin, tenant_context):
    plugin("contract", saldo_price_base=hookimpl(tryfirst=True)(lambda tenant, charge: Money.of("1.00")))
    plugin("price_list", saldo_price_base=lambda tenant, charge: Money.of("2.00"))
    hooks = plugin_registry.for_tenant({"contract", "price_list"})
    assert hooks.hook.saldo_price_base(tenant=tenant_context(), charge=CHARGE) == Money.of("1.00")


def test_hook_saldo_price_base_errors_reach_the_caller(plugin_registry, plugin, tenant_context):
    def refuse(tenant, charge):
        raise PricingError("no price for this plan")

    plugin("strict", saldo_price_base=refuse)
    with pytest.raises(PricingError, match="no price for this plan"):
        plugin_registry.for_tenant({"strict"}).hook.saldo_price_base(tenant=tenant_context(), charge=CHARGE)


def test_hook_saldo_price_adjustments_are_collected_and_composed_in_plugin_order(
    plugin_registry, plugin, tenant_context
):
    def volume(tenant, charge, base):
        return [PriceAdjustment(-percent_of(base, tenant.config("volume").percent), "volume", "volume")]

    plugin("volume", saldo_price_adjustments=volume)
    plugin("anniversary", saldo_price_adjustments=lambda tenant, charge, base: [
        PriceAdjustment(Money.of("-50.00"), "anniversary", "anniversary")])
    plugin("nothing", saldo_price_adjustments=lambda tenant, charge, base: None)
    plugin("setup_fee", saldo_price_adjustments=lambda tenant, charge, base: [
        PriceAdjustment(Money.of("99.00"), "setup", "setup_fee")])
    tenant = tenant_context(configs={"volume": Volume(percent=Decimal("7"))})
    hooks = plugin_registry.for_tenant({"volume", "anniversary", "nothing"})

    base = hooks.hook.saldo_price_base(tenant=tenant, charge=CHARGE)
    results = hooks.hook.saldo_price_adjustments(tenant=tenant, charge=CHARGE, base=base)
    assert results == [
        [PriceAdjustment(Money.of("-50.00"), "anniversary", "anniversary")],
        [PriceAdjustment(Money.of("-70.00"), "volume", "volume")],
    ]  # "nothing" returned None (left out); "setup_fee" is not enabled for the tenant
    line = price_charge(CHARGE, base, [a for result in results for a in result])
    assert [a.plugin_id for a in line.adjustments] == ["anniversary", "volume"]
    assert (line.amount, line.vat, line.total) == (Money.of("880.00"), Money.of("193.60"), Money.of("1073.60"))

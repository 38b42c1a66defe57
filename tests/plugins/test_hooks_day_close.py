from datetime import date
from decimal import Decimal

from pydantic import BaseModel

from core.domain.day_close import AccountDay, DayCloseStep
from core.domain.money import Money
from core.domain.pricing import Charge, base_amount
from core.plugins.extensions import instantiate


class FeeConfig(BaseModel):
    percent_per_day: Decimal


class LateFee(DayCloseStep):
    plugin_id, code, name = "fees", "late_fee", "Late fee"

    async def run(self, day):
        if day.balance.amount >= 0:
            return []
        fee = -day.balance.amount * self.config.percent_per_day / 100
        return [Charge(f"Пеня за {day.business_date:%d.%m.%Y}", unit_price=fee.quantize(Decimal("0.0001")),
                       client_id=day.client_id)]


class Usage(DayCloseStep):
    plugin_id, code, name = "metering", "traffic", "Traffic"

    async def run(self, day):
        return []


async def test_hook_saldo_day_close_steps_are_collected_and_run_in_plugin_order(
    plugin_registry, plugin, tenant_context
):
    plugin("metering", saldo_day_close_steps=lambda: [Usage])
    plugin("fees", config_model=FeeConfig, saldo_day_close_steps=lambda: [LateFee])
    hooks = plugin_registry.for_tenant({"metering", "fees"})
    results = hooks.hook.saldo_day_close_steps()
    assert results == [[LateFee], [Usage]]
    assert plugin_registry.for_tenant({"metering"}).hook.saldo_day_close_steps() == [[Usage]]

    tenant = tenant_context(configs={"fees": FeeConfig(percent_per_day=Decimal("0.1"))})
    steps = instantiate(results, tenant, DayCloseStep)
    assert [step.code for step in steps] == ["late_fee", "traffic"]
    day = AccountDay(account_id=420, client_id=42, business_date=date(2026, 3, 10), balance=Money.of("-1234.50"))
    (fee,) = await steps[0].run(day)
    assert (fee.description, base_amount(fee)) == ("Пеня за 10.03.2026", Money.of("1.23"))
    assert await steps[1].run(day) == []

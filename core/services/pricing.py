"""Price charge lines through the tenant's pricing hooks."""

from __future__ import annotations

from typing import Callable, Iterable

from core.domain.money import Money
from core.domain.pricing import Charge, PriceAdjustment, PricedLine, PricingError, price_charge
from core.plugins.context import TenantContext
from core.plugins.relay import TenantHooks


def price(hooks: TenantHooks, tenant: TenantContext, charge: Charge,
          core_adjustments: Callable[[Money], Iterable[PriceAdjustment]] = lambda base: ()) -> PricedLine:
    """The base from ``saldo_price_base`` (first result wins), every plugin's adjustments
    from ``saldo_price_adjustments`` and the core's own (the tenant's discounts, computed
    from the base), composed by ``price_charge`` in its fixed order."""
    base: Money | None = hooks.hook.saldo_price_base(tenant=tenant, charge=charge)
    if base is None:
        raise PricingError(f"no plugin priced {charge.description!r}")
    adjustments = [a for group in hooks.hook.saldo_price_adjustments(tenant=tenant, charge=charge, base=base)
                   for a in (group or [])]
    return price_charge(charge, base, [*adjustments, *core_adjustments(base)])

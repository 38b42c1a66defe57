"""Default pricing: unit price × quantity × period fraction, rounded half-up to the kopeck."""

from __future__ import annotations

import core
from core.domain.money import Money
from core.domain.pricing import Charge, base_amount
from core.hookspecs import hookimpl
from core.plugins.context import TenantContext
from core.plugins.meta import PluginMeta

plugin_meta = PluginMeta(
    id="default_pricing",
    name="Default pricing",
    version=core.__version__,
    description="The base amount of a charge: unit price × quantity × period fraction, rounded half-up.",
    level="global",
    essential=True,
)


@hookimpl(trylast=True)
def saldo_price_base(tenant: TenantContext, charge: Charge) -> Money:
    return base_amount(charge)

"""``GET /p/{tenant_slug}/hello/discount?amount=1000``: the tenant's discount on an amount."""

from __future__ import annotations

from decimal import Decimal

from litestar import get
from litestar.exceptions import ValidationException
from pydantic import BaseModel

from core.domain.money import Money
from core.plugins.context import TenantContext

from saldo_hello.discount import PLUGIN_ID, discount


class DiscountOut(BaseModel):
    tenant: str
    amount: Decimal
    discount: Decimal
    reason: str | None


@get("/discount", sync_to_thread=False)
def discount_route(tenant: TenantContext, amount: Decimal) -> DiscountOut:
    if not amount.is_finite() or amount < 0:
        raise ValidationException("amount must be a number, zero or more")
    base = Money.of(amount, tenant.currency)
    adjustment = discount(tenant.config(PLUGIN_ID), base)
    return DiscountOut(
        tenant=tenant.slug,
        amount=base.amount,
        discount=adjustment.amount.amount if adjustment else Decimal("0.00"),
        reason=adjustment.reason if adjustment else None,
    )

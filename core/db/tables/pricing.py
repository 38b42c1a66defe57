"""Discounts and promo codes."""

from piccolo.columns import BigInt, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.catalog import Product
from core.db.tables.clients import Client
from core.db.tables.platform import Tenant


class Discount(Table):
    """A percentage (``value_e4`` in ten-thousandths of a percent) or a fixed amount off a whole
    period (``value_e4`` in ten-thousandths of the currency unit)."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    kind = Varchar(length=16)
    value_e4 = BigInt()
    description = Text()
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    product = ForeignKey(Product, on_delete=OnDelete.restrict, null=True, default=None)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None)
    promo_code = Varchar(length=32, null=True, default=None)
    max_uses = Integer(null=True, default=None)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index discount_tenant_promo_code (tenant, promo_code)

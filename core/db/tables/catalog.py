"""The catalog: product groups, products with prices per billing cycle, configurable
options with their own prices, and add-ons tied to a base product.

Prices are never edited: a new price is a new row with the date it takes effect
and how it takes effect (at once with proration, or from the next period).
"""

from piccolo.columns import BigInt, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.clients import SellerEntity
from core.db.tables.platform import Tenant


class ProductGroup(Table):
    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    name = Varchar(length=255)
    position = Integer(default=0)
    # unique index product_group_tenant_name (tenant, name)


class Product(Table):
    """What is sold. ``kind``: recurring, one_time, usage or free."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    group = ForeignKey(ProductGroup, on_delete=OnDelete.set_null, null=True, default=None)
    code = Varchar(length=64)
    name = Varchar(length=255)
    description = Text(default="")
    kind = Varchar(length=16)
    unit = Varchar(length=32, default="шт")
    unit_okei = Varchar(length=4, default="796")
    vat_rate = Varchar(length=8, default="none")
    vat_included = Boolean(default=True)
    payment_model = Varchar(length=16, default="prepaid")
    seller_entity = ForeignKey(SellerEntity, on_delete=OnDelete.restrict, null=True, default=None)
    addon_of = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None)
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index product_tenant_code (tenant, code)


class ProductPrice(Table):
    """The unit price of a product for one billing cycle from ``effective_from`` on."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    product = ForeignKey(Product, on_delete=OnDelete.restrict, null=False, index=True)
    cycle = Varchar(length=16)
    unit_price_e4 = BigInt()
    setup_fee_minor = BigInt(default=0)
    effective_from = Date()
    apply_mode = Varchar(length=16, default="next_period")
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index product_price_once (product, cycle, effective_from)


class ConfigurableOption(Table):
    """A priced option of a product, e.g. the number of users or 5 GB disk packs."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    product = ForeignKey(Product, on_delete=OnDelete.restrict, null=False, index=True)
    code = Varchar(length=64)
    name = Varchar(length=255)
    unit = Varchar(length=32, default="шт")
    unit_okei = Varchar(length=4, default="796")
    min_quantity = Integer(default=0)
    max_quantity = Integer(null=True, default=None)
    position = Integer(default=0)
    # unique index configurable_option_code (product, code)


class OptionPrice(Table):
    """The price of one unit of an option for one billing cycle from ``effective_from`` on."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    option = ForeignKey(ConfigurableOption, on_delete=OnDelete.restrict, null=False, index=True)
    cycle = Varchar(length=16)
    unit_price_e4 = BigInt()
    effective_from = Date()
    apply_mode = Varchar(length=16, default="next_period")
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index option_price_once (option, cycle, effective_from)

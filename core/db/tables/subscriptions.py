"""Subscriptions: a client's instance of a product, its options, its history and
the changes scheduled for a coming period."""

from piccolo.columns import JSON, BigInt, Boolean, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.catalog import ConfigurableOption, Product
from core.db.tables.clients import Client
from core.db.tables.platform import Tenant


class Subscription(Table):
    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=False, index=True)
    product = ForeignKey(Product, on_delete=OnDelete.restrict, null=False, index=True)
    parent = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None)
    status = Varchar(length=32, default="ordered", index=True)
    cycle = Varchar(length=16)
    quantity_e3 = BigInt(default=1000)
    price_override_e4 = BigInt(null=True, default=None)
    billing_day = Integer(default=1)
    start_date = Date()
    period_start = Date(null=True, default=None)
    period_end = Date(null=True, default=None)
    next_billing_date = Date(null=True, default=None, index=True)
    cancel_at_period_end = Boolean(default=False)
    cancel_reason = Text(default="")
    suspend_override_until = Date(null=True, default=None)
    promo_code = Varchar(length=32, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SubscriptionOption(Table):
    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    subscription = ForeignKey(Subscription, on_delete=OnDelete.cascade, null=False, index=True)
    option = ForeignKey(ConfigurableOption, on_delete=OnDelete.restrict, null=False)
    quantity = Integer(default=0)
    # unique index subscription_option_once (subscription, option)


class SubscriptionEvent(Table):
    """Append-only history: every status change and plan change, with who and why."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    subscription = ForeignKey(Subscription, on_delete=OnDelete.restrict, null=False, index=True)
    at = Timestamptz(default=TimestamptzNow())
    business_date = Date()
    actor_label = Varchar(length=255, default="")
    kind = Varchar(length=32)
    from_status = Varchar(length=32, default="")
    to_status = Varchar(length=32, default="")
    reason = Text(default="")
    details = JSON(default="{}")


class ScheduledChange(Table):
    """A plan change that takes effect at the start of a coming period."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    subscription = ForeignKey(Subscription, on_delete=OnDelete.restrict, null=False, index=True)
    effective_on = Date(index=True)
    change = JSON(default="{}")
    state = Varchar(length=16, default="pending")
    created_by = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())

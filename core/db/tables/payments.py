"""Payments received (online, by bank transfer, entered by hand), what they paid, and refunds."""

from piccolo.columns import JSON, BigInt, Date, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.clients import Client
from core.db.tables.documents import Document
from core.db.tables.ledger import Account
from core.db.tables.platform import Tenant


class Payment(Table):
    """A payment, applied once per (tenant, provider, external id); an online attempt is a
    pending row before the provider names it. ``queue_reason`` says why an accountant must
    assign it."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    provider = Varchar(length=64)
    external_id = Varchar(length=128, null=True, default=None)
    status = Varchar(length=16, default="pending", index=True)  # pending, succeeded, failed, queued, refunded
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, null=True, default=None)
    invoice = ForeignKey(Document, on_delete=OnDelete.restrict, null=True, default=None)
    amount_minor = BigInt(default=0)
    currency = Varchar(length=3, default="RUB")
    received_on = Date()
    payer = JSON(default="{}")
    purpose = Text(default="")
    original = Text(default="")  # the notification or statement document as it was received
    queue_reason = Text(default="")
    allocated_minor = BigInt(default=0)
    refunded_minor = BigInt(default=0)
    created_by = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    applied_at = Timestamptz(null=True, default=None)
    # unique index payment_once (tenant, provider, external_id)


class PaymentAllocation(Table):
    """Part of a payment put towards an invoice."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    payment = ForeignKey(Payment, on_delete=OnDelete.restrict, null=False, index=True)
    document = ForeignKey(Document, on_delete=OnDelete.restrict, null=False, index=True)
    amount_minor = BigInt()
    created_at = Timestamptz(default=TimestamptzNow())


class PaymentRefund(Table):
    """Money of a payment given back to the payer."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    payment = ForeignKey(Payment, on_delete=OnDelete.restrict, null=False, index=True)
    amount_minor = BigInt()
    external_id = Varchar(length=128, default="")
    status = Varchar(length=16, default="succeeded")
    reason = Text(default="")
    created_by = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())

"""Primary documents (invoices, acts…), their lines, and gap-free number sequences."""

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.clients import Client, SellerEntity
from core.db.tables.ledger import Account
from core.db.tables.platform import Tenant
from core.db.tables.subscriptions import Subscription


class Document(Table):
    """A document; ``seller`` and ``buyer`` hold the requisites frozen when it was posted."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    type = Varchar(length=16)
    status = Varchar(length=16, default="draft")
    seller_entity = ForeignKey(SellerEntity, on_delete=OnDelete.restrict, null=True, default=None)
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=False, index=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, null=True, default=None)
    number_prefix = Varchar(length=32, default="")
    number = BigInt(null=True, default=None)
    issue_date = Date(index=True)
    period_start = Date(null=True, default=None)
    period_end = Date(null=True, default=None)
    currency = Varchar(length=3)
    net_minor = BigInt(default=0)
    vat_minor = BigInt(default=0)
    total_minor = BigInt(default=0)
    seller = JSON(default="{}")
    buyer = JSON(default="{}")
    source = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    posted_at = Timestamptz(null=True, default=None)
    # unique index document_number_once (tenant, seller_entity, type, number_prefix, number)


class DocumentLine(Table):
    """A line of a document: a charge, or (``kind`` "adjustment") another movement an act
    lists, whose ``total_minor`` is signed as it moved the balance."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    document = ForeignKey(Document, on_delete=OnDelete.restrict, null=False, index=True)
    position = Integer()
    kind = Varchar(length=16, default="charge")
    description = Text()
    quantity_e3 = BigInt(default=1000)
    unit = Varchar(length=16, default="")
    unit_okei = Varchar(length=4, default="")
    unit_price_e4 = BigInt(default=0)
    discount_minor = BigInt(default=0)
    net_minor = BigInt(default=0)
    vat_rate = Varchar(length=8, default="none")
    vat_minor = BigInt(default=0)
    total_minor = BigInt(default=0)
    period_start = Date(null=True, default=None)
    period_end = Date(null=True, default=None)
    booked_on = Date(null=True, default=None)
    subscription = ForeignKey(Subscription, on_delete=OnDelete.restrict, null=True, default=None)


class DocumentSequence(Table):
    """The last number given in a numbering series (``scope``), moved in the posting's
    transaction so numbers are gap-free."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    scope = Varchar(length=128)
    last = BigInt(default=0)
    # unique index document_sequence_scope (tenant, scope)

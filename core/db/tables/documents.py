"""Primary documents (invoices, acts…), their lines, and gap-free number sequences."""

from piccolo.columns import JSON, BigInt, Bytea, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.clients import Client, SellerEntity
from core.db.tables.ledger import Account
from core.db.tables.platform import Tenant
from core.db.tables.subscriptions import Subscription


class Document(Table):
    """A document; ``seller`` and ``buyer`` hold the requisites frozen when it was posted.

    ``number`` is the sequence number taken in ``number_series`` at posting, ``number_text``
    the number as written on the document. ``form`` tells a tax invoice from an УПД (status
    1 or 2); ``credits`` is the invoice a credit note corrects."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    type = Varchar(length=16)
    status = Varchar(length=16, default="draft")
    seller_entity = ForeignKey(SellerEntity, on_delete=OnDelete.restrict, null=True, default=None)
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=False, index=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, null=True, default=None)
    number_series = Varchar(length=128, default="")
    number = BigInt(null=True, default=None)
    number_text = Varchar(length=64, default="")
    form = Varchar(length=8, default="")
    credits = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None, index=True)
    issue_date = Date(index=True)
    period_start = Date(null=True, default=None)
    period_end = Date(null=True, default=None)
    currency = Varchar(length=3)
    net_minor = BigInt(default=0)
    vat_minor = BigInt(default=0)
    total_minor = BigInt(default=0)
    paid_minor = BigInt(default=0)  # what payments allocated to it (an invoice is paid when it reaches the total)
    seller = JSON(default="{}")
    buyer = JSON(default="{}")
    source = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    posted_at = Timestamptz(null=True, default=None)
    # unique index document_number_once (tenant, number_series, number)


class DocumentLine(Table):
    """A line of a document: a charge, or (``kind`` "adjustment") another movement an act
    lists, whose ``total_minor`` is signed as it moved the balance.

    A billing line whose draft was deleted keeps its account and loses its document: it is
    back in the account's unbilled pool. A credit note's line names the line it reverses."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    document = ForeignKey(Document, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    reverses = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None, index=True)
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


class DocumentFile(Table):
    """A rendered document (the PDF), cached; ``fingerprint`` names the template it came from."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    document = ForeignKey(Document, on_delete=OnDelete.restrict, null=False, index=True)
    media_type = Varchar(length=64, default="application/pdf")
    fingerprint = Varchar(length=64, default="")
    content = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index document_file_once (document, media_type)


class DocumentTemplate(Table):
    """A tenant's own version of a shipped template: a document type's HTML, or the
    subject or body of the document e-mail."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    name = Varchar(length=32)
    source = Text()
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = Varchar(length=255, default="")
    # unique index document_template_once (tenant, name)


class DocumentMail(Table):
    """One sending of a posted document by e-mail, retried until sent or given up."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    document = ForeignKey(Document, on_delete=OnDelete.restrict, null=False, index=True)
    recipients = Text(default="")  # comma-separated
    status = Varchar(length=16, default="queued", index=True)  # queued, sent, failed
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_error = Text(default="")
    requested_by = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class PortalAccess(Table):
    """A client's sign-in to the client portal (its e-mail and a password a manager set)."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.cascade, null=False, index=True)
    email = Varchar(length=254)
    password_hash = Varchar(length=255)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    # unique index portal_access_email (tenant, email)


class PortalSession(Table):
    """A signed-in portal session; only the token's hash is stored."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.cascade, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()

"""Clients and what belongs to them: seller entities, groups, custom fields, notes and contacts."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.platform import Tenant, User


class SellerEntity(Table):
    """A legal entity (or ИП) through which the tenant sells; its requisites go onto documents."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    name = Varchar(length=1000)  # full name, e.g. Общество с ограниченной ответственностью «…»
    short_name = Varchar(length=255, default="")
    inn = Varchar(length=12)
    kpp = Varchar(length=9, default="")
    ogrn = Varchar(length=15, default="")
    legal_address = Text(default="")
    bank_name = Varchar(length=255, default="")
    bik = Varchar(length=9, default="")
    correspondent_account = Varchar(length=20, default="")
    settlement_account = Varchar(length=20, default="")
    director_name = Varchar(length=255, default="")
    chief_accountant_name = Varchar(length=255, default="")
    vat_status = Varchar(length=8)  # vat22, vat10, vat0, no_vat
    tax_document = Varchar(length=16, default="tax_invoice")  # none, tax_invoice, upd (issued with each act)
    is_default = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index seller_entity_one_default (tenant) WHERE is_default


class ClientGroup(Table):
    """A tenant's grouping of clients (e.g. partners, state customers)."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    name = Varchar(length=255)
    description = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index client_group_tenant_name (tenant, name)


class Client(Table):
    """A customer (контрагент): a legal entity, a sole proprietor (ИП) or an individual."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    type = Varchar(length=16)  # legal, sole_proprietor, individual
    status = Varchar(length=16, default="active", index=True)  # active, inactive, closed
    display_name = Varchar(length=1000, default="")
    search_text = Text(default="")  # lower-cased names, e-mail and ИНН for the list search
    first_name = Varchar(length=255, default="")
    last_name = Varchar(length=255, default="")
    middle_name = Varchar(length=255, default="")
    company_name = Varchar(length=1000, default="")
    email = Varchar(length=254)  # the main contact, stored lower-cased
    phone = Varchar(length=64, default="")
    legal_address = Text(default="")
    postal_address = Text(default="")
    country = Varchar(length=2, default="RU")
    inn = Varchar(length=12, default="", index=True)
    kpp = Varchar(length=9, default="")
    ogrn = Varchar(length=15, default="")  # ОГРН (13 digits) or ОГРНИП (15)
    bank_name = Varchar(length=255, default="")
    bik = Varchar(length=9, default="")
    settlement_account = Varchar(length=20, default="")
    correspondent_account = Varchar(length=20, default="")
    currency = Varchar(length=3, default="RUB")
    language = Varchar(length=2, default="ru")
    manager = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    client_group = ForeignKey(ClientGroup, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    seller_entity = ForeignKey(SellerEntity, on_delete=OnDelete.restrict, null=True, default=None)
    tax_exempt = Boolean(default=False)  # Без налога
    separate_invoices = Boolean(default=False)  # Разделять счета (one invoice per service)
    no_late_fees = Boolean(default=False)  # Не штрафовать за просрочку
    no_overdue_notices = Boolean(default=False)  # Не отправлять уведомлений о просрочке
    auto_block_exempt = Boolean(default=False)  # НЕ ОТКЛЮЧАТЬ автоматическим отключателем
    blocked = Boolean(default=False)  # blocked as a whole by the day close's blocking decisions
    block_exempt_until = Date(null=True, default=None)  # Не блокировать до
    credit_limit_minor = BigInt(default=0)  # postpaid clients may owe up to this much
    merged_into = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index client_tenant_email (tenant, email)


class CustomField(Table):
    """A client field the tenant defines; values are kept per client in ClientFieldValue."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    code = Varchar(length=63)
    label = Varchar(length=255)
    type = Varchar(length=8)  # text, number, date, choice, flag
    choices = JSON(default="[]")
    required = Boolean(default=False)
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index custom_field_tenant_code (tenant, code)


class ClientFieldValue(Table):
    """One client's value of one custom field, as text checked against the field's type."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.cascade, null=False)
    field = ForeignKey(CustomField, on_delete=OnDelete.cascade, null=False, index=True)
    value = Text(default="")
    # unique index client_field_value_client_field (client, field)


class ClientNote(Table):
    """A staff note on a client; important notes are listed first."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.cascade, null=False, index=True)
    text = Text()
    important = Boolean(default=False)
    author = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    author_label = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ClientContact(Table):
    """A person at the client; billing contacts receive documents."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=255)
    email = Varchar(length=254, default="")
    phone = Varchar(length=64, default="")
    roles = Varchar(length=64, default="")  # comma-separated: billing, technical, general
    created_at = Timestamptz(default=TimestamptzNow())

"""Current accounts and their append-only ledger.

``LedgerEntry`` rows are never updated or deleted (database triggers refuse it);
``Account.balance_minor`` is a cached sum of the account's entries, changed only in
the transaction that inserts them.
"""

from piccolo.columns import BigInt, Date, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.clients import Client
from core.db.tables.platform import Tenant


class Account(Table):
    """A client's current account in one currency (лицевой счёт)."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=False, index=True)
    currency = Varchar(length=3)
    balance_minor = BigInt(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index account_tenant_client_currency (tenant, client, currency)


class LedgerEntry(Table):
    """A credit (positive ``amount_minor``) or debit (negative) on an account."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, null=False, index=True)
    kind = Varchar(length=32)
    amount_minor = BigInt()
    booked_on = Date()
    description = Text(default="")
    source_type = Varchar(length=32, default="")
    source_id = Varchar(length=64, default="")
    actor_label = Varchar(length=255, default="")
    idempotency_key = Varchar(length=128, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index ledger_entry_tenant_key (tenant, idempotency_key)


class Adjustment(Table):
    """A manual correction entered by a manager; it posts its entry when confirmed."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, null=False, index=True)
    amount_minor = BigInt()
    reason = Text()
    state = Varchar(length=16, default="pending")
    created_by = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    decided_by = Varchar(length=255, default="")
    confirmed_on = Date(null=True, default=None)
    entry = ForeignKey(LedgerEntry, on_delete=OnDelete.restrict, null=True, default=None)

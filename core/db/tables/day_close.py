"""Day-close runs and the state of each account in them (the run history)."""

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.db.tables.clients import Client
from core.db.tables.ledger import Account
from core.db.tables.platform import Tenant


class DayCloseRun(Table):
    """One run of the day close for a business date. ``close_key`` is the business date
    for runs that commit (one per tenant and date) and NULL for sandbox runs."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    business_date = Date()
    mode = Varchar(length=16)
    close_key = Varchar(length=10, null=True, default=None)
    state = Varchar(length=24, default="running")
    started_by = Varchar(length=255, default="")
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    duration_ms = BigInt(default=0)
    totals = JSON(default="{}")
    # unique index day_close_run_once (tenant, close_key)


class DayCloseAccount(Table):
    """An account's result in a run: its state, what it produced or would produce, and
    the error that parked it. The row of a done account is the exactly-once marker."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    run = ForeignKey(DayCloseRun, on_delete=OnDelete.restrict, null=False, index=True)
    account = ForeignKey(Account, on_delete=OnDelete.restrict, null=False, index=True)
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=False)
    business_date = Date()
    state = Varchar(length=16)
    charges_minor = BigInt(default=0)
    credits_minor = BigInt(default=0)
    documents = Integer(default=0)
    result = JSON(default="{}")
    fingerprint = Varchar(length=64, default="")
    error = Text(default="")
    decided_by = Varchar(length=255, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index day_close_account_once (run, account)

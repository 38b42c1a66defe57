"""One place that opens write transactions on either engine."""

from __future__ import annotations

from piccolo.engine.sqlite import TransactionType

from core.db.engine import is_postgres
from core.db.tables import Tenant


def engine():
    return Tenant._meta.db


def atomic():
    """A write transaction; on SQLite it takes the write lock at once (BEGIN IMMEDIATE)
    so that concurrent writers queue instead of failing to upgrade their lock."""
    db = engine()
    if is_postgres(db):
        return db.transaction()
    return db.transaction(transaction_type=TransactionType.immediate)

"""Unique indexes over several columns (Piccolo's Unique constraint is not supported on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: user e-mail per tenant, plugin setting per tenant"

UNIQUE_INDEXES = [
    ("saldo_user_tenant_email", "saldo_user", '"tenant", "email"'),
    ("plugin_setting_tenant_plugin", "plugin_setting", '"tenant", "plugin_id"'),
]


class RawTable(Table):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create_unique_indexes():
        for name, table, columns in UNIQUE_INDEXES:
            await RawTable.raw(f'CREATE UNIQUE INDEX IF NOT EXISTS {name} ON "{table}" ({columns})')

    async def drop_unique_indexes():
        for name, _table, _columns in UNIQUE_INDEXES:
            await RawTable.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_unique_indexes)
    manager.add_raw_backwards(drop_unique_indexes)
    return manager

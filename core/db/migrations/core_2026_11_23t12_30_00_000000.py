from core.db.migration_sql import raw_migration, unique_index

ID = "2026-11-23T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: user e-mail per tenant, plugin setting per tenant"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("saldo_user_tenant_email", "saldo_user", ["tenant", "email"]),
        unique_index("plugin_setting_tenant_plugin", "plugin_setting", ["tenant", "plugin_id"]),
    ])

from core.db.migration_sql import raw_migration, unique_index

ID = "2026-11-23T13:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "an Idempotency-Key is unique per tenant"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("idempotent_request_tenant_key", "idempotent_request", ["tenant", "key"]),
    ])

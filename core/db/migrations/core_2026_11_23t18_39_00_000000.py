from core.db.migration_sql import raw_migration, unique_index

ID = "2026-11-23T18:39:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a payment is recorded once per tenant, provider and external id"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("payment_once", "payment", ["tenant", "provider", "external_id"]),
    ])

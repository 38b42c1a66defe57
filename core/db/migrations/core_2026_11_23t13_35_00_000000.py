from core.db.migration_sql import raw_migration, unique_index

ID = "2026-11-23T13:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "a promo code is unique per tenant"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("discount_tenant_promo_code", "discount", ["tenant", "promo_code"]),
    ])

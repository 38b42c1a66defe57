from core.db.migration_sql import append_only, raw_migration, unique_index

ID = "2026-11-23T13:09:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one row per subscription option; subscription history is append-only"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("subscription_option_once", "subscription_option", ["subscription", "option"]),
        append_only("subscription_event"),
    ])

from core.db.migration_sql import raw_migration, unique_index

ID = "2026-11-23T15:04:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one committing day-close run per date, one result per account and run, unique document numbers"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("day_close_run_once", "day_close_run", ["tenant", "close_key"]),
        unique_index("day_close_account_once", "day_close_account", ["run", "account"]),
        unique_index("document_number_once", "document", ["tenant", "seller_entity", "type", "number_prefix", "number"]),
        unique_index("document_sequence_scope", "document_sequence", ["tenant", "scope"]),
    ])

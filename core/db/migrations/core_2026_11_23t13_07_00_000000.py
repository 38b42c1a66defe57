from core.db.migration_sql import append_only, raw_migration, unique_index

ID = "2026-11-23T13:07:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalog and ledger unique indexes; ledger entries and audit events are append-only"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("product_group_tenant_name", "product_group", ["tenant", "name"]),
        unique_index("product_tenant_code", "product", ["tenant", "code"]),
        unique_index("product_price_once", "product_price", ["product", "cycle", "effective_from"]),
        unique_index("configurable_option_code", "configurable_option", ["product", "code"]),
        unique_index("option_price_once", "option_price", ["option", "cycle", "effective_from"]),
        unique_index("account_tenant_client_currency", "account", ["tenant", "client", "currency"]),
        unique_index("ledger_entry_tenant_key", "ledger_entry", ["tenant", "idempotency_key"]),
        append_only("ledger_entry"),
        append_only("audit_event"),
    ])

from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

# One module per area; a new module is listed here and gets its own migration.
TABLE_MODULES = ["core.db.tables.platform", "core.db.tables.clients", "core.db.tables.catalog", "core.db.tables.ledger",
                 "core.db.tables.subscriptions", "core.db.tables.pricing", "core.db.tables.documents",
                 "core.db.tables.day_close", "core.db.tables.payments"]

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)

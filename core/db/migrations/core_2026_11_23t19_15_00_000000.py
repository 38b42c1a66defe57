from core.db.migration_sql import raw_migration

ID = "2026-11-23T19:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "an account's documents are found by index (open invoices, unbilled lines)"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        (lambda _engine: ['CREATE INDEX IF NOT EXISTS document_account ON "document" ("account")'],
         lambda _engine: ["DROP INDEX IF EXISTS document_account"]),
    ])

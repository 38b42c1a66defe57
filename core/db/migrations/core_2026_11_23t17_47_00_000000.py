from core.db.migration_sql import raw_migration

ID = "2026-11-23T17:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "document numbers move from a prefix to a named series: the old unique index goes first"


def _drop_old_number_index():
    return (lambda _engine: ["DROP INDEX IF EXISTS document_number_once"],
            lambda _engine: ['CREATE UNIQUE INDEX IF NOT EXISTS document_number_once ON "document" '
                             '("tenant", "seller_entity", "type", "number_prefix", "number")'])


async def forwards():
    return raw_migration(ID, DESCRIPTION, [_drop_old_number_index()])

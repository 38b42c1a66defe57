from core.db.migration_sql import raw_migration, unique_index

ID = "2026-11-23T17:49:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique document numbers per series, one cached file per document and type, one template per name"


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("document_number_once", "document", ["tenant", "number_series", "number"]),
        unique_index("document_file_once", "document_file", ["document", "media_type"]),
        unique_index("document_template_once", "document_template", ["tenant", "name"]),
        unique_index("portal_access_email", "portal_access", ["tenant", "email"]),
    ])

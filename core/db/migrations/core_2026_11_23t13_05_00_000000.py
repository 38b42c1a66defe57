from core.db.migration_sql import raw_migration, unique_index

ID = "2026-11-23T13:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = ("clients unique indexes: e-mail, group name and custom field code per tenant, one value per "
               "client and field, one default seller entity per tenant")


async def forwards():
    return raw_migration(ID, DESCRIPTION, [
        unique_index("client_tenant_email", "client", ["tenant", "email"]),
        unique_index("client_group_tenant_name", "client_group", ["tenant", "name"]),
        unique_index("custom_field_tenant_code", "custom_field", ["tenant", "code"]),
        unique_index("client_field_value_client_field", "client_field_value", ["client", "field"]),
        unique_index("seller_entity_one_default", "seller_entity", ["tenant"], where='"is_default"'),
    ])

"""The core's tables, one module per area. Every tenant-owned table has a ``tenant``
foreign key and every query on it filters by tenant.

Unique constraints over several columns are created as unique indexes by the
migrations (Piccolo emits ``ALTER TABLE ... ADD CONSTRAINT``, which SQLite lacks).
"""

from core.db.tables.platform import ApiKey, AuditEvent, PluginSetting, Tenant, User, UserSession

__all__ = ["ApiKey", "AuditEvent", "PluginSetting", "Tenant", "User", "UserSession"]

"""The platform's tables: tenants, staff users and their sessions, API keys, audit, plugin settings."""

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Tenant(Table):
    """One provider company using Saldo."""

    slug = Varchar(length=63, unique=True)
    name = Varchar(length=255)
    timezone = Varchar(length=64, default="Europe/Moscow")
    currency = Varchar(length=3, default="RUB")
    language = Varchar(length=2, default="ru")
    settings = JSON(default="{}")
    # The tenant clock: "real", or "simulated" at clock_simulated_at.
    clock_mode = Varchar(length=16, default="real")
    clock_simulated_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class User(Table, tablename="saldo_user"):
    """A staff member of one tenant."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    email = Varchar(length=254)
    name = Varchar(length=255, default="")
    password_hash = Text()
    role = Varchar(length=16)
    language = Varchar(length=2, default="")
    is_active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    # unique index saldo_user_tenant_email (tenant, email); email is stored lower-cased


class UserSession(Table):
    """A web UI login. Only the token's hash is stored."""

    token_hash = Varchar(length=64, unique=True)
    tenant = ForeignKey(Tenant, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()


class ApiKey(Table):
    """A tenant's API key. The key is shown once; only its hash is stored."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    name = Varchar(length=255)
    prefix = Varchar(length=16, unique=True)
    key_hash = Varchar(length=64)
    role = Varchar(length=16)
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class AuditEvent(Table):
    """Append-only record of one mutation: who, what, when, before and after."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_kind = Varchar(length=16)
    actor_id = Integer(null=True, default=None)
    actor_label = Varchar(length=255, default="")
    action = Varchar(length=64)
    object_type = Varchar(length=64)
    object_id = Varchar(length=64, default="")
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)


class PluginSetting(Table):
    """Whether a plugin is enabled for a tenant, and its validated configuration."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    plugin_id = Varchar(length=64)
    enabled = Boolean(default=False)
    config = JSON(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())
    # unique index plugin_setting_tenant_plugin (tenant, plugin_id)


class IdempotentRequest(Table):
    """An API POST made with an ``Idempotency-Key``: its fingerprint and, once done, its
    answer, replayed when the same key comes again."""

    tenant = ForeignKey(Tenant, on_delete=OnDelete.restrict, null=False, index=True)
    key = Varchar(length=255)
    request_hash = Varchar(length=64)
    state = Varchar(length=16, default="started")
    status_code = Integer(null=True, default=None)
    content_type = Varchar(length=255, default="")
    body = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    # unique index idempotent_request_tenant_key (tenant, key)

"""Pytest fixtures for Saldo and for plugin authors (loaded through the ``pytest11`` entry point).

The test database is chosen by ``SALDO_TEST_DB``: ``sqlite`` (default, a temporary
file) or ``postgres`` (a fresh database created on the server named by
``SALDO_TEST_POSTGRES_URL``, dropped at the end). Migrations run once per session;
tests isolate themselves by creating their own tenants with ``make_tenant``.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass

import pytest

from core.db.databases import postgres_admin, use_database, with_database
from core.plugins.testing import plugin_registry, register_plugin, tenant_context  # noqa: F401  (re-exported fixtures)

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TEST_PASSWORD = "correct horse battery"


def database_kind() -> str:
    kind = os.environ.get("SALDO_TEST_DB", "sqlite")
    if kind not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"SALDO_TEST_DB must be sqlite or postgres, not {kind!r}")
    return kind


@pytest.fixture(scope="session")
async def saldo_db(tmp_path_factory):
    """A migrated test database (SQLite file or a fresh PostgreSQL database); yields its URL."""
    from core.db.migrate import migrate

    if database_kind() == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'saldo-test.sqlite'}"
        use_database(url)
        await migrate()
        yield url
        return
    admin_url = os.environ.get("SALDO_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    name = f"saldo_test_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        await postgres_admin(admin_url, f'CREATE DATABASE "{name}"')
    except (OSError, asyncio.TimeoutError) as exc:
        pytest.fail(f"PostgreSQL is unreachable at {admin_url}: {exc}", pytrace=False)
    url = with_database(admin_url, name)
    use_database(url)
    try:
        await migrate()
        yield url
    finally:
        await postgres_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class SaldoTenant:
    """A tenant made for one test, with an owner who can log in with TEST_PASSWORD."""

    tenant: object
    owner: object
    actor: object
    password: str = TEST_PASSWORD

    @property
    def id(self) -> int:
        return self.tenant.id

    @property
    def slug(self) -> str:
        return self.tenant.slug


@pytest.fixture
def make_tenant(saldo_db):
    """Factory: ``await make_tenant(**tenant_fields)`` creates a tenant with an owner user."""
    from core.services import auth, tenants, users
    from core.services.actor import Actor

    async def make(**fields) -> SaldoTenant:
        slug = fields.pop("slug", None) or f"t-{secrets.token_hex(5)}"
        tenant = await tenants.create(slug=slug, name=fields.pop("name", f"Tenant {slug}"), **fields)
        owner = await users.create(Actor.cli(tenant.id), email=f"owner@{slug}.test", password=TEST_PASSWORD,
                                   role="owner", name="Owner")
        return SaldoTenant(tenant, owner, auth.user_actor(owner))

    return make


@pytest.fixture
def saldo_app(saldo_db, plugin_registry):
    """The web application over the test database and the test plugin registry."""
    from web.app import create_app

    return create_app(registry=plugin_registry)


@pytest.fixture
async def client(saldo_app):
    """An async HTTP client for ``saldo_app`` running in the test's event loop."""
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=saldo_app) as test_client:
        yield test_client


@pytest.fixture
def api_headers():
    """Factory: ``await api_headers(test_tenant, role="owner")`` makes an API key and returns its headers."""
    from core.services import auth

    async def make(test_tenant: SaldoTenant, role: str = "owner") -> dict[str, str]:
        new = await auth.create_api_key(test_tenant.actor, name=f"test {role}", role=role)
        return {"Authorization": f"Bearer {new.key}"}

    return make

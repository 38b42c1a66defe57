"""Fixtures: the fake YooKassa API, a server that never answers, tenants with the plugin
enabled against the fake, open invoices, and requests from a chosen address."""

from __future__ import annotations

import socket
from datetime import date
from decimal import Decimal

import httpx
import pytest

import saldo_yandex_kassa.plugin
from core.services import documents, plugins
from core.services.documents import LineInput
from tests.web.test_subscriptions import customer, on_day
from yookassa_fake import SHOPS, serving


@pytest.fixture(autouse=True)
def _fake_api_hosts_allowed(monkeypatch):
    monkeypatch.setenv("SALDO_YOOKASSA_API_HOSTS", "127.0.0.1")


@pytest.fixture
def fake_yookassa():
    with serving() as fake:
        yield fake


@pytest.fixture
def hung_api_url():
    """A server that accepts connections (the kernel completes them) and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v3"


@pytest.fixture
def plugin_registry(plugin_registry):
    """The test registry with this plugin, registered before the app mounts the plugins' routes."""
    plugin_registry.register(saldo_yandex_kassa.plugin)
    return plugin_registry


@pytest.fixture
def kassa_tenant(make_tenant, plugin_registry, fake_yookassa):
    """``await kassa_tenant(shop_id="100500", **settings)``: a tenant with the plugin on, its API at the fake."""

    async def make(shop_id: str = "100500", **settings):
        tenant = await make_tenant()
        await plugins.configure(tenant.actor, plugin_registry, "yandex_kassa", enabled=True, config={
            "shop_id": shop_id, "secret_key": SHOPS[shop_id], "api_url": fake_yookassa.url, **settings})
        return tenant

    return make


@pytest.fixture
def open_invoice(plugin_registry):
    """``await open_invoice(tenant, "1220.00")``: a posted invoice of a new client (with an e-mail)."""

    async def make(tenant, amount: str, day: date = date(2026, 4, 1)):
        client = await customer(tenant)
        await on_day(tenant, day)
        draft = await documents.create_invoice(tenant.actor, client.id, [LineInput("Хостинг", Decimal(1),
                                                                                   Decimal(amount))])
        return client, await documents.post(tenant.actor, plugin_registry, draft.id)

    return make


@pytest.fixture
def from_address(saldo_app, client):
    """``from_address(ip)``: an HTTP client to the app whose requests come from ``ip`` (the
    ``client`` fixture's always come from "testclient"); the app runs under ``client``."""

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=saldo_app, client=(address, 44321))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")

    return make

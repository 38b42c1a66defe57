"""Fixtures: the test registry with this plugin, a tenant with it on and a settlement account,
and posted invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import saldo_bank_statement.plugin
from bank_statement_helpers import SELLER
from core.services import documents, plugins, sellers
from core.services.documents import LineInput
from tests.web.test_subscriptions import on_day


@pytest.fixture
def plugin_registry(plugin_registry):
    """The test registry with this plugin, registered before the app mounts the plugins' routes."""
    plugin_registry.register(saldo_bank_statement.plugin)
    return plugin_registry


@pytest.fixture
def bank_tenant(make_tenant, plugin_registry):
    """``await bank_tenant(**seller)``: a tenant with the plugin on and a seller entity whose
    settlement account is OURS (or the one given)."""

    async def make(**seller):
        tenant = await make_tenant()
        await plugins.configure(tenant.actor, plugin_registry, "bank_statement", enabled=True)
        await sellers.create(tenant.actor, **(SELLER | seller))
        return tenant

    return make


@pytest.fixture
def invoice(plugin_registry):
    """``await invoice(tenant, client, "1200.00")``: a posted invoice of the client."""

    async def make(tenant, client, amount: str, day: date = date(2026, 4, 1)):
        await on_day(tenant, day)
        draft = await documents.create_invoice(tenant.actor, client.id, [LineInput("Хостинг", Decimal(1),
                                                                                   Decimal(amount))])
        return await documents.post(tenant.actor, plugin_registry, draft.id)

    return make

import logging

import pytest

from core.plugins.aio import await_me_maybe


def test_calls_reach_only_the_tenants_plugins(plugin_registry, plugin):
    plugin("shop_a", saldo_register_routes=lambda: ["a"])
    plugin("shop_b", saldo_register_routes=lambda: ["b"])
    assert plugin_registry.for_tenant({"shop_a"}).hook.saldo_register_routes() == [["a"]]
    assert plugin_registry.for_tenant({"shop_b"}).hook.saldo_register_routes() == [["b"]]
    assert plugin_registry.for_tenant({"shop_a", "shop_b"}).hook.saldo_register_routes() == [["b"], ["a"]]
    assert plugin_registry.for_tenant(set()).hook.saldo_register_routes() == []


def test_always_on_plugins_are_reached_without_being_enabled(plugin_registry, plugin):
    plugin("audit", level="global", saldo_register_routes=lambda: ["audit"])
    assert plugin_registry.for_tenant(set()).hook.saldo_register_routes() == [["audit"]]


def test_an_unknown_hook_is_an_attribute_error(plugin_registry):
    hooks = plugin_registry.for_tenant(set())
    with pytest.raises(AttributeError, match="there is no hook 'saldo_price_discount'"):
        hooks.hook.saldo_price_discount
    assert hooks.hook.saldo_price_base is hooks.hook.saldo_price_base


async def test_await_me_maybe():
    async def later():
        return 2

    assert await await_me_maybe(1) == 1
    assert await await_me_maybe(later()) == 2


async def test_notify_awaits_every_listener_and_logs_failures(plugin_registry, plugin, caplog):
    heard = []

    async def heard_later(tenant, document):
        heard.append(("async", document))

    def fails(tenant, document):
        raise RuntimeError("mail server down")

    plugin("mailer", saldo_document_posted=fails)
    plugin("archive", saldo_document_posted=heard_later)
    plugin("counter", saldo_document_posted=lambda tenant, document: heard.append(("sync", document)))
    plugin("disabled", saldo_document_posted=lambda tenant, document: heard.append(("disabled", document)))
    hooks = plugin_registry.for_tenant({"mailer", "archive", "counter"})
    with caplog.at_level(logging.ERROR, logger="saldo.plugins"):
        await hooks.notify("saldo_document_posted", tenant=None, document=7)
    assert heard == [("sync", 7), ("async", 7)]
    (record,) = caplog.records
    assert record.getMessage() == "plugin mailer failed in saldo_document_posted"
    assert "mail server down" in caplog.text


async def test_notify_logs_failures_of_awaited_listeners(plugin_registry, plugin, caplog):
    async def fails_later(tenant, document):
        raise RuntimeError("queue full")

    plugin("queue", saldo_document_posted=fails_later)
    plugin("counter", saldo_document_posted=lambda tenant, document: None)
    with caplog.at_level(logging.ERROR, logger="saldo.plugins"):
        await plugin_registry.for_tenant({"queue", "counter"}).notify("saldo_document_posted", tenant=None, document=1)
    assert [r.getMessage() for r in caplog.records] == ["plugin queue failed in saldo_document_posted"]

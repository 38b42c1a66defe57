"""Every installed plugin (built-in or from an entry point) loads and declares usable settings."""

import pytest

from core.plugins.config import config_schema, public_config, secret_fields
from core.plugins.manager import PluginRegistry

REGISTRY = PluginRegistry.build()
CONFIGURABLE = sorted(pid for pid, meta in REGISTRY.metas.items() if meta.config_model is not None)


def test_the_named_plugins_are_installed():
    assert {"default_pricing", "robokassa", "yandex_kassa", "onec_export", "whmcs_import", "credit_control"} \
        <= set(REGISTRY.metas)


@pytest.mark.parametrize("plugin_id", CONFIGURABLE)
def test_every_setting_has_a_description_for_the_form(plugin_id):
    schema = config_schema(REGISTRY.meta(plugin_id))
    assert [field["name"] for field in schema if not field["description"]] == []


@pytest.mark.parametrize("plugin_id", CONFIGURABLE)
def test_unsaved_settings_show_no_secret(plugin_id):
    meta = REGISTRY.meta(plugin_id)
    shown = public_config(meta, {})
    assert shown["secrets_set"] == []
    assert all(shown["values"][name] is None for name in secret_fields(meta.config_model))



@pytest.mark.parametrize(("plugin_id", "distribution"), [
    ("robokassa", "saldo-robokassa"), ("yandex_kassa", "saldo-yandex-kassa"), ("onec_export", "saldo-onec-export"),
    ("whmcs_import", "saldo-whmcs-import"), ("credit_control", "saldo-credit-control"),
])
def test_named_plugins_come_from_their_own_distributions(plugin_id, distribution):
    meta = REGISTRY.meta(plugin_id)
    assert (meta.level, meta.config_model is not None) == ("tenant", True)
    assert REGISTRY.distribution(plugin_id) == f"{distribution} {meta.version}"

from ipaddress import ip_address

import pytest

from core.plugins.config import PluginConfigError, load_config, public_config, validate_config

from saldo_yandex_kassa.config import YOOKASSA_NETWORKS
from saldo_yandex_kassa.plugin import plugin_meta

VALID = {"shop_id": "123456", "secret_key": "test_secret"}


def fields(excinfo) -> set[str]:
    return {error["field"] for error in excinfo.value.errors}


def test_default_networks_are_yookassas_and_secret_key_is_hidden():
    stored = validate_config(plugin_meta, VALID, {})
    assert stored["notification_networks"] == list(YOOKASSA_NETWORKS)
    config = load_config(plugin_meta, stored)
    assert any(ip_address("185.71.76.5") in network for network in config.notification_networks)
    assert not any(ip_address("10.0.0.1") in network for network in config.notification_networks)
    shown = public_config(plugin_meta, stored)
    assert shown["values"]["secret_key"] is None and shown["secrets_set"] == ["secret_key"]
    assert shown["values"]["notification_networks"] == list(YOOKASSA_NETWORKS)


def test_shop_id_is_digits_and_secret_key_required():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {"shop_id": "shop"}, {})
    assert fields(excinfo) == {"shop_id", "secret_key"}


def test_networks_must_be_valid_and_not_empty():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "notification_networks": ["300.1.1.0/24"]}, {})
    assert fields(excinfo) == {"notification_networks.0"}
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "notification_networks": []}, {})
    assert fields(excinfo) == {"notification_networks"}


def test_legacy_protocol_needs_the_shop_password():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "legacy_protocol": True}, {})
    assert fields(excinfo) == {"legacy_shop_password"}
    stored = validate_config(plugin_meta, {**VALID, "legacy_protocol": True, "legacy_shop_password": "s<kY2"}, {})
    assert public_config(plugin_meta, stored)["secrets_set"] == ["secret_key", "legacy_shop_password"]

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


def test_legacy_protocol_needs_its_shop_id_scid_and_password():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "legacy_protocol": True}, {})
    assert fields(excinfo) == {"legacy_shop_id", "legacy_scid", "legacy_shop_password"}
    legacy = {"legacy_protocol": True, "legacy_shop_id": "13", "legacy_scid": "5561", "legacy_shop_password": "s<kY2"}
    stored = validate_config(plugin_meta, {**VALID, **legacy}, {})
    assert public_config(plugin_meta, stored)["secrets_set"] == ["secret_key", "legacy_shop_password"]
    assert load_config(plugin_meta, stored).legacy_shop_password.get_secret_value() == "s<kY2"


def test_receipts_need_a_vat_code_and_a_valid_tax_system():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "send_receipt": True, "tax_system_code": 7}, {})
    assert fields(excinfo) == {"vat_code", "tax_system_code"}
    stored = validate_config(plugin_meta, {**VALID, "send_receipt": True, "vat_code": 11, "tax_system_code": 1}, {})
    assert (stored["vat_code"], stored["tax_system_code"]) == (11, 1)


def test_api_address_timeout_and_trusted_proxies():
    stored = validate_config(plugin_meta, VALID, {})
    assert (stored["api_url"], stored["timeout_seconds"], stored["trusted_proxies"]) == (
        "https://api.yookassa.ru/v3", 10, [])
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "api_url": "ftp://x", "timeout_seconds": 0,
                                      "trusted_proxies": ["10.0.0.0/8", "proxy"]}, {})
    assert fields(excinfo) == {"api_url", "timeout_seconds", "trusted_proxies.1"}


def test_the_api_address_is_yookassas_unless_the_deployment_allows_a_test_host(monkeypatch):
    from pydantic import ValidationError

    from saldo_yandex_kassa.config import YooKassaConfig

    settings = {"shop_id": "123", "secret_key": "test_x"}
    assert YooKassaConfig(**settings).api_url == "https://api.yookassa.ru/v3"
    monkeypatch.delenv("SALDO_YOOKASSA_API_HOSTS")
    for address in ("http://169.254.169.254/latest", "https://evil.example/v3", "http://127.0.0.1:9/v3"):
        with pytest.raises(ValidationError, match="SALDO_YOOKASSA_API_HOSTS"):
            YooKassaConfig(**settings, api_url=address)
    monkeypatch.setenv("SALDO_YOOKASSA_API_HOSTS", "127.0.0.1")
    assert YooKassaConfig(**settings, api_url="http://127.0.0.1:9/v3").api_url == "http://127.0.0.1:9/v3"

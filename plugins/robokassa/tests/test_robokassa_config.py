import pytest

from core.plugins.config import PluginConfigError, load_config, public_config, validate_config

from saldo_robokassa.config import HashAlgorithm
from saldo_robokassa.plugin import plugin_meta

VALID = {"merchant_login": "demo", "password1": "password_1", "password2": "password_2"}


def fields(excinfo) -> set[str]:
    return {error["field"] for error in excinfo.value.errors}


def test_valid_settings_round_trip_with_secrets_hidden():
    stored = validate_config(plugin_meta, {**VALID, "hash_algorithm": "sha256"}, {})
    assert stored["password1"] == "password_1"
    config = load_config(plugin_meta, stored)
    assert config.hash_algorithm is HashAlgorithm.SHA256
    assert config.password2.get_secret_value() == "password_2"
    shown = public_config(plugin_meta, stored)
    assert shown["values"]["merchant_login"] == "demo"
    assert shown["values"]["password1"] is None
    assert shown["secrets_set"] == ["password1", "password2"]
    assert "password_1" not in repr(shown)


def test_every_missing_credential_is_named():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {}, {})
    assert fields(excinfo) == {"merchant_login", "password1", "password2"}


@pytest.mark.parametrize("algorithm", [a.value for a in HashAlgorithm])
def test_every_cabinet_hash_algorithm_is_accepted(algorithm):
    assert validate_config(plugin_meta, {**VALID, "hash_algorithm": algorithm}, {})["hash_algorithm"] == algorithm


def test_unknown_hash_algorithm_is_refused():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "hash_algorithm": "crc32"}, {})
    assert fields(excinfo) == {"hash_algorithm"}


def test_test_mode_needs_the_test_passwords():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "test_mode": True}, {})
    assert fields(excinfo) == {"test_password1", "test_password2"}
    test_passwords = {"test_password1": "t1", "test_password2": "t2"}
    stored = validate_config(plugin_meta, {**VALID, "test_mode": True, **test_passwords}, {})
    assert load_config(plugin_meta, stored).test_mode is True


def test_receipts_need_a_tax_system_and_a_vat():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "send_receipt": True}, {})
    assert fields(excinfo) == {"tax_system", "receipt_tax"}
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {**VALID, "send_receipt": True, "receipt_tax": "vat20"}, {})
    assert fields(excinfo) == {"tax_system", "receipt_tax"}  # 20 % is gone since 2026
    stored = validate_config(plugin_meta, {**VALID, "send_receipt": True, "tax_system": "usn_income",
                                           "receipt_tax": "vat122"}, {})
    assert (stored["tax_system"], stored["receipt_tax"]) == ("usn_income", "vat122")


def test_a_later_save_keeps_secrets_it_leaves_out():
    stored = validate_config(plugin_meta, VALID, {})
    updated = validate_config(plugin_meta, {"merchant_login": "shop2", "password1": None, "password2": ""}, stored)
    assert updated["merchant_login"] == "shop2"
    assert (updated["password1"], updated["password2"]) == ("password_1", "password_2")

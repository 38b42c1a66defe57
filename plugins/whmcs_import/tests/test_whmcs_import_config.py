import pytest

from core.plugins.config import PluginConfigError, load_config, public_config, validate_config

from saldo_whmcs_import.plugin import plugin_meta

URL = "mysql://reader:s3cret@db.example:3306/whmcs"


def test_database_url_is_a_write_only_secret():
    stored = validate_config(plugin_meta, {"database_url": URL}, {})
    assert load_config(plugin_meta, stored).database_url.get_secret_value() == URL
    shown = public_config(plugin_meta, stored)
    assert shown == {"values": {"database_url": None, "inn_field": "ИНН", "kpp_field": "КПП"},
                     "secrets_set": ["database_url"]}


@pytest.mark.parametrize("url", ["postgresql://u:p@host/whmcs", "mysql://u:p@host", "not a url"])
def test_database_url_must_name_a_mysql_database_and_is_never_echoed(url):
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {"database_url": url}, {})
    assert [e["field"] for e in excinfo.value.errors] == ["database_url"]
    assert url not in str(excinfo.value.errors)


def test_custom_field_names_can_be_changed():
    stored = validate_config(plugin_meta, {"database_url": URL, "inn_field": "INN"}, {})
    assert load_config(plugin_meta, stored).inn_field == "INN"

import pytest
from pydantic import BaseModel, SecretStr

from core.plugins.meta import PluginMeta, PluginMetaError


class Settings(BaseModel):
    token: SecretStr


class Defaults(BaseModel):
    percent: int = 5


def meta(**fields) -> PluginMeta:
    return PluginMeta(**{"id": "shop", "name": "Shop", "version": "1.0", "description": "A shop.", **fields})


@pytest.mark.parametrize("plugin_id", ["robokassa", "onec_export", "a1"])
def test_ids_are_lowercase_identifiers(plugin_id):
    assert meta(id=plugin_id).id == plugin_id


@pytest.mark.parametrize("plugin_id", ["", "Robokassa", "1c", "one-c", "_private", "a" * 64, "shop.v2", None])
def test_other_ids_are_refused(plugin_id):
    with pytest.raises(PluginMetaError, match="lowercase identifier"):
        meta(id=plugin_id)


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": " "}, "name must be a non-empty string"),
    ({"version": ""}, "version must be a non-empty string"),
    ({"description": None}, "description must be a non-empty string"),
    ({"level": "server"}, "level must be one of"),
    ({"config_model": dict}, "config_model must be a pydantic BaseModel subclass"),
    ({"config_model": Defaults()}, "config_model must be a pydantic BaseModel subclass"),
    ({"requires_core": "at least 1"}, "is not a version specifier"),
])
def test_malformed_metadata_is_refused_with_the_plugin_named(fields, message):
    with pytest.raises(PluginMetaError, match=message) as excinfo:
        meta(**fields)
    assert "shop" in str(excinfo.value)


@pytest.mark.parametrize("fields", [{"essential": True}, {"level": "global"}, {"default_enabled": True}])
def test_a_plugin_on_without_configuration_needs_defaults_for_its_settings(fields):
    with pytest.raises(PluginMetaError, match="need defaults: token"):
        meta(config_model=Settings, **fields)
    assert meta(config_model=Defaults, **fields).on_without_configuration


def test_always_on_means_essential_or_global():
    assert meta(essential=True).always_on
    assert meta(level="global").always_on
    assert not meta(default_enabled=True).always_on


def test_required_core_version_is_checked():
    meta(requires_core=">=0.1,<1").check_core("0.1.0")
    meta(requires_core=">=0.1").check_core("0.2.0rc1")
    with pytest.raises(PluginMetaError, match=r"plugin shop requires saldo >=0.3, this is saldo 0.2.5"):
        meta(requires_core=">=0.3").check_core("0.2.5")

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Literal

import pytest
from pydantic import BaseModel, Field, SecretStr, model_validator

from core.plugins.config import PluginConfigError, config_schema, load_config, public_config, validate_config
from core.plugins.meta import PluginMeta


class Mode(str, Enum):
    LIVE = "live"
    TEST = "test"


class ShopConfig(BaseModel):
    login: str = Field(min_length=1, description="Shop login.")
    password: SecretStr = Field(description="Shop password.")
    refund_password: SecretStr | None = None
    mode: Mode = Mode.LIVE
    fee: Decimal = Field(default=Decimal("1.50"), ge=0)
    retries: int = 3
    notify: bool = True
    since: date | None = None
    culture: Literal["ru", "en"] = "ru"
    networks: list[str] = Field(default_factory=lambda: ["10.0.0.0/8"])

    @model_validator(mode="after")
    def _not_free_in_test_mode(self):
        if self.mode is Mode.TEST and self.fee == 0:
            raise ValueError("test mode needs a fee")
        return self


META = PluginMeta(id="shop", name="Shop", version="1", description="A shop.", config_model=ShopConfig)
BARE = PluginMeta(id="bare", name="Bare", version="1", description="No settings.")


def errors(excinfo) -> dict[str, str]:
    return {error["field"]: error["message"] for error in excinfo.value.errors}


def test_validate_returns_the_dict_to_store_with_secrets_in_clear():
    stored = validate_config(META, {"login": "demo", "password": "p1", "fee": "2"}, {})
    assert stored == {"login": "demo", "password": "p1", "refund_password": None, "mode": "live", "fee": "2",
                      "retries": 3, "notify": True, "since": None, "culture": "ru", "networks": ["10.0.0.0/8"]}


def test_every_bad_field_is_named_without_echoing_values():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(META, {"login": "", "password": "hunter2", "retries": "many", "mode": "demo"}, {})
    assert set(errors(excinfo)) == {"login", "retries", "mode"}
    assert "hunter2" not in str(excinfo.value.errors)


def test_missing_required_fields_are_named():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(META, {}, {})
    assert errors(excinfo) == {"login": "Field required", "password": "Field required"}


def test_unknown_fields_are_refused():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(META, {"login": "demo", "pasword": "p1"}, {"password": "p0"})
    assert errors(excinfo) == {"pasword": "unknown setting"}


def test_errors_about_the_whole_settings_are_on_config():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(META, {"login": "demo", "password": "p", "mode": "test", "fee": "0"}, {})
    assert errors(excinfo) == {"config": "Value error, test mode needs a fee"}


def test_list_items_are_named_by_index():
    class Rates(BaseModel):
        days: list[int] = []

    meta = PluginMeta(id="rates", name="Rates", version="1", description="x", config_model=Rates)
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(meta, {"days": [1, "two"]}, {})
    assert list(errors(excinfo)) == ["days.1"]


def test_a_save_merges_over_the_stored_settings_and_keeps_omitted_secrets():
    stored = validate_config(META, {"login": "demo", "password": "p1", "refund_password": "r1", "retries": 5}, {})
    updated = validate_config(META, {"login": "shop2", "password": "", "refund_password": None}, stored)
    assert (updated["login"], updated["retries"]) == ("shop2", 5)
    assert (updated["password"], updated["refund_password"]) == ("p1", "r1")
    assert validate_config(META, {"password": "p2"}, updated)["password"] == "p2"


def test_enabling_validates_the_stored_settings_as_they_are():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(META, {}, {"login": "demo"})
    assert list(errors(excinfo)) == ["password"]


def test_a_plugin_without_settings_takes_none():
    assert validate_config(BARE, {}, {}) == {}
    with pytest.raises(PluginConfigError, match="config: plugin bare has no settings"):
        validate_config(BARE, {"x": 1}, {})
    assert load_config(BARE, {}) is None
    assert public_config(BARE, {}) == {"values": {}, "secrets_set": []}
    assert config_schema(BARE) == []


def test_load_ignores_settings_the_model_no_longer_has_and_refuses_incomplete_ones():
    stored = validate_config(META, {"login": "demo", "password": "p1"}, {})
    config = load_config(META, {**stored, "removed_in_v2": True})
    assert config.password.get_secret_value() == "p1" and config.fee == Decimal("1.50")
    with pytest.raises(PluginConfigError) as excinfo:
        load_config(META, {"login": "demo"})
    assert list(errors(excinfo)) == ["password"]


def test_public_config_never_returns_secrets():
    stored = validate_config(META, {"login": "demo", "password": "p1", "retries": 7}, {})
    shown = public_config(META, stored)
    assert shown["secrets_set"] == ["password"]
    assert shown["values"]["password"] is None and shown["values"]["refund_password"] is None
    assert (shown["values"]["login"], shown["values"]["retries"]) == ("demo", 7)
    assert "p1" not in repr(shown)


def test_public_config_of_unsaved_settings_shows_defaults():
    shown = public_config(META, {})
    assert shown["secrets_set"] == []
    assert shown["values"]["login"] is None and shown["values"]["fee"] == "1.50"
    assert shown["values"]["networks"] == ["10.0.0.0/8"] and shown["values"]["mode"] == "live"


def test_config_schema_describes_each_field_for_a_form():
    schema = {field["name"]: field for field in config_schema(META)}
    assert list(schema) == list(ShopConfig.model_fields)
    assert schema["login"] == {"name": "login", "title": "Login", "type": "string", "nullable": False,
                               "required": True, "default": None, "secret": False, "description": "Shop login.",
                               "choices": None}
    assert schema["password"]["secret"] and schema["password"]["required"]
    assert schema["refund_password"]["secret"] and schema["refund_password"]["nullable"]
    mode = schema["mode"]
    assert (mode["type"], mode["choices"], mode["default"]) == ("enum", ["live", "test"], "live")
    assert (schema["culture"]["type"], schema["culture"]["choices"]) == ("enum", ["ru", "en"])
    assert (schema["fee"]["type"], schema["fee"]["default"]) == ("decimal", "1.50")
    assert [schema[name]["type"] for name in ("retries", "notify", "since", "networks")] == \
        ["integer", "boolean", "date", "list"]

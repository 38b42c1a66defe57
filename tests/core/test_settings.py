import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.settings import Settings

DOCS = Path(__file__).parents[2] / "docs" / "configuration.md"


def documented_variables() -> dict[str, str]:
    rows = re.findall(r"^\| `(SALDO_[A-Z_]+)` \| `?([^|`]*)`? \|", DOCS.read_text(), flags=re.M)
    return dict(rows)


def test_every_setting_is_documented_and_every_documented_one_exists():
    fields = {f"SALDO_{name.upper()}" for name in Settings.model_fields}
    assert fields == set(documented_variables())


def test_documented_defaults_match_the_code():
    for variable, documented in documented_variables().items():
        default = Settings.model_fields[variable.removeprefix("SALDO_").lower()].default
        value = default.get_secret_value() if hasattr(default, "get_secret_value") else default
        if isinstance(value, bool):
            value = str(value).lower()
        expected = "" if documented.strip() == "empty" else documented.strip()
        assert str(value) == expected, variable


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("SALDO_PORT", "9123")
    monkeypatch.setenv("SALDO_TIMEZONE", "Asia/Yekaterinburg")
    settings = Settings(_env_file=None)
    assert settings.port == 9123
    assert settings.timezone == "Asia/Yekaterinburg"


@pytest.mark.parametrize(("variable", "value"), [
    ("SALDO_TIMEZONE", "Mars/Olympus"),
    ("SALDO_LOG_LEVEL", "LOUD"),
    ("SALDO_PORT", "70000"),
    ("SALDO_DEFAULT_LANGUAGE", "de"),
])
def test_bad_values_are_refused_naming_the_setting(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None)
    assert variable.removeprefix("SALDO_").lower() in str(error.value)


def test_default_database_is_sqlite_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("SALDO_DATABASE_URL", raising=False)
    settings = Settings(_env_file=None, data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'saldo.sqlite'}"


def test_generated_secret_key_is_kept(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path)
    first = settings.resolved_secret_key()
    assert len(first) >= 48
    assert Settings(_env_file=None, data_dir=tmp_path).resolved_secret_key() == first

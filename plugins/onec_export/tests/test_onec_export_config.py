import pytest

from core.plugins.config import PluginConfigError, config_schema, load_config, validate_config

from saldo_onec_export.config import ExportKind, FormatVersion
from saldo_onec_export.plugin import plugin_meta


def test_defaults_export_everything_as_1_17():
    config = load_config(plugin_meta, validate_config(plugin_meta, {}, {}))
    assert config.format_version is FormatVersion.V1_17
    assert config.kinds == list(ExportKind)


def test_versions_before_1_17_are_refused():
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {"format_version": "1.16"}, {})
    assert [e["field"] for e in excinfo.value.errors] == ["format_version"]
    version = next(f for f in config_schema(plugin_meta) if f["name"] == "format_version")
    assert version["type"] == "enum" and version["choices"] == ["1.17", "1.18", "1.19", "1.20", "1.21"]


@pytest.mark.parametrize("kinds", [[], ["acts", "acts"], ["receipts"]])
def test_kinds_must_be_known_unique_and_not_empty(kinds):
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, {"kinds": kinds}, {})
    assert {e["field"].split(".")[0] for e in excinfo.value.errors} == {"kinds"}

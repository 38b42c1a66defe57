from decimal import Decimal

import pytest

from core.plugins.config import PluginConfigError, load_config, validate_config

from saldo_credit_control.plugin import plugin_meta


def test_defaults_charge_no_late_fee():
    config = load_config(plugin_meta, validate_config(plugin_meta, {}, {}))
    assert (config.grace_days, config.reminder_days, config.unblock_on_payment) == (5, [1, 3], True)
    assert config.late_fee_percent_per_day == 0


def test_values_are_stored_exactly():
    stored = validate_config(plugin_meta, {"reminder_days": [7, 0, 3], "late_fee_percent_per_day": "0.1"}, {})
    assert stored["reminder_days"] == [0, 3, 7]
    assert load_config(plugin_meta, stored).late_fee_percent_per_day == Decimal("0.1")


@pytest.mark.parametrize(("submitted", "field"), [
    ({"grace_days": -1}, "grace_days"),
    ({"reminder_days": [3, 3]}, "reminder_days"),
    ({"reminder_days": [400]}, "reminder_days"),
    ({"late_fee_percent_per_day": "1.5"}, "late_fee_percent_per_day"),
    ({"late_fee_percent_per_day": "0.0001"}, "late_fee_percent_per_day"),
    ({"late_fee_cap_percent": "101"}, "late_fee_cap_percent"),
])
def test_bad_rules_are_refused_by_field(submitted, field):
    with pytest.raises(PluginConfigError) as excinfo:
        validate_config(plugin_meta, submitted, {})
    assert [e["field"] for e in excinfo.value.errors] == [field]

"""The UI's two catalogs are complete and every key the UI uses exists."""

import re
from pathlib import Path

from core.domain.roles import ROLES
from web.i18n import CATALOGS, EN, RU, SERVICE_MESSAGES, error_text, translate

WEB = Path(__file__).resolve().parents[2] / "web"
TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")
PYTHON_KEY = re.compile(r"""["']((?:login|users|keys|plugins|settings|audit|common|error|err|dashboard|nav)\.[a-z0-9_.]+)["']""")
DYNAMIC_PREFIXES = {"role.": ROLES, "clock.": ("real", "simulated"), "plugins.level.": ("tenant", "global"),
                    "audit.actor.": ("user", "api_key", "cli", "system"), "lang.": ("ru", "en"),
                    "object.": ("tenant", "user", "api_key", "plugin"),
                    "error.": ("400", "401", "403", "404", "409", "422", "500")}


def _used_keys() -> set[str]:
    keys = set()
    for path in (WEB / "templates").rglob("*.html"):
        keys |= set(TEMPLATE_KEY.findall(path.read_text(encoding="utf-8")))
    for path in (WEB / "ui").glob("*.py"):
        keys |= {k for k in PYTHON_KEY.findall(path.read_text(encoding="utf-8")) if not k.endswith(".html")}
    return keys


def test_both_catalogs_have_the_same_keys():
    assert set(RU) - set(EN) == set()
    assert set(EN) - set(RU) == set()
    assert all(text.strip() for catalog in CATALOGS.values() for text in catalog.values())


def test_every_key_used_in_templates_and_pages_exists():
    used = _used_keys()
    assert len(used) > 100, "the scan found too few keys; is the pattern still right?"
    prefixes = {key for key in used if key.endswith(".")}  # t("role." ~ role): checked below
    assert prefixes <= set(DYNAMIC_PREFIXES), prefixes - set(DYNAMIC_PREFIXES)
    assert sorted(used - prefixes - set(RU)) == []


def test_keys_built_from_values_exist():
    for prefix, values in DYNAMIC_PREFIXES.items():
        for value in values:
            assert f"{prefix}{value}" in RU, f"{prefix}{value}"


def test_service_messages_map_to_existing_keys():
    assert all(key in RU for _, key in SERVICE_MESSAGES)
    assert error_text("ru", "must not be empty") == RU["err.not_empty"]
    assert error_text("ru", "must be at least 10 characters") == RU["err.password_short"]
    assert error_text("en", "Field required") == EN["err.required"]
    assert error_text("ru", "Input should be a valid integer, unable to parse string as an integer") == RU["err.integer"]
    assert error_text("ru", "something nobody translated") == "something nobody translated"


def test_russian_is_the_fallback():
    assert translate("de", "nav.users") == "Пользователи"
    assert translate("en", "nav.users") == "Users"
    assert translate("ru", "no.such.key") == "no.such.key"


def test_every_audit_action_of_the_core_has_a_label():
    """The audit log shows actions by name; an action without a label would show its code."""
    core = Path(__file__).resolve().parents[2] / "core"
    pattern = re.compile(r"""audit\.record\(\s*[^,]+,\s*["']([a-z_]+\.[a-z_]+)["']""")
    actions = {a for path in core.rglob("*.py") for a in pattern.findall(path.read_text(encoding="utf-8"))}
    assert {"user.create", "plugin.configure"} <= actions
    assert sorted(a for a in actions if f"action.{a}" not in RU) == []

"""The settings form of a plugin, generated from ``core.plugins.config.config_schema``.

``form_fields`` turns the schema and the public settings into what the template
renders; ``parse_config`` turns a submitted form back into the dict the service
validates. Secret fields are rendered empty; an empty secret is left out of the
submission so the saved value is kept.
"""

from __future__ import annotations

from typing import Any

from core.plugins.config import config_schema

REQUIRED = "Field required"

INPUT_KINDS = {
    "boolean": "checkbox",
    "enum": "select",
    "list": "textarea",
    "date": "date",
    "datetime": "datetime-local",
    "integer": "text",
    "number": "text",
    "decimal": "text",
    "string": "text",
}

INPUT_MODES = {"integer": "numeric", "number": "decimal", "decimal": "decimal"}


def _shown(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "list":
        return "\n".join(str(item) for item in value)
    if kind == "datetime" and isinstance(value, str):
        return value[:16]  # what <input type="datetime-local"> accepts
    return value


def form_fields(plugin, submitted: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Fields to render: the saved (or just submitted) values, never a secret."""
    public = plugin.config or {}
    saved = public.get("values", {})
    secrets_set = set(public.get("secrets_set", []))
    fields = []
    for item in config_schema(plugin.meta):
        name, kind = item["name"], item["type"]
        value = submitted[name] if submitted and name in submitted else _shown(saved.get(name), kind)
        fields.append({
            "name": name,
            "label": item["title"],
            "description": item["description"],
            "kind": "password" if item["secret"] else INPUT_KINDS.get(kind, "text"),
            "type": kind,
            "value": "" if item["secret"] else value,
            "required": item["required"],
            "secret": item["secret"],
            "secret_set": name in secrets_set,
            "options": [(str(choice), str(choice)) for choice in item["choices"] or []],
            "inputmode": INPUT_MODES.get(kind, ""),
        })
    return fields


def _single(form, name: str) -> str:
    values = form.getall(name) if name in form.keys() else []
    return str(values[-1]).strip() if values else ""


def parse_config(plugin, form) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(config to submit, values to show again, field errors found before the service sees it)."""
    config: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    errors: dict[str, str] = {}
    saved = (plugin.config or {}).get("values", {})
    for item in config_schema(plugin.meta):
        name, kind = item["name"], item["type"]
        if name not in form.keys():
            continue  # not on the form: the saved value is kept
        if kind == "boolean":
            config[name] = shown[name] = "true" in form.getall(name)
            continue
        raw = _single(form, name)
        if item["secret"]:
            if raw:  # left empty: the saved secret is kept (or the service reports it missing)
                config[name] = raw
            continue
        shown[name] = raw
        if kind == "list":
            config[name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif raw == "":
            if item["nullable"]:
                config[name] = None
            elif item["required"] and saved.get(name) is not None:
                errors[name] = REQUIRED  # cleared: leaving it out would silently keep the saved value
            else:
                config[name] = "" if kind == "string" else item["default"]
        elif kind == "enum":
            choice = next((c for c in item["choices"] or [] if str(c) == raw), None)
            if choice is None:
                errors[name] = "Input should be one of the listed values"
            else:
                config[name] = choice
        elif kind in ("number", "decimal"):
            config[name] = raw.replace(",", ".").replace(" ", "").replace("\u00a0", "")
        else:
            config[name] = raw
    return config, shown, errors

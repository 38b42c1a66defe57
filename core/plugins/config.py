"""Per-tenant plugin settings: validate on save, load for hook calls, show without secrets.

Settings are stored as the JSON dict :func:`validate_config` returns. Secret fields
(``SecretStr``) are write-only: :func:`public_config` never returns them, and a save
that leaves one out (or sends null or "") keeps the stored value. Other fields left
out of a save keep their stored value too, so a save may send only what changed.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import types
import typing
from typing import Any

from pydantic import BaseModel, SecretStr, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from core.plugins.meta import PluginMeta

WHOLE_CONFIG = "config"  # the field named by errors about the settings as a whole


class PluginConfigError(ValueError):
    """Invalid settings; ``errors`` holds one ``{"field": ..., "message": ...}`` per problem."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


def _errors(exc: ValidationError) -> list[dict[str, str]]:
    """One error per setting (or list item), e.g. ``notification_networks.0``.

    Settings are flat, so a location is the field name plus any list indexes; the
    member tags pydantic adds for union types are dropped and their messages joined.
    The submitted value is left out on purpose: it may be a secret.
    """
    messages: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        path = [str(loc[0])] if loc else [WHOLE_CONFIG]
        for part in loc[1:]:
            if not isinstance(part, int):
                break
            path.append(str(part))
        found = messages.setdefault(".".join(path), [])
        if error["msg"] not in found:
            found.append(error["msg"])
    return [{"field": field, "message": "; ".join(found)} for field, found in messages.items()]


def _args(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``None``, and whether ``None`` was allowed."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        return (args[0] if len(args) == 1 else annotation), nullable
    return annotation, False


def secret_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, f in model.model_fields.items() if _args(f.annotation)[0] is SecretStr]


def dump_config(config: BaseModel) -> dict[str, Any]:
    """The JSON dict to store, secrets included in clear."""
    data = config.model_dump(mode="json")
    for name in secret_fields(type(config)):
        value = getattr(config, name)
        data[name] = value.get_secret_value() if value is not None else None
    return data


def validate_config(meta: PluginMeta, submitted: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Merge ``submitted`` over ``stored``, validate, and return the dict to store.

    Raises :class:`PluginConfigError` naming every bad or unknown field.
    """
    model = meta.config_model
    if model is None:
        if submitted:
            raise PluginConfigError([{"field": WHOLE_CONFIG, "message": f"plugin {meta.id} has no settings"}])
        return {}
    unknown = [name for name in submitted if name not in model.model_fields]
    if unknown:
        raise PluginConfigError([{"field": name, "message": "unknown setting"} for name in unknown])
    secrets = secret_fields(model)
    data = {name: value for name, value in stored.items() if name in model.model_fields}
    for name, value in submitted.items():
        if name in secrets and value in (None, ""):
            continue
        data[name] = value
    try:
        return dump_config(model.model_validate(data))
    except ValidationError as exc:
        raise PluginConfigError(_errors(exc)) from None


def load_config(meta: PluginMeta, stored: dict[str, Any]) -> BaseModel | None:
    """The stored settings as the plugin's model (None for a plugin without settings).

    Stored keys the model no longer has are ignored; raises :class:`PluginConfigError`
    when the stored settings are incomplete or no longer valid.
    """
    model = meta.config_model
    if model is None:
        return None
    try:
        return model.model_validate({k: v for k, v in stored.items() if k in model.model_fields})
    except ValidationError as exc:
        raise PluginConfigError(_errors(exc)) from None


def _default(field: FieldInfo) -> Any:
    if field.is_required():
        return None
    return TypeAdapter(field.annotation).dump_python(field.get_default(call_default_factory=True), mode="json")


def public_config(meta: PluginMeta, stored: dict[str, Any]) -> dict[str, Any]:
    """Settings safe to show: ``{"values": {field: value}, "secrets_set": [field, ...]}``.

    ``values`` has every field of the model: the stored value, else the default, else
    None; secret fields are always None there. ``secrets_set`` lists the secret fields
    that have a stored, non-empty value.
    """
    model = meta.config_model
    if model is None:
        return {"values": {}, "secrets_set": []}
    secrets = secret_fields(model)
    values = {
        name: None if name in secrets else stored[name] if name in stored else _default(field)
        for name, field in model.model_fields.items()
    }
    return {"values": values, "secrets_set": [name for name in secrets if stored.get(name) not in (None, "")]}


_TYPES: list[tuple[type, str]] = [
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (decimal.Decimal, "decimal"),
    (datetime.datetime, "datetime"),
    (datetime.date, "date"),
    (SecretStr, "string"),
]


def _type_of(annotation: Any) -> tuple[str, list[Any] | None]:
    if typing.get_origin(annotation) is typing.Literal:
        return "enum", list(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "enum", [member.value for member in annotation]
    if typing.get_origin(annotation) in (list, tuple, set, frozenset):
        return "list", None
    for python_type, name in _TYPES:
        if isinstance(annotation, type) and issubclass(annotation, python_type):
            return name, None
    return "string", None


def config_schema(meta: PluginMeta) -> list[dict[str, Any]]:
    """One description per setting, in declaration order, for rendering a form.

    Each is ``{"name", "title", "type", "nullable", "required", "default", "secret",
    "description", "choices"}``; ``type`` is one of string, integer, number, decimal,
    boolean, date, datetime, enum (``choices`` lists the values) or list. Secret
    defaults are never given.
    """
    model = meta.config_model
    if model is None:
        return []
    secrets = secret_fields(model)
    described = []
    for name, field in model.model_fields.items():
        annotation, nullable = _args(field.annotation)
        kind, choices = _type_of(annotation)
        described.append({
            "name": name,
            "title": field.title or name.replace("_", " ").capitalize(),
            "type": kind,
            "nullable": nullable,
            "required": field.is_required(),
            "default": None if name in secrets else _default(field),
            "secret": name in secrets,
            "description": field.description or "",
            "choices": choices,
        })
    return described

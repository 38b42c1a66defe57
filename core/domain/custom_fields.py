"""Custom client fields defined by a tenant («Код контрагента», «Форма собственности лицензий 1С»…).

A value is stored as text whatever the type: a number as a plain Decimal string, a date
in ISO form, a flag as ``true``/``false``, a choice as one of the field's choices.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

TEXT = "text"
NUMBER = "number"
DATE = "date"
CHOICE = "choice"
FLAG = "flag"
FIELD_TYPES = (TEXT, NUMBER, DATE, CHOICE, FLAG)

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
NUMBER_RE = re.compile(r"^[+-]?\d+([.,]\d+)?$")
MAX_VALUE = 1000
MAX_CHOICES = 200


class FieldValueError(ValueError):
    """The value does not fit the field's type; the message says why."""


def definition_problems(*, code: str, label: str, field_type: str, choices: list[str]) -> list[dict]:
    problems = []
    if not CODE_RE.match(code):
        problems.append({"field": "code", "message": "use lowercase latin letters, digits and _ (1-63, "
                                                     "starting with a letter)"})
    if not label.strip():
        problems.append({"field": "label", "message": "must not be empty"})
    if field_type not in FIELD_TYPES:
        problems.append({"field": "type", "message": f"must be one of {', '.join(FIELD_TYPES)}"})
    if msg := choices_problem(field_type, choices):
        problems.append({"field": "choices", "message": msg})
    return problems


def clean_choices(choices: list[Any] | None) -> list[str]:
    return [str(c).strip() for c in (choices or [])]


def choices_problem(field_type: str, choices: list[str]) -> str | None:
    if field_type != CHOICE:
        return "only a choice field has choices" if choices else None
    if not choices:
        return "a choice field needs at least one choice"
    if any(not c for c in choices):
        return "a choice must not be empty"
    if len(set(choices)) != len(choices):
        return "choices must be different"
    if len(choices) > MAX_CHOICES:
        return f"at most {MAX_CHOICES} choices"
    return None


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_stored(field_type: str, choices: list[str], value: Any) -> str:
    """The text to store for ``value``, or FieldValueError. Empty values are the caller's concern."""
    if isinstance(value, (list, dict)):
        raise FieldValueError("must be a single value")
    if field_type == FLAG:
        if isinstance(value, bool):
            return "true" if value else "false"
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "да"):
            return "true"
        if text in ("false", "0", "no", "нет"):
            return "false"
        raise FieldValueError("must be true or false")
    if isinstance(value, bool):
        raise FieldValueError("must not be true or false")
    text = str(value).strip()
    if field_type == NUMBER:
        text = text.replace(" ", "").replace("\u00a0", "")
        if not NUMBER_RE.match(text):
            raise FieldValueError("must be a number such as 12 or 12.5")
        try:
            return format(Decimal(text.replace(",", ".")), "f")
        except InvalidOperation:
            raise FieldValueError("must be a number such as 12 or 12.5") from None
    if field_type == DATE:
        try:
            return (value if isinstance(value, date) else date.fromisoformat(text)).isoformat()
        except ValueError:
            raise FieldValueError("must be a date as YYYY-MM-DD") from None
    if field_type == CHOICE:
        if text not in choices:
            raise FieldValueError(f"is not one of the choices: {', '.join(choices)}")
        return text
    if len(text) > MAX_VALUE:
        raise FieldValueError(f"is longer than {MAX_VALUE} characters")
    return text


def from_stored(field_type: str, text: str) -> str | bool:
    """The value as the API shows it: a flag as a boolean, anything else as its stored text."""
    return text == "true" if field_type == FLAG else text

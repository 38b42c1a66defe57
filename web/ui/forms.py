"""Reading the billing forms (catalog, subscriptions, accounts, import): numbers typed the
Russian way, whole numbers, dates, and service messages made translatable.

A value a form cannot even parse is an ``InvalidInput`` on its field, exactly like the
service's own refusals, so every error is shown next to its field the same way.
"""

from __future__ import annotations

import re
from datetime import date

from core.services.errors import InvalidInput, ServiceError
from web.ui.render import field_errors

# Messages whose details sit in the middle (a cycle, a count) → a fixed message that
# web.i18n's SERVICE_MESSAGES translates.
REWRITES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"has no \w+ price (in effect )?on"), "has no price of this cycle on that day"),
    (re.compile(r"^\d+ values for \d+ columns"), "a row has more values than the header has columns"),
    (re.compile(r"^product \d+ not found"), "no such product"),
)


def decimal_text(value: str | None) -> str:
    """A number as typed («4 800,50», «4800.50») in the services' form («4800.50»)."""
    text = (value or "").strip()
    for space in (" ", "\u00a0", "\u202f"):
        text = text.replace(space, "")
    return text.replace(",", ".")


def optional_decimal(form: dict, name: str) -> str | None:
    return decimal_text(form.get(name)) or None


def whole(form: dict, name: str, default: int | None = None) -> int | None:
    """A whole number of the form; ``default`` when the field is empty."""
    text = (form.get(name) or "").strip()
    if not text:
        return default
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise InvalidInput.field(name, "must be a whole number")
    return int(text)


def day(form: dict, name: str) -> date | None:
    """A date of the form (an ``<input type=date>`` sends YYYY-MM-DD); None when empty."""
    text = (form.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.field(name, "must be a date as YYYY-MM-DD") from None


def reference(form: dict, name: str) -> int | None:
    """The id chosen in a select; None for «— none —»."""
    text = (form.get(name) or "").strip()
    if text and not text.isdigit():
        raise InvalidInput.field(name, "must be chosen from the list")
    return int(text) if text else None


def rewrite(message: str) -> str:
    for pattern, fixed in REWRITES:
        if pattern.search(message):
            return fixed
    return message


def errors_of(exc: ServiceError, taken: dict[str, str] | None = None) -> dict[str, str]:
    """Field name → message of a service error, with details rewritten for translation;
    ``taken`` names what «already exists» means for a field (a code, a name)."""
    errors = field_errors(exc)
    for field, message in errors.items():
        if taken and field in taken and message == "already exists":
            errors[field] = taken[field]
        else:
            errors[field] = rewrite(message)
    return errors

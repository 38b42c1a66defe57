"""Clients (контрагенты): types, statuses, requisites by type, display names, recipients.

Pure rules with no ORM or web import. ``check_client`` takes the whole proposed state
of a client (after a create or a patch) and returns it normalised together with every
problem found, each naming its field, so a caller can refuse the change at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from core.domain.requisites import (
    bik_problem,
    correspondent_account_problem,
    inn_problem,
    kpp_problem,
    ogrn_problem,
    settlement_account_problem,
)

LEGAL = "legal"  # юр. лицо
SOLE_PROPRIETOR = "sole_proprietor"  # ИП
INDIVIDUAL = "individual"  # физ. лицо
CLIENT_TYPES = (LEGAL, SOLE_PROPRIETOR, INDIVIDUAL)

ACTIVE = "active"
INACTIVE = "inactive"
CLOSED = "closed"
CLIENT_STATUSES = (ACTIVE, INACTIVE, CLOSED)

LANGUAGES = ("ru", "en")

BILLING = "billing"  # receives documents
TECHNICAL = "technical"
GENERAL = "general"
CONTACT_ROLES = (BILLING, TECHNICAL, GENERAL)

FLAGS = ("tax_exempt", "separate_invoices", "no_late_fees", "no_overdue_notices", "auto_block_exempt")

TEXT_FIELDS = (
    "first_name", "last_name", "middle_name", "company_name", "email", "phone", "legal_address",
    "postal_address", "country", "inn", "kpp", "ogrn", "bank_name", "bik", "settlement_account",
    "correspondent_account", "currency", "language",
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
MAX_TEXT = 1000

Problems = list[dict]


def problem(field: str, message: str) -> dict:
    return {"field": field, "message": message}


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def email_problem(email: str) -> str | None:
    """``email`` is already normalised; an empty one is reported by the caller if required."""
    if len(email) > 254 or not EMAIL_RE.match(email):
        return "is not an e-mail address"
    return None


def _clean_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def display_name(client_type: str, *, company_name: str = "", last_name: str = "", first_name: str = "",
                 middle_name: str = "") -> str:
    """The name on lists and documents: the company for a legal entity or ИП (an ИП without a
    company name is shown as «ИП Фамилия Имя Отчество»), the full name for an individual."""
    person = " ".join(part for part in (last_name, first_name, middle_name) if part)
    if client_type == INDIVIDUAL:
        return person
    if company_name:
        return company_name
    if client_type == SOLE_PROPRIETOR and person:
        return f"ИП {person}"
    return person


def search_text(clean: Mapping[str, Any]) -> str:
    """What the client list searches in: names, e-mail and ИНН, lower-cased here in Python so that
    the search ignores case for Cyrillic on SQLite as well as on PostgreSQL."""
    parts = (clean.get("display_name"), clean.get("company_name"), clean.get("last_name"),
             clean.get("first_name"), clean.get("middle_name"), clean.get("email"), clean.get("inn"))
    return " ".join(p for p in parts if p).lower()


def _check_requisites(kind: str, c: dict, problems: Problems) -> None:
    inn, kpp, ogrn = c["inn"], c["kpp"], c["ogrn"]
    if kind == LEGAL:
        if not inn:
            problems.append(problem("inn", "is required for a legal entity"))
        elif msg := inn_problem(inn, length=10):
            problems.append(problem("inn", msg))
        if kpp and (msg := kpp_problem(kpp)):
            problems.append(problem("kpp", msg))
        if ogrn and (msg := ogrn_problem(ogrn) or (None if len(ogrn) == 13 else "must be 13 digits (ОГРН)")):
            problems.append(problem("ogrn", msg))
        return
    if kpp:
        problems.append(problem("kpp", "only a legal entity has a КПП"))
    if kind == SOLE_PROPRIETOR:
        if not inn:
            problems.append(problem("inn", "is required for a sole proprietor"))
        elif msg := inn_problem(inn, length=12):
            problems.append(problem("inn", msg))
        if ogrn and (msg := ogrn_problem(ogrn) or (None if len(ogrn) == 15 else "must be 15 digits (ОГРНИП)")):
            problems.append(problem("ogrn", msg))
        return
    if inn and (msg := inn_problem(inn, length=12)):
        problems.append(problem("inn", msg))
    if ogrn:
        problems.append(problem("ogrn", "an individual has no ОГРН or ОГРНИП"))


def check_bank_details(c: Mapping[str, str], problems: Problems, *, required: bool = False) -> None:
    """БИК, settlement and correspondent accounts: each checked when given, the accounts against
    the БИК. With ``required`` all four bank fields must be filled."""
    bik = c.get("bik", "")
    settlement, correspondent = c.get("settlement_account", ""), c.get("correspondent_account", "")
    if required:
        for field in ("bank_name", "bik", "settlement_account", "correspondent_account"):
            if not c.get(field):
                problems.append(problem(field, "is required"))
    if bik and (msg := bik_problem(bik)):
        problems.append(problem("bik", msg))
        return
    if (settlement or correspondent) and not bik:
        if not required:
            problems.append(problem("bik", "is needed to check the bank accounts"))
        return
    if settlement and (msg := settlement_account_problem(settlement, bik)):
        problems.append(problem("settlement_account", msg))
    if correspondent and (msg := correspondent_account_problem(correspondent, bik)):
        problems.append(problem("correspondent_account", msg))


def check_client(values: Mapping[str, Any]) -> tuple[dict, Problems]:
    """Normalise and check the full proposed state of a client.

    ``values`` holds the text fields (``TEXT_FIELDS``), ``type``, ``status``, the flags,
    ``block_exempt_until`` (a date or None) and ``credit_limit_minor``. Returns the clean values
    (with ``display_name`` and ``search_text``) and the list of problems, each ``{field, message}``.
    """
    c: dict[str, Any] = {name: _clean_text(values.get(name)) for name in TEXT_FIELDS}
    problems: Problems = []
    c["email"] = normalize_email(c["email"])
    c["country"] = (c["country"] or "RU").upper()
    c["kpp"], c["currency"] = c["kpp"].upper(), c["currency"].upper()
    for name in ("inn", "ogrn", "bik", "settlement_account", "correspondent_account"):
        c[name] = c[name].replace(" ", "")
    kind = values.get("type")
    c["type"] = kind
    c["status"] = values.get("status") or ACTIVE
    for name in FLAGS:
        c[name] = bool(values.get(name, False))
    c["block_exempt_until"] = values.get("block_exempt_until")
    c["credit_limit_minor"] = values.get("credit_limit_minor") or 0

    if kind not in CLIENT_TYPES:
        problems.append(problem("type", f"must be one of {', '.join(CLIENT_TYPES)}"))
    if c["status"] not in CLIENT_STATUSES:
        problems.append(problem("status", f"must be one of {', '.join(CLIENT_STATUSES)}"))
    for name in TEXT_FIELDS:
        if len(c[name]) > MAX_TEXT:
            problems.append(problem(name, f"is longer than {MAX_TEXT} characters"))
    if not c["email"]:
        problems.append(problem("email", "is required: it is the client's main contact"))
    elif msg := email_problem(c["email"]):
        problems.append(problem("email", msg))
    if not COUNTRY_RE.match(c["country"]):
        problems.append(problem("country", "must be an ISO 3166 two-letter code such as RU"))
    if not CURRENCY_RE.match(c["currency"]):
        problems.append(problem("currency", "must be an ISO 4217 code such as RUB"))
    if c["language"] not in LANGUAGES:
        problems.append(problem("language", "must be ru or en"))
    if c["block_exempt_until"] is not None and not isinstance(c["block_exempt_until"], date):
        problems.append(problem("block_exempt_until", "must be a date"))
    if not isinstance(c["credit_limit_minor"], int) or c["credit_limit_minor"] < 0:
        problems.append(problem("credit_limit", "must not be negative"))
    if kind == LEGAL and not c["company_name"]:
        problems.append(problem("company_name", "is required for a legal entity"))
    if kind in CLIENT_TYPES:
        _check_requisites(kind, c, problems)
    check_bank_details(c, problems)
    c["display_name"] = display_name(kind, company_name=c["company_name"], last_name=c["last_name"],
                                     first_name=c["first_name"], middle_name=c["middle_name"])
    if kind in CLIENT_TYPES and not c["display_name"]:
        problems.append(problem("last_name", "give the client's name"))
    c["search_text"] = search_text(c)
    return c, problems


def check_contact_roles(roles: Iterable[str]) -> tuple[list[str], str | None]:
    """The roles in their canonical order, or a message naming the unknown ones."""
    given = set(roles)
    unknown = sorted(given - set(CONTACT_ROLES))
    if unknown:
        return [], f"unknown role(s) {', '.join(unknown)}; use {', '.join(CONTACT_ROLES)}"
    return [r for r in CONTACT_ROLES if r in given], None


def recipients(client_email: str, contacts: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    """Who receives the client's documents: the client's own e-mail, then each billing contact's
    e-mail (``contacts`` are ``(email, roles)`` pairs), without duplicates, in that order."""
    result: list[str] = []
    for email, roles in [(client_email, (BILLING,)), *contacts]:
        email = normalize_email(email)
        if email and BILLING in roles and email not in result:
            result.append(email)
    return result

"""Checking catalog input: products, configurable options and their prices.

Pure rules with no ORM or web import. Each ``check_*`` takes the whole proposed state of
an object (after a create or a patch) and returns it normalised together with every
problem found, each ``{field, message}``, so a caller can refuse the change at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.domain.catalog import OKEI_UNITS, PaymentModel, PriceApply, ProductKind, cycles_allowed
from core.domain.money import AMOUNT_PLACES, UNIT_PRICE_PLACES, MoneyError, exact
from core.domain.periods import BillingCycle
from core.domain.pricing import VatRate

Problems = list[dict]

CODE_RE = re.compile(r"^[\w.\-]{1,64}$")
OKEI_RE = re.compile(r"^[0-9]{3,4}$")
KINDS = tuple(k.value for k in ProductKind)
PAYMENT_MODELS = tuple(m.value for m in PaymentModel)
APPLY_MODES = tuple(m.value for m in PriceApply)
CYCLES = tuple(c.value for c in BillingCycle)
VAT_RATES = tuple(r.value for r in VatRate)
MAX_NAME = 255
MAX_UNIT = 32
MAX_DESCRIPTION = 10_000
MAX_PRICE = Decimal("100000000000")  # far above any real price, well inside a BIGINT of 10⁻⁴ units
DEFAULT_UNIT, DEFAULT_OKEI = "шт", "796"
# A seller entity's VAT status -> the VAT rate its products get when none is given.
VAT_OF_SELLER = {"vat22": "22", "vat10": "10", "vat0": "0", "no_vat": "none"}


def problem(field: str, message: str) -> dict:
    return {"field": field, "message": message}


def known_units() -> str:
    return ", ".join(f"{code} ({unit})" for code, unit in OKEI_UNITS.items())


def suggest_unit(unit: str | None, okei: str | None) -> tuple[str | None, str | None, Problems]:
    """Complete a unit of measure from what was given, using the ОКЕИ table (``OKEI_UNITS``).

    Neither given: шт / 796. Only the code: its unit name, when the code is known. Only the
    name: its code, when the name is known. Both: as given. What cannot be completed is a
    problem naming the missing field."""
    unit = unit.strip() if isinstance(unit, str) else unit
    okei = okei.strip() if isinstance(okei, str) else okei
    if not unit and not okei:
        return DEFAULT_UNIT, DEFAULT_OKEI, []
    if not unit:
        if okei in OKEI_UNITS:
            return OKEI_UNITS[okei], okei, []
        if not OKEI_RE.match(okei):  # the malformed code is the problem, not the missing name
            return DEFAULT_UNIT, okei, []
        return None, okei, [problem("unit", f"give the unit name for ОКЕИ code {okei}")]
    if not okei:
        for code, name in OKEI_UNITS.items():
            if name.casefold() == unit.casefold():
                return unit, code, []
        return unit, None, [problem("unit_okei", f"give the ОКЕИ code of {unit!r}; known: {known_units()}")]
    return unit, okei, []


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def _check_unit(c: dict, values: Mapping[str, Any], problems: Problems) -> None:
    c["unit"], c["unit_okei"] = _text(values, "unit"), _text(values, "unit_okei")
    if not c["unit"]:
        problems.append(problem("unit", "must not be empty"))
    elif len(c["unit"]) > MAX_UNIT:
        problems.append(problem("unit", f"is longer than {MAX_UNIT} characters"))
    if not OKEI_RE.match(c["unit_okei"]):
        problems.append(problem("unit_okei", f"must be an ОКЕИ code of 3 or 4 digits, e.g. {known_units()}"))


def _check_code_and_name(c: dict, values: Mapping[str, Any], problems: Problems) -> None:
    c["code"], c["name"] = _text(values, "code"), _text(values, "name")
    if not CODE_RE.match(c["code"]):
        problems.append(problem("code", "use 1-64 letters, digits, dots, dashes or underscores"))
    if not c["name"]:
        problems.append(problem("name", "must not be empty"))
    elif len(c["name"]) > MAX_NAME:
        problems.append(problem("name", f"is longer than {MAX_NAME} characters"))


def _flag(c: dict, values: Mapping[str, Any], name: str, default: bool, problems: Problems) -> None:
    value = values.get(name, default)
    c[name] = default if value is None else value
    if not isinstance(c[name], bool):
        problems.append(problem(name, "must be true or false"))


def check_product(values: Mapping[str, Any]) -> tuple[dict, Problems]:
    """Normalise and check the proposed state of a product: ``code``, ``name``, ``description``,
    ``kind``, ``unit``, ``unit_okei``, ``vat_rate``, ``vat_included``, ``payment_model`` and
    ``is_active``. References (group, seller entity, base product) are checked by the caller."""
    c: dict[str, Any] = {}
    problems: Problems = []
    _check_code_and_name(c, values, problems)
    c["description"] = _text(values, "description")
    if len(c["description"]) > MAX_DESCRIPTION:
        problems.append(problem("description", f"is longer than {MAX_DESCRIPTION} characters"))
    c["kind"] = values.get("kind")
    if c["kind"] not in KINDS:
        problems.append(problem("kind", f"must be one of {', '.join(KINDS)}"))
    _check_unit(c, values, problems)
    c["vat_rate"] = values.get("vat_rate")
    if c["vat_rate"] not in VAT_RATES:
        problems.append(problem("vat_rate", f"must be one of {', '.join(VAT_RATES)} (none: без НДС)"))
    c["payment_model"] = values.get("payment_model") or PaymentModel.PREPAID.value
    if c["payment_model"] not in PAYMENT_MODELS:
        problems.append(problem("payment_model", f"must be one of {', '.join(PAYMENT_MODELS)}"))
    _flag(c, values, "vat_included", True, problems)
    _flag(c, values, "is_active", True, problems)
    return c, problems


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_option(values: Mapping[str, Any]) -> tuple[dict, Problems]:
    """Normalise and check the proposed state of a configurable option: ``code``, ``name``,
    ``unit``, ``unit_okei``, ``min_quantity`` (0 or more), ``max_quantity`` (None for no
    limit, else at least the minimum and at least 1) and ``position``."""
    c: dict[str, Any] = {}
    problems: Problems = []
    _check_code_and_name(c, values, problems)
    _check_unit(c, values, problems)
    c["min_quantity"] = values.get("min_quantity") or 0
    c["max_quantity"] = values.get("max_quantity")
    c["position"] = values.get("position") or 0
    if not _integer(c["min_quantity"]) or c["min_quantity"] < 0:
        problems.append(problem("min_quantity", "must be a whole number, 0 or more"))
    elif c["max_quantity"] is not None:
        if not _integer(c["max_quantity"]) or c["max_quantity"] < max(c["min_quantity"], 1):
            problems.append(problem("max_quantity", "must be a whole number not below min_quantity (and at "
                                                    "least 1), or null for no limit"))
    if not _integer(c["position"]):
        problems.append(problem("position", "must be a whole number"))
    return c, problems


def _amount(value: Any, places: int, field: str, problems: Problems) -> Decimal:
    try:
        number = exact(value if isinstance(value, Decimal) else str(value), places, field)
    except (MoneyError, ArithmeticError):  # ArithmeticError: too many digits to quantize (e.g. 1e30)
        problems.append(problem(field, f"must be a decimal number with at most {places} decimal places"))
        return Decimal(0)
    if number < 0:
        problems.append(problem(field, "must not be negative"))
    elif number >= MAX_PRICE:
        problems.append(problem(field, f"must be below {MAX_PRICE}"))
    return number


def check_price(kind: str, values: Mapping[str, Any], *, cycle_has_price: bool,
                with_setup_fee: bool = True) -> tuple[dict, Problems]:
    """Check a new price of a product (or of an option of a product) of ``kind``.

    ``values``: ``cycle``, ``unit_price`` (up to 4 decimal places), ``setup_fee`` (up to 2,
    products only) and ``apply_mode``. The cycle must be one the product kind is sold by;
    a free cycle costs nothing. ``apply_mode`` must be given when the cycle already has a
    price (``cycle_has_price``): a price change takes effect at once with proration or
    from the next period, and that is chosen explicitly; a first price needs no choice and
    is recorded as ``next_period``. Returns ``cycle`` (BillingCycle), ``unit_price`` and
    ``setup_fee`` (Decimal) and ``apply_mode`` (PriceApply)."""
    problems: Problems = []
    c: dict[str, Any] = {"cycle": None, "apply_mode": PriceApply.NEXT_PERIOD}
    try:
        c["cycle"] = BillingCycle(values.get("cycle"))
    except ValueError:
        problems.append(problem("cycle", f"must be one of {', '.join(CYCLES)}"))
    if c["cycle"] is not None and kind in KINDS and c["cycle"] not in cycles_allowed(ProductKind(kind)):
        allowed = [cycle for cycle in CYCLES if BillingCycle(cycle) in cycles_allowed(ProductKind(kind))]
        problems.append(problem("cycle", f"a {kind} product is priced by {', '.join(allowed)}, not {c['cycle'].value}"))
    if values.get("unit_price") is None:
        problems.append(problem("unit_price", "is required"))
        c["unit_price"] = Decimal(0)
    else:
        c["unit_price"] = _amount(values["unit_price"], UNIT_PRICE_PLACES, "unit_price", problems)
    c["setup_fee"] = Decimal("0.00")
    if values.get("setup_fee") is not None:
        if with_setup_fee:
            c["setup_fee"] = _amount(values["setup_fee"], AMOUNT_PLACES, "setup_fee", problems)
        else:
            problems.append(problem("setup_fee", "an option has no setup fee"))
    if c["cycle"] is BillingCycle.FREE:
        for name in ("unit_price", "setup_fee"):
            if c[name] != 0:
                problems.append(problem(name, "must be 0 for the free cycle"))
    mode = values.get("apply_mode")
    if mode is None:
        if cycle_has_price and c["cycle"] is not None:
            problems.append(problem("apply_mode", f"is required: there already is a {c['cycle'].value} price; choose "
                                                  "prorate_now (at once, prorating the current period) or "
                                                  "next_period (from the next period)"))
    elif mode not in APPLY_MODES:
        problems.append(problem("apply_mode", f"must be one of {', '.join(APPLY_MODES)}"))
    else:
        c["apply_mode"] = PriceApply(mode)
    return c, problems

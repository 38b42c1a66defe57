"""Seller entities: the legal entities (or ИП) through which a tenant sells, and their VAT status."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.domain.clients import check_bank_details, problem
from core.domain.requisites import inn_problem, kpp_problem, ogrn_problem

VAT22 = "vat22"
VAT10 = "vat10"
VAT0 = "vat0"
NO_VAT = "no_vat"  # без НДС (simplified tax system, УСН)
VAT_STATUSES = (VAT22, VAT10, VAT0, NO_VAT)
TAX_DOCUMENTS = ("none", "tax_invoice", "upd")  # issued with each act: nothing, счёт-фактура, УПД
VAT_RATES: dict[str, Decimal | None] = {VAT22: Decimal("22"), VAT10: Decimal("10"), VAT0: Decimal("0"), NO_VAT: None}

TEXT_FIELDS = (
    "name", "short_name", "inn", "kpp", "ogrn", "legal_address", "bank_name", "bik", "correspondent_account",
    "settlement_account", "director_name", "chief_accountant_name",
)
MAX_TEXT = 1000


def vat_rate(vat_status: str) -> Decimal | None:
    """The VAT rate in percent, or None for «без НДС»."""
    return VAT_RATES[vat_status]


def check_seller(values: Mapping[str, Any]) -> tuple[dict, list[dict]]:
    """Normalise and check the full proposed state of a seller entity.

    A company (10-digit ИНН) needs a КПП and may have a 13-digit ОГРН; an ИП (12-digit ИНН) has
    no КПП and may have a 15-digit ОГРНИП. Bank details are checked with their control digits.
    """
    c: dict[str, Any] = {n: "" if values.get(n) is None else str(values.get(n)).strip() for n in TEXT_FIELDS}
    for name in ("inn", "ogrn", "bik", "settlement_account", "correspondent_account"):
        c[name] = c[name].replace(" ", "")
    c["kpp"] = c["kpp"].upper()
    c["vat_status"] = values.get("vat_status")
    c["tax_document"] = values.get("tax_document") or "tax_invoice"
    problems: list[dict] = []
    if not c["name"]:
        problems.append(problem("name", "must not be empty"))
    for name in TEXT_FIELDS:
        if len(c[name]) > MAX_TEXT:
            problems.append(problem(name, f"is longer than {MAX_TEXT} characters"))
    if c["vat_status"] not in VAT_STATUSES:
        problems.append(problem("vat_status", f"must be one of {', '.join(VAT_STATUSES)}"))
    if c["tax_document"] not in TAX_DOCUMENTS:
        problems.append(problem("tax_document", f"must be one of {', '.join(TAX_DOCUMENTS)}"))
    inn, kpp, ogrn = c["inn"], c["kpp"], c["ogrn"]
    if not inn:
        problems.append(problem("inn", "is required"))
    elif msg := inn_problem(inn):
        problems.append(problem("inn", msg))
    company = len(inn) == 10
    if company and not kpp:
        problems.append(problem("kpp", "is required for a company"))
    elif kpp and not company:
        problems.append(problem("kpp", "only a company has a КПП"))
    elif kpp and (msg := kpp_problem(kpp)):
        problems.append(problem("kpp", msg))
    if ogrn:
        if msg := ogrn_problem(ogrn):
            problems.append(problem("ogrn", msg))
        elif inn and len(ogrn) != (13 if company else 15):
            problems.append(problem("ogrn", "must be 13 digits (ОГРН) for a company, 15 (ОГРНИП) for an ИП"))
    check_bank_details(c, problems)
    return c, problems

"""Catalog input rules: units completed from ОКЕИ, products, options and prices checked whole."""

from decimal import Decimal

from core.domain.catalog import PriceApply
from core.domain.catalog_checks import check_option, check_price, check_product, suggest_unit
from core.domain.periods import BillingCycle


def fields(problems):
    return sorted(p["field"] for p in problems)


def test_a_unit_is_completed_from_its_okei_code_and_back():
    assert suggest_unit(None, None) == ("шт", "796", [])
    assert suggest_unit(None, "362") == ("мес", "362", [])
    assert suggest_unit("гбайт", None) == ("гбайт", "2553", [])
    assert suggest_unit("лицензия", "796") == ("лицензия", "796", [])
    assert fields(suggest_unit("Мбит/с", None)[2]) == ["unit_okei"]
    assert fields(suggest_unit(None, "9999")[2]) == ["unit"]
    assert suggest_unit(None, "79")[2] == []  # left to check_product, which names unit_okei


def test_a_product_is_checked_whole():
    clean, problems = check_product({"code": " vps-s ", "name": " VPS ", "kind": "recurring", "unit": "шт",
                                     "unit_okei": "796", "vat_rate": "22"})
    assert problems == []
    assert (clean["code"], clean["name"], clean["payment_model"], clean["vat_included"], clean["is_active"]) == (
        "vps-s", "VPS", "prepaid", True, True)
    _, problems = check_product({"code": "a b", "name": "", "kind": "weekly", "unit": "x" * 33, "unit_okei": "7a6",
                                 "vat_rate": "20", "payment_model": "later", "vat_included": "yes"})
    assert fields(problems) == ["code", "kind", "name", "payment_model", "unit", "unit_okei", "vat_included",
                                "vat_rate"]


def test_option_limits():
    base = {"code": "users", "name": "Users", "unit": "шт", "unit_okei": "796"}
    assert check_option(base)[1] == []
    assert check_option(base | {"min_quantity": 1, "max_quantity": 1})[1] == []
    assert fields(check_option(base | {"min_quantity": 3, "max_quantity": 2})[1]) == ["max_quantity"]
    assert fields(check_option(base | {"max_quantity": 0})[1]) == ["max_quantity"]
    assert fields(check_option(base | {"min_quantity": -1})[1]) == ["min_quantity"]


def test_prices_follow_the_product_kind_and_exact_places():
    clean, problems = check_price("recurring", {"cycle": "monthly", "unit_price": "4800", "setup_fee": "10.5"},
                                  cycle_has_price=False)
    assert problems == []
    assert clean == {"cycle": BillingCycle.MONTHLY, "unit_price": Decimal("4800.0000"),
                     "setup_fee": Decimal("10.50"), "apply_mode": PriceApply.NEXT_PERIOD}
    assert fields(check_price("recurring", {"cycle": "one_time", "unit_price": "1"}, cycle_has_price=False)[1]) == [
        "cycle"]
    assert fields(check_price("one_time", {"cycle": "one_time", "unit_price": "1"}, cycle_has_price=False)[1]) == []
    assert fields(check_price("free", {"cycle": "free", "unit_price": "1"}, cycle_has_price=False)[1]) == [
        "unit_price"]
    assert fields(check_price("usage", {"cycle": "monthly", "unit_price": "0.12345"}, cycle_has_price=False)[1]) == [
        "unit_price"]
    assert fields(check_price("recurring", {"cycle": "monthly", "unit_price": "1", "setup_fee": "1"},
                              cycle_has_price=False, with_setup_fee=False)[1]) == ["setup_fee"]
    assert fields(check_price("recurring", {"cycle": "monthly", "unit_price": "1e30"}, cycle_has_price=False)[1]) == [
        "unit_price"]


def test_a_price_change_names_its_mode_explicitly():
    values = {"cycle": "monthly", "unit_price": "5200"}
    assert fields(check_price("recurring", values, cycle_has_price=True)[1]) == ["apply_mode"]
    clean, problems = check_price("recurring", values | {"apply_mode": "prorate_now"}, cycle_has_price=True)
    assert problems == [] and clean["apply_mode"] is PriceApply.PRORATE_NOW

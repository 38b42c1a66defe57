"""Pure rules of clients, seller entities and custom fields (no database)."""

from datetime import date

import pytest

from core.domain.clients import check_client, check_contact_roles, display_name, recipients
from core.domain.custom_fields import FieldValueError, definition_problems, from_stored, to_stored
from core.domain.sellers import check_seller, vat_rate

# ООО «Фабрика Бизнеса» of seed 001 and its bank details (the payment order in the same seed).
LEGAL = {
    "type": "legal", "company_name": "ООО «Фабрика Бизнеса»", "first_name": "Сергей", "last_name": "Саркисов",
    "email": " S.Sarkisov@Oteli-Apelsin.RU ", "inn": "7708305901", "kpp": "770801001",
    "ogrn": "1027700132195", "bik": "044525593", "correspondent_account": "30101810200000000593",
    "settlement_account": "40702810502080001823", "currency": "RUB", "language": "ru",
}


def fields_of(problems):
    return sorted(p["field"] for p in problems)


def test_a_legal_entity_from_the_seed_card_is_valid_and_normalised():
    clean, problems = check_client(LEGAL)
    assert problems == []
    assert clean["email"] == "s.sarkisov@oteli-apelsin.ru"
    assert clean["country"] == "RU" and clean["status"] == "active"
    assert clean["display_name"] == "ООО «Фабрика Бизнеса»"
    assert "фабрика" in clean["search_text"] and "7708305901" in clean["search_text"]


def test_display_names_by_type():
    assert display_name("individual", company_name="ООО Х", last_name="Иванов", first_name="Иван",
                        middle_name="Иванович") == "Иванов Иван Иванович"
    assert display_name("sole_proprietor", last_name="Петров", first_name="Пётр") == "ИП Петров Пётр"
    assert display_name("sole_proprietor", company_name="ИП Петров П. П.") == "ИП Петров П. П."
    assert display_name("legal", company_name="ООО «ВМС-ГРУПП»") == "ООО «ВМС-ГРУПП»"


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"inn": "7708305902"}, "inn", "check digit"),
    ({"inn": "500100732259"}, "inn", "10 digits"),
    ({"inn": ""}, "inn", "required"),
    ({"kpp": "77080100"}, "kpp", "9 characters"),
    ({"ogrn": "304500116000157"}, "ogrn", "13 digits"),
    ({"company_name": ""}, "company_name", "required"),
    ({"email": "not an email"}, "email", "e-mail"),
    ({"email": ""}, "email", "required"),
    ({"country": "Russia"}, "country", "ISO"),
    ({"currency": "rubles"}, "currency", "ISO"),
    ({"language": "de"}, "language", "ru or en"),
    ({"type": "company"}, "type", "one of"),
    ({"status": "deleted"}, "status", "one of"),
    ({"settlement_account": "40702810502080001824"}, "settlement_account", "БИК"),
    ({"correspondent_account": "3010181020000000059"}, "correspondent_account", "20 digits"),
    ({"bik": "04452559"}, "bik", "9 digits"),
    ({"bik": ""}, "bik", "needed"),
])
def test_each_bad_value_is_named(change, field, words):
    _clean, problems = check_client(LEGAL | change)
    assert field in fields_of(problems)
    assert words in next(p["message"] for p in problems if p["field"] == field)


def test_kpp_and_ogrn_belong_to_legal_entities_only():
    individual = {"type": "individual", "last_name": "Иванов", "email": "i@x.ru", "currency": "RUB",
                  "language": "ru"}
    assert check_client(individual)[1] == []
    _clean, problems = check_client(individual | {"kpp": "770801001", "ogrn": "1027700132195"})
    assert fields_of(problems) == ["kpp", "ogrn"]
    assert "only a legal entity" in problems[0]["message"]
    ip = individual | {"type": "sole_proprietor", "inn": "500100732259"}
    assert check_client(ip)[1] == []
    assert fields_of(check_client(ip | {"kpp": "770801001"})[1]) == ["kpp"]
    assert check_client(ip | {"ogrn": "304500116000157"})[1] == []
    assert fields_of(check_client(ip | {"ogrn": "1027700132195"})[1]) == ["ogrn"]
    assert fields_of(check_client(ip | {"inn": ""})[1]) == ["inn"]


def test_an_individual_inn_is_optional_but_checked():
    individual = {"type": "individual", "first_name": "Вадим", "email": "asm-12@bk.ru", "currency": "RUB",
                  "language": "ru"}
    assert check_client(individual)[1] == []
    assert fields_of(check_client(individual | {"inn": "7708305901"})[1]) == ["inn"]
    assert fields_of(check_client(individual | {"inn": "500100732258"})[1]) == ["inn"]
    assert fields_of(check_client(individual | {"first_name": ""})[1]) == ["last_name"]


def test_flags_dates_and_credit_limit():
    clean, problems = check_client(LEGAL | {"auto_block_exempt": True, "block_exempt_until": date(2018, 8, 10),
                                            "credit_limit_minor": 1500000})
    assert problems == []
    assert clean["auto_block_exempt"] is True and clean["no_late_fees"] is False
    assert clean["block_exempt_until"] == date(2018, 8, 10)
    assert fields_of(check_client(LEGAL | {"credit_limit_minor": -1})[1]) == ["credit_limit"]


def test_contact_roles_and_document_recipients():
    assert check_contact_roles(["general", "billing"]) == (["billing", "general"], None)
    assert "owner" in check_contact_roles(["owner"])[1]
    contacts = [("Buh@X.ru", ("billing",)), ("tech@x.ru", ("technical",)), ("main@x.ru", ("billing", "general")),
                ("", ("billing",))]
    assert recipients("main@x.ru", contacts) == ["main@x.ru", "buh@x.ru"]


def test_seller_entity_rules():
    seller = {"name": "ООО «Тайф-технологии»", "inn": "7709983032", "kpp": "770901001", "vat_status": "no_vat",
              "bik": "044525593", "correspondent_account": "30101810200000000593",
              "settlement_account": "40702810502080001823"}
    assert check_seller(seller)[1] == []
    assert vat_rate("vat22") == 22 and vat_rate("no_vat") is None
    assert fields_of(check_seller(seller | {"kpp": ""})[1]) == ["kpp"]
    assert fields_of(check_seller(seller | {"vat_status": "vat18"})[1]) == ["vat_status"]
    assert fields_of(check_seller(seller | {"settlement_account": "40702810502080001820"})[1]) == [
        "settlement_account"]
    ip = {"name": "ИП Петров", "inn": "500100732259", "vat_status": "no_vat"}
    assert check_seller(ip)[1] == []
    assert fields_of(check_seller(ip | {"kpp": "770901001"})[1]) == ["kpp"]
    assert fields_of(check_seller(ip | {"ogrn": "1027700132195"})[1]) == ["ogrn"]


@pytest.mark.parametrize(("field_type", "value", "stored"), [
    ("text", "  Юнион-00123 ", "Юнион-00123"),
    ("number", "12,50", "12.50"),
    ("number", 7, "7"),
    ("number", "-3.5", "-3.5"),
    ("date", "2019-02-26", "2019-02-26"),
    ("date", date(2019, 2, 26), "2019-02-26"),
    ("flag", True, "true"),
    ("flag", "нет", "false"),
    ("choice", "Аренда", "Аренда"),
])
def test_custom_values_are_stored_as_text(field_type, value, stored):
    assert to_stored(field_type, ["Аренда", "Собственность"], value) == stored


@pytest.mark.parametrize(("field_type", "value"), [
    ("number", "1e3"), ("number", "двенадцать"), ("number", True), ("date", "26.02.2019"), ("flag", "maybe"),
    ("choice", "Неизвестно"), ("text", ["a"]),
])
def test_bad_custom_values_are_refused(field_type, value):
    with pytest.raises(FieldValueError):
        to_stored(field_type, ["Аренда"], value)


def test_custom_field_definitions():
    assert definition_problems(code="union_code", label="Код контрагента в Юнион", field_type="text",
                               choices=[]) == []
    assert fields_of(definition_problems(code="Код", label="", field_type="list", choices=[])) == [
        "code", "label", "type"]
    assert fields_of(definition_problems(code="license", label="Форма", field_type="choice", choices=[])) == [
        "choices"]
    assert fields_of(definition_problems(code="x", label="X", field_type="text", choices=["a"])) == ["choices"]
    assert from_stored("flag", "true") is True and from_stored("number", "12.5") == "12.5"

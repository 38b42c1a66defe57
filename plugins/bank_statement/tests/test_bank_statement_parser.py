"""The 1CClientBankExchange parser on the public reference statements and on broken files.

The expected numbers were read from the reference files by hand (not produced by the parser).
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.domain.money import Money, money_sum

from saldo_bank_statement.parser import StatementError, parse

# plugins/bank_statement/tests/<this file>: parents[3] is the checkout, shared/ lies beside it.
REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "bank-statements"
KILYLABS = "kilylabs__one_day__v1.02__cp1251_crlf__kl_to_1c.txt"
KILYLABS_UTF8 = "kilylabs__one_day_utf8__v1.02__utf8_crlf__kl_to_1c.txt"
DRONM = "dronm__kl_to_1c__v1.03__cp1251_crlf.txt"
ODOO = "odoo-ru__kl_to_1c__v1.01__cp1251_lf.txt"
ODOO_MIN = "odoo-ru__1c_to_kl_min_example__cp1251.txt"


def rub(value: str) -> Money:
    return Money(Decimal(value))


def reference(name: str) -> bytes:
    return (REFERENCE / name).read_bytes()


def test_every_reference_file_is_known_and_parses():
    assert sorted(p.name for p in REFERENCE.iterdir()) == sorted([KILYLABS, KILYLABS_UTF8, DRONM, ODOO, ODOO_MIN])
    for path in REFERENCE.iterdir():
        parse(path.read_bytes())


@pytest.mark.parametrize("name, encoding", [(KILYLABS, "cp1251"), (KILYLABS_UTF8, "utf-8")])
def test_kilylabs_one_day_in_both_encodings(name, encoding):
    statement = parse(reference(name))
    assert (statement.version, statement.encoding, statement.header["Кодировка"]) == ("1.02", encoding, "Windows")
    assert statement.accounts == ("40702810200000000001",)
    (section,) = statement.sections
    assert (section.line_number, section.account, section.date_from, section.date_to) == (
        11, "40702810200000000001", date(2016, 1, 11), date(2016, 1, 11))
    assert (section.opening, section.incoming, section.outgoing, section.closing) == (
        rub("45329.91"), rub("40000.00"), rub("41184.00"), rub("44145.91"))
    documents = statement.documents
    assert len(documents) == 13
    assert [d.kind for d in documents] == ["Банковский ордер"] * 6 + ["Платежное поручение"] * 7
    assert [d.number for d in documents] == ["697162", "697140", "697149", "697160", "697129", "697147",
                                             "1", "3", "2", "4", "5", "6", "1"]
    assert [d.line_number for d in documents] == [20, 51, 82, 113, 144, 175, 206, 237, 268, 299, 330, 361, 392]
    # The three credited to the statement's account add up to ВсегоПоступило.
    incoming = [d for d in documents if d.payee.account == "40702810200000000001"]
    assert [(d.number, d.amount, d.date_received) for d in incoming] == [
        ("5", rub("6000.00"), date(2016, 1, 11)), ("6", rub("14000.00"), date(2016, 1, 11)),
        ("1", rub("20000.00"), date(2016, 1, 11))]
    assert money_sum(d.amount for d in incoming) == section.incoming
    # The ten debited ones add up to ВсегоСписано, though the sample names another payer account.
    debited = [d for d in documents if d.date_debited is not None]
    assert len(debited) == 10 and money_sum(d.amount for d in debited) == section.outgoing
    assert {d.payer.account for d in debited} == {"12312312312312312"}
    last = documents[-1]
    assert last.payer.public() == {"name": "Some random payer", "inn": "123123123123", "kpp": "123123123",
                                   "account": "12312312312312312", "bik": "044525225", "bank": "ПАО СБЕРБАНК"}
    assert (last.payee.name, last.payee.inn, last.payee.kpp, last.payee.bik, last.payee.bank) == (
        "Some random payee", "123123123123", "123123123", "044525716", "ВТБ 24 (ПАО)")
    assert (last.date, last.date_debited, last.purpose) == (date(2016, 1, 11), None, "Some random string")
    assert last.fields["ВидОплаты"] == "01" and last.fields["Очередность"] == "5"
    assert last.text.splitlines()[0] == "СекцияДокумент=Платежное поручение"
    assert last.text.splitlines()[-1] == "КонецДокумента" and len(last.text.splitlines()) == 31
    assert documents[0].fields["КвитанцияСодержание"] == "статус документа: Внешний"
    assert documents[0].fields["ВидОплаты"] == "17"
    # The sample's outgoing documents name another payer account: a warning, not an error.
    assert [str(w) for w in statement.warnings] == [
        "line 11: account 40702810200000000001: the documents debit 0.00, but ВсегоСписано is 41184.00"]


def test_the_utf8_and_cp1251_files_read_the_same():
    windows, utf8 = parse(reference(KILYLABS)), parse(reference(KILYLABS_UTF8))
    assert windows.documents == utf8.documents and windows.sections == utf8.sections


def test_dronm_v103_with_budget_fields():
    statement = parse(reference(DRONM))
    assert (statement.version, statement.encoding, statement.accounts) == ("1.03", "cp1251", ("40702810000000074935",))
    (section,) = statement.sections
    assert (section.date_from, section.date_to) == (date(2024, 1, 1), date(2024, 4, 11))
    assert (section.opening, section.incoming, section.outgoing, section.closing) == (
        rub("252842.49"), rub("616050.00"), rub("789647.44"), rub("79245.05"))
    assert [(d.kind, d.number, d.date, d.amount) for d in statement.documents] == [
        ("Банковский ордер", "69147", date(2024, 1, 1), rub("6936.00")),
        ("Платежное поручение", "1", date(2024, 1, 9), rub("13056.00")),
        ("Платежное поручение", "2", date(2024, 1, 10), rub("150000.00"))]
    order, first, second = statement.documents
    # «Плательщик=7123456777, ООО "Пупкин и К"»: the name without the ИНН glued in front.
    assert (second.payer.name, second.payer.inn, second.payer.kpp, second.payer.account) == (
        'ООО "Пупкин и К"', "7123456777", "770401001", "40702810000000074935")
    assert (first.payee.name, first.payee.inn, first.payee.account, first.payee.bik) == (
        "ИП Пупкин О.А.", "7123456789012", "40702810267020000630", "047102651")
    assert (first.date_debited, first.date_received) == (date(2024, 1, 9), None)
    assert first.purpose == "Оплата по заказу клиента №9614, НДС не облагается"
    assert order.purpose.startswith('Оплата стоимости пакета услуг "Всё по делу"')
    assert order.fields["ПоказательНомера"] == "0" and order.fields["ПоказательКБК"] == ""
    assert order.fields["НазначениеПлатежа6"] == "" and len(order.fields) == 64
    assert [str(w) for w in statement.warnings] == [
        "line 11: account 40702810000000074935: the documents credit 0.00, but ВсегоПоступило is 616050.00",
        "line 11: account 40702810000000074935: the documents debit 156936.00, but ВсегоСписано is 789647.44"]


def test_odoo_v101_with_lf_and_a_blank_header_line():
    data = reference(ODOO)
    assert b"\r" not in data and b"\n\n" in data
    statement = parse(data)
    assert (statement.version, statement.encoding, statement.header["Получатель"]) == ("1.01", "cp1251", "1С")
    (section,) = statement.sections
    assert (section.line_number, section.account) == (11, "00000000000000000001")
    assert (section.opening, section.incoming, section.outgoing, section.closing) == (
        rub("110978.00"), rub("0.00"), rub("108159.12"), rub("2818.88"))
    (document,) = statement.documents
    assert (document.line_number, document.kind, document.number, document.date, document.amount) == (
        20, "Платежное поручение", "3", date(2023, 3, 31), rub("108159.12"))
    assert document.payer.public() == {"name": "ООО Плательщик", "inn": "0000000002", "kpp": "000000002",
                                       "account": "00000000000000000001", "bik": "044525823", "bank": "Банк ГПБ (АО)"}
    assert (document.payee.name, document.payee.inn, document.payee.account) == (
        "ЭнергоСистемы", "0000000001", "00000000000000000002")
    assert document.purpose == "Оплата по счету N 1024 от 01.01.23г 18026,52"
    assert document.date_debited == date(2023, 4, 3)
    assert statement.warnings == ()  # its one document is the account's whole turnover


def test_odoo_minimal_file_has_no_sections():
    statement = parse(reference(ODOO_MIN))
    assert (statement.version, statement.sections, statement.documents) == (None, (), ())
    assert statement.header == {"Поле": "Значение"}
    assert [str(w) for w in statement.warnings] == ["line 2: unknown header field Поле"]


def _variants(data: bytes) -> dict[str, bytes]:
    text = data.decode("cp1251")
    lf = text.replace("\r\n", "\n")
    return {
        "cp1251 LF": lf.encode("cp1251"),
        "utf-8 LF": lf.encode("utf-8"),
        "utf-8 with BOM, CRLF": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "CR only": lf.replace("\n", "\r").encode("cp1251"),
        "DOS cp866": text.encode("cp866"),
    }


@pytest.mark.parametrize("variant", ["cp1251 LF", "utf-8 LF", "utf-8 with BOM, CRLF", "CR only", "DOS cp866"])
def test_encodings_and_line_ends_read_the_same(variant):
    original = parse(reference(KILYLABS))
    other = parse(_variants(reference(KILYLABS))[variant])
    assert other.documents == original.documents and other.sections == original.sections
    assert other.header == original.header


def test_blank_lines_anywhere_keep_the_line_numbers_of_the_file():
    lines = reference(KILYLABS).decode("cp1251").split("\r\n")
    spaced = "\r\n".join(line + ("\r\n" if i in (3, 12, 25, 49) else "") for i, line in enumerate(lines)) + "\r\n\r\n"
    statement = parse(spaced.encode("cp1251"))
    assert len(statement.documents) == 13 and statement.sections[0].incoming == rub("40000.00")
    assert [d.line_number for d in statement.documents][:3] == [22, 55, 86]


STATEMENT = """1CClientBankExchange
ВерсияФормата=1.03
Кодировка=Windows
ДатаНачала=01.04.2026
ДатаКонца=01.04.2026
РасчСчет=40702810502080001823
СекцияРасчСчет
РасчСчет=40702810502080001823
НачальныйОстаток=100.00
ВсегоПоступило=1200.00
ВсегоСписано=0.00
КонечныйОстаток=1300.00
КонецРасчСчет
СекцияДокумент=Платежное поручение
Номер=17
Дата=01.04.2026
Сумма=1200.00
ПлательщикИНН=7708305901
ПолучательСчет=40702810502080001823
ДатаПоступило=01.04.2026
НазначениеПлатежа=Оплата по счету № 15
КонецДокумента
КонецФайла
"""


def _broken(old: str, new: str) -> bytes:
    assert old in STATEMENT
    return STATEMENT.replace(old, new, 1).encode("cp1251")


def test_the_small_statement_parses():
    (document,) = parse(STATEMENT.encode("cp1251")).documents
    assert (document.number, document.amount, document.payer.inn) == ("17", rub("1200.00"), "7708305901")


@pytest.mark.parametrize("old, new, line, message", [
    ("1CClientBankExchange", "1CClientBankExchangeX", 1, "the file does not start with 1CClientBankExchange"),
    ("ВерсияФормата=1.03", "ВерсияФормата=2.00", 2, "format version '2.00' is not supported (only 1.01, 1.02, 1.03)"),
    ("ДатаКонца=01.04.2026\n", "ДатаКонца=01.04.2026\nКодировка=DOS\n", 6,
     "Кодировка repeated in the header (first at line 3)"),
    ("ДатаНачала=01.04.2026", "ДатаНачала=2026-04-01", 4, "ДатаНачала: '2026-04-01' is not a date (dd.mm.yyyy)"),
    ("Сумма=1200.00", "Сумма=1200,00", 17, "Сумма: '1200,00' is not an amount (digits with a decimal point)"),
    ("Сумма=1200.00", "Сумма=12a", 17, "Сумма: '12a' is not an amount (digits with a decimal point)"),
    ("Сумма=1200.00", "Сумма=-1200.00", 17, "Сумма: '-1200.00' is not an amount (digits with a decimal point)"),
    ("Сумма=1200.00", "Сумма=0.00", 17, "Сумма: the amount must be more than zero"),
    ("Сумма=1200.00\n", "", 14, "the document has no Сумма"),
    ("Номер=17", "Номер=", 14, "the document has no Номер"),
    ("Дата=01.04.2026", "Дата=31.02.2026", 16, "Дата: '31.02.2026' is not a date (dd.mm.yyyy)"),
    ("ДатаПоступило=01.04.2026", "ДатаПоступило=1.4.2026", 20,
     "ДатаПоступило: '1.4.2026' is not a date (dd.mm.yyyy)"),
    ("Номер=17\n", "Номер=17\nНомер=18\n", 16, "Номер repeated in Платежное поручение (first at line 15)"),
    ("Номер=17", "Номер 17", 15, "expected Key=Value, found 'Номер 17'"),
    ("КонецДокумента\n", "", 22, "the section started at line 14 has no КонецДокумента"),
    ("КонецДокумента\nКонецФайла\n", "", 14, "the section has no КонецДокумента"),
    ("НазначениеПлатежа=Оплата по счету № 15\nКонецДокумента\n",
     "НазначениеПлатежа=Оплата по счету № 15\nСекцияДокумент=Платежное поручение\n", 22,
     "the section started at line 14 has no КонецДокумента"),
    ("КонецРасчСчет\n", "", 13, "the section started at line 7 has no КонецРасчСчет"),
    ("КонецРасчСчет", "КонецДокумента", 13, "КонецДокумента without its section"),
    ("КонецФайла\n", "", 23, "the file ends without КонецФайла"),
    ("КонецФайла\n", "КонецФайла\nНомер=1\n", 24, "text after КонецФайла (line 23)"),
    ("КонецДокумента\n", "КонецДокумента\nНомер=1\n", 23, "Номер outside a section"),
    ("СекцияДокумент=Платежное поручение", "СекцияДокумент=", 14, "СекцияДокумент names no document kind"),
    ("КонечныйОстаток=1300.00", "КонечныйОстаток=1300.01", 12,
     "account 40702810502080001823: opening balance 100.00 + received 1200.00 − spent 0.00 is not the closing "
     "balance 1300.01"),
    ("КонечныйОстаток=1300.00", "КонечныйОстаток=много", 12,
     "КонечныйОстаток: 'много' is not an amount (digits with a decimal point)"),
])
def test_a_malformed_file_names_the_line(old, new, line, message):
    with pytest.raises(StatementError) as excinfo:
        parse(_broken(old, new))
    assert (excinfo.value.line_number, excinfo.value.message) == (line, message)
    assert str(excinfo.value) == f"line {line}: {message}"


def test_a_broken_reference_file_names_its_line():
    data = reference(DRONM).replace("Сумма=150000.00".encode("cp1251"), "Сумма=150 000.00".encode("cp1251"))
    with pytest.raises(StatementError) as excinfo:
        parse(data)
    assert excinfo.value.line_number == 155


def test_negative_balances_and_a_statement_of_two_accounts():
    text = STATEMENT.replace("НачальныйОстаток=100.00", "НачальныйОстаток=-1300.00").replace(
        "КонечныйОстаток=1300.00", "КонечныйОстаток=-100.00").replace(
        "КонецРасчСчет\n", "КонецРасчСчет\nСекцияРасчСчет\nРасчСчет=40702810900000000002\nНачальныйОстаток=5.00\n"
                          "КонечныйОстаток=5.00\nКонецРасчСчет\n", 1).replace(
        "РасчСчет=40702810502080001823\nСекцияРасчСчет", "РасчСчет=40702810502080001823\nРасчСчет=40702810900000000002"
                                                        "\nДокумент=Платежное поручение\nСекцияРасчСчет", 1)
    statement = parse(text.encode("utf-8"))
    assert statement.accounts == ("40702810502080001823", "40702810900000000002")
    assert statement.document_kinds == ("Платежное поручение",)
    first, second = statement.sections
    assert (first.opening, first.closing) == (rub("-1300.00"), rub("-100.00"))
    assert (second.account, second.opening, second.incoming, second.closing) == (
        "40702810900000000002", rub("5.00"), None, rub("5.00"))
    assert statement.warnings == ()

"""Plain rules of documents: number formats, amounts in words, the payment QR payload,
tax forms and when an invoice may be credited."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.amount_words import amount_in_words
from core.domain.credit_notes import UnpostedLine, credit_refusal, rebilled_from
from core.domain.documents import TaxForm, tax_form
from core.domain.money import Money
from core.domain.numbering import NumberFormat, NumberFormatError, Reset, pattern_problem
from core.domain.payment_qr import PaymentDetails, PaymentQrError, qr_payload
from core.domain.periods import Period


@pytest.mark.parametrize("amount, words", [  # the vectors of research §5.6
    ("1234.56", "Одна тысяча двести тридцать четыре рубля 56 копеек"),
    ("5.00", "Пять рублей 00 копеек"),
    ("1.01", "Один рубль 01 копейка"),
    ("0.05", "Ноль рублей 05 копеек"),
    ("2000.00", "Две тысячи рублей 00 копеек"),
    ("21.21", "Двадцать один рубль 21 копейка"),
    ("1001001.11", "Один миллион одна тысяча один рубль 11 копеек"),
])
def test_amounts_in_words(amount, words):
    assert amount_in_words(Money.of(amount, "RUB")) == words


def test_amounts_in_words_are_russian_only():
    with pytest.raises(ValueError):
        amount_in_words(Money.of("1.00"), "en")


@pytest.mark.parametrize("fmt, sequence, on, text", [
    (NumberFormat(), 7, date(2026, 1, 5), "7"),
    (NumberFormat("{prefix}{yyyy}-{seq:5}", Reset.YEARLY, "СЧ-"), 42, date(2026, 3, 1), "СЧ-2026-00042"),
    (NumberFormat("{yy}{mm}/{seq:3}", Reset.MONTHLY), 1234, date(2027, 11, 30), "2711/1234"),
    (NumberFormat("А-{seq}", Reset.NEVER), 3, date(2026, 3, 1), "А-3"),
])
def test_number_formats_write_their_tokens(fmt, sequence, on, text):
    assert fmt.text(sequence, on) == text


def test_series_follow_the_reset_period_seller_and_type():
    on = date(2026, 3, 15)
    assert NumberFormat(reset=Reset.YEARLY).rule(2, "invoice", on).series == "2:invoice:2026"
    assert NumberFormat(reset=Reset.MONTHLY).rule(2, "act", on).series == "2:act:2026-03"
    assert NumberFormat(reset=Reset.NEVER).rule(None, "act", on).series == "0:act:all"


@pytest.mark.parametrize("pattern, problem", [
    ("{yyyy}", "exactly once"), ("{seq}{seq}", "exactly once"), ("{seq:20}", "at most 12"),
    ("{mm:2}{seq}", "only {seq} takes a width"), ("{week}{seq}", "unknown token {week}"),
    ("{seq}}", "unbalanced"), ("x" * 60 + "{seq}", "longer than 64"),
])
def test_bad_patterns_are_refused_with_the_reason(pattern, problem):
    assert problem in pattern_problem(pattern)
    with pytest.raises(NumberFormatError, match=problem.replace("{", r"\{").replace("}", r"\}")):
        NumberFormat(pattern)


@given(st.integers(1, 10 ** 12 - 1), st.dates(date(2000, 1, 1), date(2999, 12, 31)))
def test_a_padded_sequence_reads_back_and_differs_per_sequence(sequence, on):
    fmt = NumberFormat("{prefix}{yyyy}-{seq:6}", prefix="X")
    text = fmt.text(sequence, on)
    assert int(text.rsplit("-", 1)[1]) == sequence and len(text) <= 64
    assert fmt.text(sequence + 1, on) != text


def _details(**changes):
    values = dict(payee="ООО «Три кита»", settlement_account="40702810138250123017", bank_name='ОАО "БАНК"',
                  bik="044525225", correspondent_account="30101810400000000225", payee_inn="6200098765",
                  payee_kpp="620001001", purpose="Оплата по счёту № 15 от 01.03.2026", amount=Money.of("1000.00"))
    return PaymentDetails(**(values | changes))


def test_payment_qr_payload_follows_gost_r_56042():
    assert qr_payload(_details()) == (
        "ST00012|Name=ООО «Три кита»|PersonalAcc=40702810138250123017|BankName=ОАО \"БАНК\"|BIC=044525225|"
        "CorrespAcc=30101810400000000225|PayeeINN=6200098765|KPP=620001001|"
        "Purpose=Оплата по счёту № 15 от 01.03.2026|Sum=100000")
    assert qr_payload(_details(payee_kpp="", amount=None)).endswith("|Purpose=Оплата по счёту № 15 от 01.03.2026")


@pytest.mark.parametrize("changes, field", [
    ({"bik": ""}, "BIC"), ({"payee": "A|B"}, "Name"), ({"amount": Money.of("1.00", "USD")}, "roubles"),
])
def test_payment_qr_refuses_what_it_cannot_carry(changes, field):
    with pytest.raises(PaymentQrError, match=field):
        qr_payload(_details(**changes))


def test_tax_forms_follow_the_sellers_choice_and_vat():
    assert tax_form("tax_invoice", True) is TaxForm.TAX_INVOICE
    assert tax_form("tax_invoice", False) is None  # без НДС: no счёт-фактура
    assert (tax_form("upd", True), tax_form("upd", False)) == (TaxForm.UPD1, TaxForm.UPD2)
    assert tax_form("none", True) is None


def test_only_the_latest_invoice_without_unposted_lines_is_creditable():
    assert credit_refusal(10, {1: (10, "7"), 2: (10, "7")}, []) is None
    assert "invoice 9 of subscription 2 is later" in credit_refusal(8, {1: (8, "6"), 2: (11, "9")}, [])
    assert "on draft 12" in credit_refusal(10, {1: (10, "7")}, [UnpostedLine(1, "VPS", 12)])
    assert "not yet invoiced" in credit_refusal(10, {1: (10, "7")}, [UnpostedLine(1, "VPS", None)])


def test_credited_periods_are_billed_again_from_the_earliest():
    march, april = Period(date(2026, 3, 1), date(2026, 3, 31)), Period(date(2026, 4, 1), date(2026, 4, 30))
    assert rebilled_from("prepaid", [april, march]) == (march, date(2026, 3, 1))
    assert rebilled_from("postpaid", [april]) == (april, date(2026, 4, 30))

"""Which incoming payments are matched with confidence, and why the others wait in the queue."""

from decimal import Decimal
from pathlib import Path

import pytest

from bank_statement_helpers import OURS
from core.domain.money import Money

from saldo_bank_statement.matching import (
    ClientRef,
    Direction,
    InvoiceRef,
    Lookup,
    Match,
    References,
    decide,
    direction,
    payment_key,
    references,
)
from saldo_bank_statement.parser import parse

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "bank-statements"
FABRIKA = ClientRef(7, "ООО «Фабрика Бизнеса»", "7708305901")
INVOICE_15 = InvoiceRef(15, "15", FABRIKA.id, FABRIKA.inn, Money(Decimal("1200.00")))


def incoming(purpose: str, *, inn: str = "7708305901", amount: str = "1200.00", payer_account="40702810100000000555",
             payee_account=OURS):
    text = (f"1CClientBankExchange\nВерсияФормата=1.03\nСекцияДокумент=Платежное поручение\nНомер=17\n"
            f"Дата=01.04.2026\nСумма={amount}\nПлательщикСчет={payer_account}\nПлательщикИНН={inn}\n"
            f"ПолучательСчет={payee_account}\nДатаПоступило=02.04.2026\nНазначениеПлатежа={purpose}\n"
            f"КонецДокумента\nКонецФайла\n")
    return parse(text.encode("cp1251")).documents[0]


@pytest.mark.parametrize("purpose, named, distinctive, signed", [
    ("Оплата по счету № 15 от 01.04.2026, в т.ч. НДС 22% - 216.39", ("15",), (), ()),
    ("Оплата по сч. 15 от 01.04.2026", ("15",), (), ()),
    ("Оплата по счету N 1024 от 01.01.23г 18026,52", ("1024",), ("23Г",), ()),
    ("Счет на оплату №15 от 10.03.2026", ("15",), (), ()),
    ("Оплата по счёту 15", ("15",), (), ()),
    ("Оплата по счетам 15, 16 и №17. НДС не облагается", ("15", "16", "17"), (), ()),
    ("оплата счета 15, в т.ч. НДС 22%", ("15",), (), ()),
    ("Оплата СЧ-2026-00042 за хостинг", (), ("СЧ-2026-00042",), ()),
    ("Invoice #inv-7 payment", ("INV-7",), (), ()),
    ("Оплата по заказу клиента №9614, НДС не облагается", (), (), ("9614",)),
    ("Счет-фактура 12 от 01.04.2026", (), (), ()),
    ("Оплата по договору 15 от 15.01.2026", (), (), ()),
    ("Возврат на счет 40702810000000074935", (), (), ()),
])
def test_invoice_numbers_in_the_purpose(purpose, named, distinctive, signed):
    assert references(purpose) == References(named, distinctive, signed)


def test_the_named_invoice_of_the_payer_for_its_open_amount_is_confident():
    match = decide(incoming("Оплата по счету № 15 от 01.04.2026"),
                   Lookup((FABRIKA,), {"15": INVOICE_15}, (INVOICE_15,)))
    assert match == Match(FABRIKA.id, INVOICE_15.id)


def test_an_amount_other_than_the_open_amount_waits():
    match = decide(incoming("Оплата по счету № 15", amount="1000.00"), Lookup((FABRIKA,), {"15": INVOICE_15}))
    assert match == Match(FABRIKA.id, 15, "amount 1000.00 differs from invoice 15's open 1200.00")


def test_an_invoice_that_is_not_open_waits():
    match = decide(incoming("Оплата по счету № 15"), Lookup((FABRIKA,)))
    assert match == Match(FABRIKA.id, None, "invoice 15 not found")


def test_an_invoice_of_another_client_waits():
    other = InvoiceRef(15, "15", 9, "7707083893", Money(Decimal("1200.00")))
    match = decide(incoming("Оплата по счету № 15"), Lookup((FABRIKA,), {"15": other}))
    assert match == Match(9, 15, "invoice 15 is to a client with INN 7707083893, not the payer's INN 7708305901")


def test_a_payer_without_inn_cannot_confirm_an_invoice():
    match = decide(incoming("Оплата по счету № 15", inn=""), Lookup((), {"15": INVOICE_15}))
    assert match == Match(FABRIKA.id, 15, "the payer has no INN to check against invoice 15")


def test_every_problem_is_named():
    match = decide(incoming("Оплата по счетам 15 и 99", inn="7707083893", amount="1000.00"),
                   Lookup((), {"15": INVOICE_15}))
    assert match.reason == ("invoice 99 not found; invoice 15 is to a client with INN 7708305901, not the payer's "
                            "INN 7707083893; amount 1000.00 differs from invoice 15's open 1200.00")


def test_without_an_invoice_number_one_client_with_the_inn_gets_the_money():
    match = decide(incoming("Оплата за хостинг, НДС не облагается"), Lookup((FABRIKA,)))
    assert match == Match(FABRIKA.id)


def test_an_order_number_is_no_invoice_number():
    match = decide(incoming("Оплата по заказу клиента №9614"), Lookup((FABRIKA,), {}, (INVOICE_15,)))
    assert match == Match(FABRIKA.id)


def test_a_number_after_the_sign_is_the_payers_open_invoice():
    match = decide(incoming("Оплата № 15, хостинг"), Lookup((FABRIKA,), {}, (INVOICE_15,)))
    assert match == Match(FABRIKA.id, 15)


def test_dates_and_amounts_in_the_purpose_are_no_invoice_numbers():
    match = decide(incoming("Оплата от 15.04.2026 за 15 дней, 1200-00"), Lookup((FABRIKA,), {}, (INVOICE_15,)))
    assert match == Match(FABRIKA.id)


def test_a_distinctive_number_finds_the_invoice_anywhere_in_the_purpose():
    invoice = InvoiceRef(42, "СЧ-2026-00042", FABRIKA.id, FABRIKA.inn, Money(Decimal("1200.00")))
    match = decide(incoming("Хостинг СЧ-2026-00042, без НДС"), Lookup((FABRIKA,), {"СЧ-2026-00042": invoice}))
    assert match == Match(FABRIKA.id, 42)


def test_several_invoices_wait():
    second = InvoiceRef(16, "16", FABRIKA.id, FABRIKA.inn, Money(Decimal("800.00")))
    match = decide(incoming("Оплата по счетам 15, 16", amount="2000.00"),
                   Lookup((FABRIKA,), {"15": INVOICE_15, "16": second}))
    assert match == Match(FABRIKA.id, None, "the purpose names several invoices: 15, 16")


@pytest.mark.parametrize("inn, clients, reason", [
    ("7707083893", (), "payer INN 7707083893 matches no client"),
    ("7708305901", (FABRIKA, ClientRef(8, "ООО «Фабрика» (филиал)", "7708305901")),
     "payer INN 7708305901 matches 2 clients"),
    ("", (), "the payer has no INN"),
])
def test_a_payer_who_is_not_exactly_one_client_waits(inn, clients, reason):
    assert decide(incoming("Оплата за хостинг", inn=inn), Lookup(clients)) == Match(None, None, reason)


def test_directions_in_the_reference_statements():
    kilylabs = parse((REFERENCE / "kilylabs__one_day__v1.02__cp1251_crlf__kl_to_1c.txt").read_bytes())
    own = {"40702810200000000001"}
    kinds = [direction(d, own) for d in kilylabs.documents]
    assert kinds == [Direction.OTHER] * 10 + [Direction.INCOMING] * 3
    dronm = parse((REFERENCE / "dronm__kl_to_1c__v1.03__cp1251_crlf.txt").read_bytes())
    assert [direction(d, {"40702810000000074935"}) for d in dronm.documents] == [
        Direction.OUTGOING, Direction.OTHER, Direction.OUTGOING]
    assert [direction(d, {"40702810000000074935", "40702810267020000630"}) for d in dronm.documents] == [
        Direction.OUTGOING, Direction.INCOMING, Direction.OWN_TRANSFER]


def test_the_payment_key_is_the_same_in_every_encoding_and_differs_per_payment():
    windows = parse((REFERENCE / "kilylabs__one_day__v1.02__cp1251_crlf__kl_to_1c.txt").read_bytes())
    utf8 = parse((REFERENCE / "kilylabs__one_day_utf8__v1.02__utf8_crlf__kl_to_1c.txt").read_bytes())
    keys = [payment_key(d) for d in windows.documents]
    assert keys == [payment_key(d) for d in utf8.documents] and len(set(keys)) == 13
    assert keys[-1] == "12312312312312312/1/2016-01-11/20000.00"
    no_account = incoming("x", payer_account="")
    assert payment_key(no_account) == "7708305901/17/2026-04-01/1200.00"

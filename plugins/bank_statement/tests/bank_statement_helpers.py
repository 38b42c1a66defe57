"""Helpers of the bank statement tests: clients with an ИНН, and statements written for a test."""

from __future__ import annotations

from core.services import clients
from tests.web.test_subscriptions import customer

OURS = "40702810502080001823"
SELLER = {"name": "ООО «Облако»", "inn": "7707083893", "kpp": "773601001", "bank_name": "АО «АЛЬФА-БАНК»",
          "bik": "044525593", "correspondent_account": "30101810200000000593", "settlement_account": OURS,
          "vat_status": "vat22"}


async def fabrika(tenant):
    """ООО «Фабрика Бизнеса», ИНН 7708305901."""
    return await customer(tenant)


async def romashka(tenant):
    """ООО «Ромашка», ИНН 7736050003."""
    return await clients.create(tenant.actor, type="legal", company_name="ООО «Ромашка»", email="buh@romashka.ru",
                                inn="7736050003", kpp="773601001")


def statement(*documents: dict, account: str = OURS, encoding: str = "cp1251", newline: str = "\r\n") -> bytes:
    """A 1CClientBankExchange statement of ``account`` with the given documents (each a dict of
    fields; Номер, Дата, Сумма and the accounts have defaults), as a bank writes it."""
    lines = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "Отправитель=Банк-Клиент",
             "ДатаНачала=01.04.2026", "ДатаКонца=02.04.2026", f"РасчСчет={account}"]
    for number, fields in enumerate(documents, start=1):
        fields = {"Номер": str(100 + number), "Дата": "01.04.2026", "ПлательщикСчет": "40702810100000000555",
                  "ПолучательСчет": account, "ДатаПоступило": "02.04.2026", **fields}
        lines += ["СекцияДокумент=Платежное поручение", *(f"{k}={v}" for k, v in fields.items()), "КонецДокумента"]
    lines.append("КонецФайла")
    return newline.join(lines).encode(encoding) + newline.encode()

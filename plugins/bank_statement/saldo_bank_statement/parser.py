"""Parse 1CClientBankExchange files (versions 1.01–1.03): pure Python, no I/O.

The file is text, one ``Key=Value`` per line: a header, balance sections
``СекцияРасчСчет`` … ``КонецРасчСчет``, documents ``СекцияДокумент=<kind>`` …
``КонецДокумента``, and ``КонецФайла``. Real files differ from the standard: UTF-8
under ``Кодировка=Windows``, LF or CRLF, blank lines anywhere, fields in any order,
empty values, the payer's ИНН glued in front of the name. This parser takes all of
that; anything it cannot read is a :class:`StatementError` naming the line.

A section's own arithmetic (opening + received − spent = closing) must hold. Documents
that do not add up to their account's turnovers are only a warning: anonymised and real
statements both leave documents out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from core.domain.money import Money, money_sum

SIGNATURE = "1CClientBankExchange"
END_OF_FILE = "КонецФайла"
VERSIONS = ("1.01", "1.02", "1.03")
CURRENCY = "RUB"
# Tried in order; the first in which the file's end marker reads right wins.
ENCODINGS = ("utf-8-sig", "cp1251", "cp866")

# Header keys of the standard; РасчСчет and Документ may repeat.
HEADER_KEYS = frozenset({"ВерсияФормата", "Кодировка", "Отправитель", "Получатель", "ДатаСоздания",
                         "ВремяСоздания", "ДатаНачала", "ДатаКонца", "РасчСчет", "Документ"})
REPEATING_HEADER_KEYS = frozenset({"РасчСчет", "Документ"})
HEADER_DATES = ("ДатаСоздания", "ДатаНачала", "ДатаКонца")
BALANCE_FIELDS = ("НачальныйОстаток", "ВсегоПоступило", "ВсегоСписано", "КонечныйОстаток")
DOCUMENT_REQUIRED = ("Номер", "Дата", "Сумма")

_AMOUNT = re.compile(r"^\d{1,15}(?:\.\d{1,2})?$")
_SIGNED_AMOUNT = re.compile(r"^-?\d{1,15}(?:\.\d{1,2})?$")
_DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")
_INN_IN_NAME = re.compile(r"^(?:ИНН\s*)?(\d{10}|\d{12})\s*[,;]?\s+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class StatementError(ValueError):
    """The file cannot be read; ``line_number`` is the 1-based line of the problem."""

    def __init__(self, line_number: int, message: str) -> None:
        super().__init__(f"line {line_number}: {message}")
        self.line_number = line_number
        self.message = message


@dataclass(frozen=True)
class StatementWarning:
    line_number: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.message}"


@dataclass(frozen=True)
class Party:
    """The payer or the payee of a document."""

    name: str = ""
    inn: str = ""
    kpp: str = ""
    account: str = ""
    bik: str = ""
    bank: str = ""

    def public(self) -> dict[str, str]:
        return {"name": self.name, "inn": self.inn, "kpp": self.kpp, "account": self.account, "bik": self.bik,
                "bank": self.bank}


@dataclass(frozen=True)
class StatementDocument:
    """One ``СекцияДокумент``: the typed fields, every field as it was, and its lines."""

    line_number: int
    kind: str
    number: str
    date: date
    amount: Money
    payer: Party
    payee: Party
    purpose: str
    date_received: date | None
    date_debited: date | None
    fields: Mapping[str, str]
    text: str


@dataclass(frozen=True)
class AccountSection:
    """One ``СекцияРасчСчет``: an account's balances and turnovers over a period."""

    line_number: int
    account: str
    date_from: date | None
    date_to: date | None
    opening: Money | None
    incoming: Money | None
    outgoing: Money | None
    closing: Money | None


@dataclass(frozen=True)
class Statement:
    version: str | None
    encoding: str
    header: Mapping[str, str]
    accounts: tuple[str, ...]
    document_kinds: tuple[str, ...]
    sections: tuple[AccountSection, ...]
    documents: tuple[StatementDocument, ...]
    warnings: tuple[StatementWarning, ...] = field(default=())


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with, whatever its header claims:
    UTF-8 if it is valid UTF-8, else windows-1251, else DOS (cp866)."""
    readable = []
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if END_OF_FILE in text:
            return text, encoding
        readable.append((text, encoding))
    return readable[0]


def _date(value: str, line: int, key: str) -> date:
    if _DATE.match(value):
        try:
            return datetime.strptime(value, "%d.%m.%Y").date()
        except ValueError:
            pass
    raise StatementError(line, f"{key}: {value!r} is not a date (dd.mm.yyyy)")


def _optional_date(value: str, line: int, key: str) -> date | None:
    return _date(value, line, key) if value else None


def _amount(value: str, line: int, key: str, *, signed: bool = False) -> Money:
    if not (_SIGNED_AMOUNT if signed else _AMOUNT).match(value):
        raise StatementError(line, f"{key}: {value!r} is not an amount (digits with a decimal point)")
    return Money(Decimal(value), CURRENCY)


def _key_value(text: str, line: int) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise StatementError(line, f"expected Key=Value, found {text[:60]!r}")
    return key.strip(), value.strip()


class _Fields:
    """The fields of a section, each with its line; a repeated key is an error."""

    def __init__(self, title: str, line: int) -> None:
        self.title = title
        self.line = line
        self.values: dict[str, str] = {}
        self.lines: dict[str, int] = {}

    def add(self, key: str, value: str, line: int) -> None:
        if key in self.values:
            raise StatementError(line, f"{key} repeated in {self.title} (first at line {self.lines[key]})")
        self.values[key] = value
        self.lines[key] = line

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def at(self, key: str) -> int:
        return self.lines.get(key, self.line)


def _party(fields: _Fields, role: str) -> Party:
    """``role`` is ``Плательщик`` or ``Получатель``. The name is ``<role>1`` or ``<role>``
    without a leading ИНН («7701234567, ООО …»), which also gives the ИНН when the
    ``<role>ИНН`` field is empty."""
    whole = fields.get(role)
    glued = _INN_IN_NAME.match(whole)
    name = fields.get(f"{role}1") or (whole[glued.end():] if glued else whole)
    return Party(
        name=name,
        inn=fields.get(f"{role}ИНН") or (glued.group(1) if glued else ""),
        kpp=fields.get(f"{role}КПП"),
        account=fields.get(f"{role}Счет") or fields.get(f"{role}РасчСчет"),
        bik=fields.get(f"{role}БИК"),
        bank=fields.get(f"{role}Банк1"),
    )


def _purpose(fields: _Fields) -> str:
    """``НазначениеПлатежа``, or its parts ``НазначениеПлатежа1``…``6`` when it is empty."""
    whole = fields.get("НазначениеПлатежа")
    if whole:
        return whole
    return " ".join(part for n in range(1, 7) if (part := fields.get(f"НазначениеПлатежа{n}")))


def _document(fields: _Fields, text: str) -> StatementDocument:
    for key in DOCUMENT_REQUIRED:
        if not fields.get(key):
            raise StatementError(fields.line, f"the document has no {key}")
    amount = _amount(fields.get("Сумма"), fields.at("Сумма"), "Сумма")
    if amount.is_zero():
        raise StatementError(fields.at("Сумма"), "Сумма: the amount must be more than zero")
    return StatementDocument(
        line_number=fields.line,
        kind=fields.title,
        number=fields.get("Номер"),
        date=_date(fields.get("Дата"), fields.at("Дата"), "Дата"),
        amount=amount,
        payer=_party(fields, "Плательщик"),
        payee=_party(fields, "Получатель"),
        purpose=_purpose(fields),
        date_received=_optional_date(fields.get("ДатаПоступило"), fields.at("ДатаПоступило"), "ДатаПоступило"),
        date_debited=_optional_date(fields.get("ДатаСписано"), fields.at("ДатаСписано"), "ДатаСписано"),
        fields=dict(fields.values),
        text=text,
    )


def _section(fields: _Fields) -> AccountSection:
    if not fields.get("РасчСчет"):
        raise StatementError(fields.line, "the account section has no РасчСчет")
    amounts = {key: _amount(fields.get(key), fields.at(key), key, signed=True) if fields.get(key) else None
               for key in BALANCE_FIELDS}
    section = AccountSection(
        line_number=fields.line,
        account=fields.get("РасчСчет"),
        date_from=_optional_date(fields.get("ДатаНачала"), fields.at("ДатаНачала"), "ДатаНачала"),
        date_to=_optional_date(fields.get("ДатаКонца"), fields.at("ДатаКонца"), "ДатаКонца"),
        opening=amounts["НачальныйОстаток"],
        incoming=amounts["ВсегоПоступило"],
        outgoing=amounts["ВсегоСписано"],
        closing=amounts["КонечныйОстаток"],
    )
    if None not in amounts.values() and section.opening + section.incoming - section.outgoing != section.closing:
        raise StatementError(
            fields.at("КонечныйОстаток"),
            f"account {section.account}: opening balance {section.opening.amount} + received "
            f"{section.incoming.amount} − spent {section.outgoing.amount} is not the closing balance "
            f"{section.closing.amount}")
    return section


def _turnover_warnings(sections: list[AccountSection], documents: list[StatementDocument]) -> list[StatementWarning]:
    """Per account (over all its sections): the documents against ВсегоПоступило and ВсегоСписано."""
    warnings = []
    accounts = dict.fromkeys(s.account for s in sections)
    for account in accounts:
        own = [s for s in sections if s.account == account]
        for key, attribute, role, verb in (("ВсегоПоступило", "incoming", "payee", "credit"),
                                           ("ВсегоСписано", "outgoing", "payer", "debit")):
            totals = [getattr(s, attribute) for s in own]
            if None in totals:
                continue
            stated = money_sum(totals, CURRENCY)
            listed = money_sum((d.amount for d in documents if getattr(d, role).account == account), CURRENCY)
            if listed != stated:
                warnings.append(StatementWarning(
                    own[0].line_number,
                    f"account {account}: the documents {verb} {listed.amount}, but {key} is {stated.amount}"))
    return warnings


def _check_header_field(key: str, value: str, line: int, warnings: list[StatementWarning]) -> None:
    if key == "ВерсияФормата" and value not in VERSIONS:
        raise StatementError(line, f"format version {value!r} is not supported (only {', '.join(VERSIONS)})")
    if key in HEADER_DATES:
        _optional_date(value, line, key)
    if key not in HEADER_KEYS:
        warnings.append(StatementWarning(line, f"unknown header field {key}"))


def parse(data: bytes) -> Statement:
    """Read a whole statement; raise :class:`StatementError` at the first problem."""
    text, encoding = decode(data)
    lines = _LINE_BREAK.split(text)
    if lines[0].strip() != SIGNATURE:
        raise StatementError(1, f"the file does not start with {SIGNATURE}")
    header = _Fields("the header", 1)
    accounts: list[str] = []
    kinds: list[str] = []
    warnings: list[StatementWarning] = []
    sections: list[AccountSection] = []
    documents: list[StatementDocument] = []
    current: _Fields | None = None  # the open section
    start = 0  # index in ``lines`` of the open document's first line
    ended_at = 0
    in_header = True
    for index, raw in enumerate(lines[1:], start=1):
        number, line = index + 1, raw.strip()
        if not line:
            continue
        if ended_at:
            raise StatementError(number, f"text after {END_OF_FILE} (line {ended_at})")
        if line in ("СекцияРасчСчет", END_OF_FILE) or line.startswith("СекцияДокумент="):
            if current is not None:
                closing = "КонецРасчСчет" if current.title == "СекцияРасчСчет" else "КонецДокумента"
                raise StatementError(number, f"the section started at line {current.line} has no {closing}")
            in_header = False
            if line == END_OF_FILE:
                ended_at = number
            elif line == "СекцияРасчСчет":
                current = _Fields("СекцияРасчСчет", number)
            else:
                kind = line.partition("=")[2].strip()
                if not kind:
                    raise StatementError(number, "СекцияДокумент names no document kind")
                current, start = _Fields(kind, number), index
            continue
        if line in ("КонецРасчСчет", "КонецДокумента"):
            expected = "КонецРасчСчет" if current is not None and current.title == "СекцияРасчСчет" \
                else "КонецДокумента"
            if current is None or line != expected:
                raise StatementError(number, f"{line} without its section")
            if line == "КонецРасчСчет":
                sections.append(_section(current))
            else:
                documents.append(_document(current, "\n".join(lines[start:index + 1])))
            current = None
            continue
        key, value = _key_value(line, number)
        if current is not None:
            current.add(key, value, number)
        elif not in_header:
            raise StatementError(number, f"{key} outside a section")
        elif key in REPEATING_HEADER_KEYS:
            (accounts if key == "РасчСчет" else kinds).append(value)
        else:
            _check_header_field(key, value, number, warnings)
            header.add(key, value, number)
    if current is not None:
        closing = "КонецРасчСчет" if current.title == "СекцияРасчСчет" else "КонецДокумента"
        raise StatementError(current.line, f"the section has no {closing}")
    if not ended_at:
        raise StatementError(len(lines), f"the file ends without {END_OF_FILE}")
    warnings.extend(_turnover_warnings(sections, documents))
    return Statement(version=header.get("ВерсияФормата") or None, encoding=encoding.removesuffix("-sig"),
                     header=dict(header.values), accounts=tuple(a for a in accounts if a),
                     document_kinds=tuple(k for k in kinds if k), sections=tuple(sections),
                     documents=tuple(documents), warnings=tuple(warnings))

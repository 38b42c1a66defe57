"""Match an incoming bank payment to a client and an invoice: pure Python, no I/O.

The service looks up what the document points at (the clients with the payer's ИНН,
the open invoices the purpose names, the payer's open invoices) and :func:`decide`
judges it. A match is confident only when nothing is left to guess:

- the purpose names one open invoice, the invoice's client has the payer's ИНН, and the
  amount is the invoice's open amount; or
- the purpose names no invoice and the payer's ИНН belongs to exactly one client (the
  money goes to that client's balance).

Anything else waits in the accountants' queue with a reason (in English) that names
what did not match.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Mapping

from core.domain.money import Money

from saldo_bank_statement.parser import StatementDocument

# A number as written in a purpose: «15», «СЧ-2026-00042», «INV/15».
_NUMBER = r"[0-9A-Za-zА-Яа-яЁё]+(?:[-/][0-9A-Za-zА-Яа-яЁё]+)*"
_SIGN = r"(?:№|N[oº]?\.?(?=\s*\d)|#)"
# «по счету № 15», «сч. 15», «счёт N 1024», «Счет на оплату №15», «invoice #15».
_NAMED = re.compile(
    rf"(?<![\w-])(?P<word>сч[её]т\w*|сч\b\.?|invoice\w*|inv\b\.?)"
    rf"(?:\s+(?:на|об|для|к|to|for|оплату|оплата|payment)\b)*\s*{_SIGN}?\s*(?P<number>{_NUMBER})",
    re.IGNORECASE)
# «по счетам 15, 16 и 17»: more numbers after a plural (or genitive) invoice word.
_PLURAL = re.compile(r"^(?:сч[её]т(?:ам|ов|а)|invoices)$", re.IGNORECASE)
_MORE = re.compile(rf"\s*(?:,|;|\bи\b|\band\b)\s*{_SIGN}?\s*(?P<number>{_NUMBER})", re.IGNORECASE)
# «№9614», «N 15», «#15».
_SIGNED = re.compile(rf"(?<!\w){_SIGN}\s*(?P<number>{_NUMBER})", re.IGNORECASE)
# Any number-like word: «СЧ-2026-00042», «INV-15», «15».
_TOKEN = re.compile(rf"(?<![\w-])(?P<number>{_NUMBER})")
_ACCOUNT_NUMBER = re.compile(r"^\d{20}$")
MAX_KEY = 128  # the core's external id length


class Direction(Enum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    OWN_TRANSFER = "own_transfer"
    OTHER = "other"


def direction(document: StatementDocument, own_accounts: Iterable[str]) -> Direction:
    """Money coming into one of the tenant's settlement accounts, leaving one, moving between
    two of them, or a document about other accounts."""
    own = set(own_accounts)
    payer_is_own = document.payer.account in own
    if document.payee.account in own:
        return Direction.OWN_TRANSFER if payer_is_own else Direction.INCOMING
    return Direction.OUTGOING if payer_is_own else Direction.OTHER


def payment_key(document: StatementDocument) -> str:
    """The payment's key in the core (unique per tenant and provider): the payer's account
    (or ИНН), the document's number, date and amount. The same payment order in another
    statement, or the same statement again, has the same key."""
    key = (f"{document.payer.account or document.payer.inn}/{document.number}/{document.date.isoformat()}/"
           f"{document.amount.amount}")
    return key if len(key) <= MAX_KEY else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def normalize_number(number: str) -> str:
    """The form in which invoice numbers are compared: upper case, «Ё» as «Е», no spaces."""
    return re.sub(r"\s+", "", number).upper().replace("Ё", "Е")


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


@dataclass(frozen=True)
class References:
    """The invoice numbers a purpose may mean.

    ``named`` follow an invoice word («по счету № 15») and are meant as invoices: one
    that is no open invoice is a reason to queue the payment. ``distinctive`` have letters
    or separators besides digits («СЧ-2026-00042») and count when an open invoice of the
    tenant has that number. ``signed`` follow «№», «N» or «#» alone («№ 15») and count
    only when one of the payer's open invoices has that number."""

    named: tuple[str, ...] = ()
    distinctive: tuple[str, ...] = ()
    signed: tuple[str, ...] = ()

    @property
    def to_look_up(self) -> tuple[str, ...]:
        """The numbers to look up among all the tenant's open invoices."""
        return self.named + self.distinctive


def _numbers(found: Iterable[str], *, besides: Iterable[str] = ()) -> tuple[str, ...]:
    seen = set(besides)
    return tuple(n for n in dict.fromkeys(normalize_number(n) for n in found)
                 if _has_digit(n) and not _ACCOUNT_NUMBER.match(n) and n not in seen)


def _named(purpose: str) -> Iterable[str]:
    for match in _NAMED.finditer(purpose):
        yield match.group("number")
        if _PLURAL.match(match.group("word")):
            end = match.end()
            while (more := _MORE.match(purpose, end)) and _has_digit(more.group("number")):
                yield more.group("number")
                end = more.end()


def references(purpose: str) -> References:
    named = _numbers(_named(purpose))
    distinctive = _numbers((m.group("number") for m in _TOKEN.finditer(purpose)
                            if not m.group("number").isdigit()), besides=named)
    signed = _numbers((m.group("number") for m in _SIGNED.finditer(purpose)), besides=named + distinctive)
    return References(named, distinctive, signed)


@dataclass(frozen=True)
class ClientRef:
    id: int
    name: str
    inn: str


@dataclass(frozen=True)
class InvoiceRef:
    """An open (posted, not fully paid) invoice: its printed number, client and open amount."""

    id: int
    number: str
    client_id: int
    client_inn: str
    open: Money


@dataclass(frozen=True)
class Lookup:
    """What the service found for one document.

    ``payer_clients``: the tenant's clients whose ИНН is the payer's; ``invoices_by_number``:
    for each number of ``References.to_look_up`` that is one, the tenant's open invoice with
    that number; ``payer_invoices``: the open invoices of ``payer_clients``."""

    payer_clients: tuple[ClientRef, ...] = ()
    invoices_by_number: Mapping[str, InvoiceRef] = field(default_factory=dict)
    payer_invoices: tuple[InvoiceRef, ...] = ()


@dataclass(frozen=True)
class Match:
    """The client and invoice to credit; a non-empty ``reason`` sends the payment to the
    queue, with the client and invoice as the best guesses for the accountant."""

    client_id: int | None = None
    invoice_id: int | None = None
    reason: str = ""


def _invoices_meant(refs: References, lookup: Lookup) -> tuple[list[InvoiceRef], list[str]]:
    """The open invoices the purpose names, and the named numbers that are no open invoice."""
    found: dict[int, InvoiceRef] = {}
    missing = []
    for number in refs.to_look_up:
        invoice = lookup.invoices_by_number.get(number)
        if invoice is not None:
            found[invoice.id] = invoice
        elif number in refs.named:
            missing.append(number)
    for invoice in lookup.payer_invoices:
        if normalize_number(invoice.number) in refs.signed:
            found[invoice.id] = invoice
    return list(found.values()), missing


def _payer_problem(inn: str, clients: tuple[ClientRef, ...]) -> str:
    if not inn:
        return "the payer has no INN"
    if not clients:
        return f"payer INN {inn} matches no client"
    if len(clients) > 1:
        return f"payer INN {inn} matches {len(clients)} clients"
    return ""


def decide(document: StatementDocument, lookup: Lookup) -> Match:
    """Judge an incoming document against what the service looked up (see the module doc)."""
    inn = document.payer.inn
    clients = lookup.payer_clients
    client_id = clients[0].id if len(clients) == 1 else None
    invoices, missing = _invoices_meant(references(document.purpose), lookup)
    problems = [f"invoice {n} not found" for n in missing]
    if len(invoices) > 1:
        numbers = ", ".join(i.number for i in invoices)
        return Match(client_id, None, "; ".join([*problems, f"the purpose names several invoices: {numbers}"]))
    if not invoices:
        if payer := _payer_problem(inn, clients):
            problems.append(payer)
        return Match(client_id, None, "; ".join(problems))
    invoice = invoices[0]
    if not inn:
        problems.append(f"the payer has no INN to check against invoice {invoice.number}")
    elif invoice.client_inn != inn:
        problems.append(f"invoice {invoice.number} is to a client with INN {invoice.client_inn or 'none'}, "
                        f"not the payer's INN {inn}")
    if document.amount != invoice.open:
        problems.append(f"amount {document.amount.amount} differs from invoice {invoice.number}'s open "
                        f"{invoice.open.amount}")
    return Match(invoice.client_id, invoice.id, "; ".join(problems))

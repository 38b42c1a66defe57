"""Primary documents as plugins see them: numbering, template context and rendering."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Iterable, Mapping

from core.domain.extension import Extension
from core.domain.money import Money
from core.domain.pricing import VatRate


class DocumentType(Enum):
    INVOICE = "invoice"  # счёт на оплату
    ACT = "act"  # акт об оказании услуг
    TAX_INVOICE = "tax_invoice"  # счёт-фактура / УПД
    CREDIT_NOTE = "credit_note"  # кредит-нота


@dataclass(frozen=True)
class Party:
    """A seller's or buyer's requisites, frozen into the document when it is posted."""

    name: str
    inn: str = ""
    kpp: str = ""
    address: str = ""


@dataclass(frozen=True)
class DocumentNumber:
    """A document number: the prefix and the sequence number are kept apart."""

    prefix: str
    number: int

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValueError(f"document number must be positive, got {self.number}")

    def __str__(self) -> str:
        return f"{self.prefix}{self.number}"


@dataclass(frozen=True)
class DocumentLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    net: Money
    vat_rate: VatRate
    vat: Money
    total: Money


@dataclass(frozen=True)
class Document:
    """A document about to be numbered, being rendered, or posted (``number`` set once posted)."""

    id: int
    type: DocumentType
    seller_id: int
    client_id: int
    issue_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    number: DocumentNumber | None = None
    period_start: date | None = None
    period_end: date | None = None


def merge_contexts(results: Iterable[Mapping[str, Any] | None]) -> dict[str, Any]:
    """Merge ``saldo_document_context`` results, given in pluggy's call order.

    A result earlier in the call order wins a key over a later one: a ``tryfirst``
    plugin overrides everyone, a ``trylast`` default is overridden by everyone, and
    among plain plugins the one registered last wins. None results are skipped.
    """
    merged: dict[str, Any] = {}
    for result in reversed(list(results)):
        if result:
            merged.update(result)
    return merged


class DocumentRenderer(Extension, ABC):
    """Turns a document and its template context into a file (HTML, PDF…)."""

    media_type: ClassVar[str]
    document_types: ClassVar[frozenset[DocumentType]]

    @abstractmethod
    async def render(self, document: Document, context: Mapping[str, Any]) -> bytes:
        """Render ``document``; ``context`` is the merged template context."""

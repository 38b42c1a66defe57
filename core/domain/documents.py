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


class DocumentStatus(Enum):
    DRAFT = "draft"
    POSTED = "posted"
    PAID = "paid"
    CREDITED = "credited"
    CANCELLED = "cancelled"


# Drafts are edited, posted or deleted; a posted document only moves on by payment or credit.
STATUS_MOVES: dict[DocumentStatus, frozenset[DocumentStatus]] = {
    DocumentStatus.DRAFT: frozenset({DocumentStatus.POSTED}),
    DocumentStatus.POSTED: frozenset({DocumentStatus.PAID, DocumentStatus.CREDITED, DocumentStatus.CANCELLED}),
    DocumentStatus.PAID: frozenset({DocumentStatus.CREDITED}),
    DocumentStatus.CREDITED: frozenset(),
    DocumentStatus.CANCELLED: frozenset(),
}


class TaxForm(Enum):
    """Which tax document accompanies an act: a счёт-фактура (form of Постановление 1137)
    or an УПД with status 1 (also a счёт-фактура) or 2 (a transfer document only)."""

    TAX_INVOICE = "sf"
    UPD1 = "upd1"
    UPD2 = "upd2"


def tax_form(tax_document: str, vat_payer: bool) -> TaxForm | None:
    """The tax document a seller issues with its acts: ``tax_document`` is the seller's
    choice (none, tax_invoice, upd). A seller without VAT issues no счёт-фактура, and its
    УПД has status 2."""
    if tax_document == "upd":
        return TaxForm.UPD1 if vat_payer else TaxForm.UPD2
    if tax_document == "tax_invoice" and vat_payer:
        return TaxForm.TAX_INVOICE
    return None


@dataclass(frozen=True)
class Party:
    """A seller's or buyer's requisites, frozen into the document when it is posted."""

    name: str
    inn: str = ""
    kpp: str = ""
    address: str = ""
    ogrn: str = ""
    bank_name: str = ""
    bik: str = ""
    correspondent_account: str = ""
    settlement_account: str = ""
    director_name: str = ""
    chief_accountant_name: str = ""

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Party:
        """A party from its frozen JSON (unknown keys of older documents are ignored)."""
        return cls(**{k: str(v or "") for k, v in values.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class DocumentNumber:
    """A document's number: ``sequence`` taken in the gap-free ``series``, written as ``text``."""

    series: str
    sequence: int
    text: str

    def __post_init__(self) -> None:
        if self.sequence < 1:
            raise ValueError(f"document number must be positive, got {self.sequence}")

    def __str__(self) -> str:
        return self.text


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
    form: TaxForm | None = None


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

"""What payment providers and the core exchange: requests, callbacks, results.

A provider never sees a database row. The core passes it a :class:`PaymentRequest`
to start a payment, the raw :class:`ProviderCallback` of a notification to verify
and parse, and a :class:`RefundRequest`; every failure is a :class:`PaymentError`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Mapping, Sequence

from core.domain.extension import Extension
from core.domain.money import Money


class PaymentError(Exception):
    """A provider could not do what was asked; ``message`` is safe to show to staff.
    ``status_code`` is the HTTP answer to a refused notification (403 for a sender that is
    not the provider, 400 otherwise)."""

    def __init__(self, message: str, *, retryable: bool = False, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status_code = status_code


class PaymentStatus(Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class PaymentRequest:
    """A payment the core wants to take: ``payment_id`` is the core's id of the attempt."""

    payment_id: int
    amount: Money
    description: str
    client_id: int
    callback_url: str
    return_url: str
    email: str | None = None
    invoice_number: str | None = None


@dataclass(frozen=True)
class PaymentStart:
    """Where to send the payer, and the provider's id of the payment if it gave one already."""

    redirect_url: str
    external_id: str | None = None


@dataclass(frozen=True)
class ProviderCallback:
    """A notification as it arrived on the provider's route, untouched."""

    method: str
    remote_addr: str
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class CallbackResponse:
    """The HTTP answer the provider expects (e.g. Robokassa's ``OK<InvId>``)."""

    status_code: int = 200
    body: str = ""
    media_type: str = "text/plain"


@dataclass(frozen=True)
class CallbackResult:
    """A verified notification: the core applies it once per (tenant, provider code, external id)."""

    external_id: str
    status: PaymentStatus
    amount: Money
    response: CallbackResponse
    payment_id: int | None = None


@dataclass(frozen=True)
class RefundRequest:
    external_id: str
    amount: Money
    reason: str


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: PaymentStatus


@dataclass(frozen=True)
class AppliedPayment:
    """A payment credited to a client's account (the argument of ``saldo_payment_applied``)."""

    id: int
    client_id: int
    account_id: int
    amount: Money
    received_on: date
    provider: str
    external_id: str | None = None


class PaymentProvider(Extension, ABC):
    """An online payment method. Raise :class:`PaymentError` on any failure."""

    @abstractmethod
    async def start_payment(self, request: PaymentRequest) -> PaymentStart:
        """Create the payment at the provider; return where to redirect the payer."""

    @abstractmethod
    async def handle_callback(self, callback: ProviderCallback) -> CallbackResult:
        """Check the notification's signature (or source) first, then parse it."""

    @abstractmethod
    async def refund(self, request: RefundRequest) -> RefundResult:
        """Return money of a succeeded payment to the payer."""

    @property
    def available(self) -> bool:
        """Whether payers may be offered this method now (its settings may switch it off)."""
        return True

    def refused(self, callback: ProviderCallback, message: str, status_code: int = 400) -> CallbackResponse:
        """The answer to a notification that is refused (by the provider's checks or by the
        core: an unknown payment, another amount), in the form the provider expects."""
        return CallbackResponse(status_code, message)


def allocation(amount_minor: int, open_invoices: Sequence[tuple[int, int]], named: int | None = None
               ) -> list[tuple[int, int]]:
    """How a payment is put towards invoices: the named invoice first, then the open ones in
    the order given (oldest first), each up to what it still owes; what is left stays on the
    balance. ``open_invoices`` are (invoice id, amount still owed in minor units).

    >>> allocation(1500, [(1, 1000), (2, 1000)])
    [(1, 1000), (2, 500)]
    >>> allocation(1500, [(1, 1000), (2, 1000)], named=2)
    [(2, 1000), (1, 500)]
    """
    ordered = sorted(open_invoices, key=lambda item: item[0] != named)
    left, taken = amount_minor, []
    for invoice_id, owed in ordered:
        if left <= 0:
            break
        part = min(left, owed)
        if part > 0:
            taken.append((invoice_id, part))
            left -= part
    return taken

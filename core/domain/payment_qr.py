"""The payment QR code of ГОСТ Р 56042-2014 ("ST00012|Name=…|…|Sum=<kopecks>") for invoices."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.money import Money

HEADER = "ST00012"  # format ST0001, encoding 2 = UTF-8
SEPARATOR = "|"


class PaymentQrError(ValueError):
    pass


@dataclass(frozen=True)
class PaymentDetails:
    """What a bank app needs to fill in a payment order to the seller."""

    payee: str
    settlement_account: str
    bank_name: str
    bik: str
    correspondent_account: str
    payee_inn: str = ""
    payee_kpp: str = ""
    purpose: str = ""
    amount: Money | None = None


def qr_payload(details: PaymentDetails) -> str:
    """The payload: the five required fields in the standard's order, then the optional ones.

    Raises :class:`PaymentQrError` naming the field when a required one is missing or a
    value contains the separator ``|``, which the format cannot carry.
    """
    fields = [("Name", details.payee), ("PersonalAcc", details.settlement_account), ("BankName", details.bank_name),
              ("BIC", details.bik), ("CorrespAcc", details.correspondent_account)]
    for name, value in fields:
        if not value:
            raise PaymentQrError(f"{name} is required for a payment QR code")
    optional = [("PayeeINN", details.payee_inn), ("KPP", details.payee_kpp), ("Purpose", details.purpose)]
    if details.amount is not None:
        if details.amount.currency != "RUB":
            raise PaymentQrError(f"a payment QR code is for roubles, not {details.amount.currency}")
        optional.append(("Sum", str(details.amount.minor)))
    parts = [HEADER]
    for name, value in fields + [(n, v) for n, v in optional if v]:
        value = " ".join(str(value).split())
        if SEPARATOR in value:
            raise PaymentQrError(f"{name} contains '|', which a payment QR code cannot carry")
        parts.append(f"{name}={value}")
    return SEPARATOR.join(parts)

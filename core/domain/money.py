"""Exact money, quantities and unit prices.

Amounts are ``Decimal`` with 2 places in the account currency, quantities have up
to 3 places and unit prices up to 4. Rounding is half-up. In the database every
such value is an integer count of its smallest unit (kopecks, thousandths,
ten-thousandths), so sums are exact on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Union

Number = Union[Decimal, int, str]

AMOUNT_PLACES = 2
QUANTITY_PLACES = 3
UNIT_PRICE_PLACES = 4


class MoneyError(ValueError):
    pass


def to_decimal(value: Number) -> Decimal:
    """Convert an int, a string or a Decimal; floats are refused because they are inexact."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"{value!r}: amounts must be Decimal, int or str, never float")
    try:
        result = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise MoneyError(f"{value!r} is not a number") from exc
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    return result


MAX_DIGITS = 18  # digits a value may have with its places: its units fit a 64-bit column


def quantize(value: Number, places: int) -> Decimal:
    """Round half-up to ``places`` decimal places."""
    number = to_decimal(value)
    if number.adjusted() >= MAX_DIGITS - places:
        raise MoneyError(f"{value} is too large")
    try:
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise MoneyError(f"{value} is too large") from exc


def round_amount(value: Number) -> Decimal:
    return quantize(value, AMOUNT_PLACES)


def exact(value: Number, places: int, what: str) -> Decimal:
    """``value`` as a Decimal with ``places`` places; more places than that is an error, not a rounding."""
    if type(value) is Decimal and value.is_finite() and value.as_tuple().exponent == -places \
            and value.adjusted() < MAX_DIGITS - places:
        return value  # already exact: the common case, kept cheap
    number = to_decimal(value)
    rounded = quantize(number, places)
    if rounded != number:
        raise MoneyError(f"{what} {value} has more than {places} decimal places")
    return rounded


def to_units(value: Number, places: int, what: str = "value") -> int:
    """The integer count of 10**-places units that ``value`` is (exact, or an error)."""
    return int(exact(value, places, what).scaleb(places))


def from_units(units: int, places: int) -> Decimal:
    if not isinstance(units, int) or isinstance(units, bool):
        raise MoneyError(f"{units!r}: stored units must be an integer")
    return Decimal(units).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def amount_to_minor(value: Number) -> int:
    return to_units(value, AMOUNT_PLACES, "amount")


def amount_from_minor(minor: int) -> Decimal:
    return from_units(minor, AMOUNT_PLACES)


def quantity_to_units(value: Number) -> int:
    return to_units(value, QUANTITY_PLACES, "quantity")


def quantity_from_units(units: int) -> Decimal:
    return from_units(units, QUANTITY_PLACES)


def unit_price_to_units(value: Number) -> int:
    return to_units(value, UNIT_PRICE_PLACES, "unit price")


def unit_price_from_units(units: int) -> Decimal:
    return from_units(units, UNIT_PRICE_PLACES)


@dataclass(frozen=True, order=True)
class Money:
    """An amount with 2 decimal places in a currency (ISO 4217 code)."""

    amount: Decimal
    currency: str = "RUB"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", exact(self.amount, AMOUNT_PLACES, "amount"))
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise MoneyError(f"currency {self.currency!r} is not an ISO 4217 code")

    @classmethod
    def of(cls, value: Number, currency: str = "RUB") -> "Money":
        """Round ``value`` half-up to the kopeck."""
        return cls(round_amount(value), currency)

    @classmethod
    def zero(cls, currency: str = "RUB") -> "Money":
        return cls(Decimal("0.00"), currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str = "RUB") -> "Money":
        return cls(amount_from_minor(minor), currency)

    @property
    def minor(self) -> int:
        return amount_to_minor(self.amount)

    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def times(self, factor: Number) -> "Money":
        """Multiply by a quantity or fraction, rounding half-up to the kopeck."""
        return Money.of(self.amount * to_decimal(factor), self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def money_sum(items, currency: str = "RUB") -> Money:
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total


NBSP = "\u00a0"


def as_decimal(value) -> Decimal | None:
    """Money, a Decimal or its exact string as a Decimal; None for empty or unreadable input."""
    if value is None or value == "":
        return None
    if hasattr(value, "amount"):  # Money
        value = value.amount
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def format_number(lang: str, value, min_places: int = 2, max_places: int = 2) -> str:
    """``value`` with ``min_places``..``max_places`` decimal places as ``lang`` writes it:
    Russian «3 977,90» (a no-break space between thousands, a decimal comma), English
    «3,977.90»."""
    number = as_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    needed = max(0, -number.normalize().as_tuple().exponent)
    places = max(min_places, min(max_places, needed))
    text = f"{abs(number):,.{places}f}"
    if lang == "ru":
        text = text.replace(",", NBSP).replace(".", ",")
    return f"-{text}" if number < 0 else text

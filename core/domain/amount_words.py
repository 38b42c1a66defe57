"""Amounts in words for documents: «Одна тысяча двести тридцать четыре рубля 56 копеек»."""

from __future__ import annotations

from num2words import num2words

from core.domain.money import Money

# num2words knows these currencies' words in Russian; others are written as digits with the code.
_IN_WORDS = {"RUB", "USD", "EUR"}


def amount_in_words(amount: Money, lang: str = "ru") -> str:
    """The amount in words with the minor units as two digits, first letter capitalised.

    Only Russian is supported for documents; ``lang`` is checked so a caller cannot get
    Russian words by mistake for another language.
    """
    if lang != "ru":
        raise ValueError(f"amounts in words are written in Russian only, not {lang!r}")
    if amount.currency not in _IN_WORDS:
        return f"{amount.amount} {amount.currency}"
    words = num2words(amount.amount, lang="ru", to="currency", currency=amount.currency, cents=False, separator="")
    return words[:1].upper() + words[1:]

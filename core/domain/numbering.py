"""Document number formats: tokens, reset periods and the gap-free series a number comes from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

MAX_NUMBER_LENGTH = 64
MAX_PADDING = 12
_TOKEN = re.compile(r"\{([a-z]+)(?::(\d+))?\}")
TOKENS = {
    "prefix": "the format's prefix",
    "yyyy": "the issue year, four digits",
    "yy": "the issue year, two digits",
    "mm": "the issue month, two digits",
    "seq": "the number in its series; {seq:5} pads it with zeros to five digits",
}


class Reset(Enum):
    """When a series starts again from 1."""

    YEARLY = "yearly"
    MONTHLY = "monthly"
    NEVER = "never"


class NumberFormatError(ValueError):
    pass


@dataclass(frozen=True)
class NumberFormat:
    """How numbers are written (``pattern`` with tokens) and when their series restarts.

    >>> NumberFormat("{prefix}{yyyy}-{seq:5}", Reset.YEARLY, prefix="СЧ-").text(42, date(2026, 3, 1))
    'СЧ-2026-00042'
    """

    pattern: str = "{seq}"
    reset: Reset = Reset.YEARLY
    prefix: str = ""

    def __post_init__(self) -> None:
        if problem := pattern_problem(self.pattern, self.prefix):
            raise NumberFormatError(problem)

    def period_key(self, on: date) -> str:
        if self.reset is Reset.YEARLY:
            return f"{on.year:04d}"
        if self.reset is Reset.MONTHLY:
            return f"{on.year:04d}-{on.month:02d}"
        return "all"

    def text(self, sequence: int, on: date) -> str:
        return _write(self.pattern, self.prefix, sequence, on)

    def rule(self, seller_id: int | None, document_type: str, on: date) -> NumberingRule:
        """The rule for a document: its own series per seller, type and reset period."""
        return NumberingRule(f"{seller_id or 0}:{document_type}:{self.period_key(on)}", self)


def pattern_problem(pattern: str, prefix: str = "") -> str | None:
    """What is wrong with a number pattern, or None."""
    names = [(m.group(1), m.group(2)) for m in _TOKEN.finditer(pattern)]
    unknown = sorted({n for n, _ in names if n not in TOKENS})
    if unknown:
        return f"unknown token {{{unknown[0]}}}; known: " + ", ".join("{" + t + "}" for t in TOKENS)
    if any(w is not None and n != "seq" for n, w in names):
        return "only {seq} takes a width"
    if [n for n, _ in names].count("seq") != 1:
        return "the pattern must contain {seq} exactly once"
    if any(w is not None and int(w) > MAX_PADDING for n, w in names):
        return f"{{seq}} pads to at most {MAX_PADDING} digits"
    if "{" in _TOKEN.sub("", pattern) or "}" in _TOKEN.sub("", pattern):
        return "unbalanced braces in the pattern"
    if len(_write(pattern, prefix, 10 ** MAX_PADDING - 1, date(2999, 12, 1))) > MAX_NUMBER_LENGTH:
        return f"numbers would be longer than {MAX_NUMBER_LENGTH} characters"
    return None


def _write(pattern: str, prefix: str, sequence: int, on: date) -> str:
    def token(match: re.Match) -> str:
        name, width = match.group(1), match.group(2)
        if name == "seq":
            return str(sequence).zfill(int(width or 0))
        return {"prefix": prefix, "yyyy": f"{on.year:04d}", "yy": f"{on.year % 100:02d}", "mm": f"{on.month:02d}"}[name]

    return _TOKEN.sub(token, pattern)


@dataclass(frozen=True)
class NumberingRule:
    """How one document is numbered: the gap-free ``series`` its sequence number is taken
    from, and the format that writes it. Two rules with the same series share one counter."""

    series: str
    format: NumberFormat

    def __post_init__(self) -> None:
        if not self.series or len(self.series) > 128:
            raise NumberFormatError("a numbering series needs a name of 1 to 128 characters")

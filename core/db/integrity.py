"""Recognise a unique-index violation from either engine, so a service can answer 409 when a
concurrent writer won the race between its check and its insert."""

from __future__ import annotations

import sqlite3


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc).upper()
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover - asyncpg is installed with piccolo[postgres]
        return False
    return isinstance(exc, UniqueViolationError)

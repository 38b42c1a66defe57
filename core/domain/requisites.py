"""Russian requisites: ИНН, КПП, ОГРН/ОГРНИП, БИК and bank accounts, with their checksums.

Each ``*_problem`` function returns None for a valid value, or a message saying
what is wrong, so callers can name the field in their error.
"""

from __future__ import annotations

import re

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_ACCOUNT_WEIGHTS = (7, 1, 3) * 8
KPP_RE = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$")


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 % 10


def inn_problem(inn: str, length: int | None = None) -> str | None:
    """ИНН: 10 digits for a company, 12 for an individual or ИП, with the check digits."""
    if not inn.isdigit() or len(inn) not in (10, 12):
        return "must be 10 or 12 digits"
    if length is not None and len(inn) != length:
        return f"must be {length} digits"
    if len(inn) == 10:
        ok = _check_digit(inn, _INN10) == int(inn[9])
    else:
        ok = _check_digit(inn, _INN11) == int(inn[10]) and _check_digit(inn, _INN12) == int(inn[11])
    return None if ok else "check digit is wrong"


def kpp_problem(kpp: str) -> str | None:
    return None if KPP_RE.match(kpp) else "must be 9 characters: 4 digits, 2 digits or capital letters, 3 digits"


def ogrn_problem(ogrn: str) -> str | None:
    """ОГРН (13 digits, companies) or ОГРНИП (15 digits, sole proprietors)."""
    if not ogrn.isdigit() or len(ogrn) not in (13, 15):
        return "must be 13 digits (ОГРН) or 15 digits (ОГРНИП)"
    modulus = 11 if len(ogrn) == 13 else 13
    return None if int(ogrn[:-1]) % modulus % 10 == int(ogrn[-1]) else "check digit is wrong"


def bik_problem(bik: str) -> str | None:
    return None if bik.isdigit() and len(bik) == 9 else "must be 9 digits"


def _account_ok(key: str) -> bool:
    return sum(int(d) * w % 10 for d, w in zip(key, _ACCOUNT_WEIGHTS)) % 10 == 0


def settlement_account_problem(account: str, bik: str) -> str | None:
    """A расчётный счёт checked against the bank's БИК (control key of the Bank of Russia)."""
    if not account.isdigit() or len(account) != 20:
        return "must be 20 digits"
    if bik_problem(bik):
        return "cannot be checked without a valid БИК"
    return None if _account_ok(bik[-3:] + account) else "does not match the БИК (control digit is wrong)"


def correspondent_account_problem(account: str, bik: str) -> str | None:
    if not account.isdigit() or len(account) != 20:
        return "must be 20 digits"
    if bik_problem(bik):
        return "cannot be checked without a valid БИК"
    return None if _account_ok("0" + bik[4:6] + account) else "does not match the БИК (control digit is wrong)"

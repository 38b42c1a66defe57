"""Robokassa signatures: a hex digest of colon-joined fields ending with a password.

Not an HMAC: the base string is hashed with the algorithm chosen in the merchant
cabinet (MD5, RIPEMD160, SHA1, SHA256, SHA384 or SHA512) over its UTF-8 bytes.

- A payment link: ``MerchantLogin:OutSum:InvId[:Receipt]:Password#1[:Shp_k=v…]``.
- A ResultURL notification: ``OutSum:InvId:Password#2[:Shp_k=v…]``, over the OutSum
  string exactly as received (live mode sends ``100.000000``), never re-formatted.

``Shp_`` (user) parameters follow the password as ``key=value``, sorted by key. The
official SDK sorts byte-wise and the official CMS plugin case-insensitively; the two
orders agree for keys of one spelling of the prefix, and a check accepts either.
Digests are compared case-insensitively (Robokassa sends upper case) in constant time.
Pure functions: no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any, Callable, Mapping
from urllib.parse import quote

from Crypto.Hash import RIPEMD160

from saldo_robokassa.config import HashAlgorithm

SHP_PREFIX = "shp_"
"""User parameters start with ``Shp_``, ``SHP_`` or ``shp_``."""


def ripemd160_hashlib(data: bytes) -> str:
    return hashlib.new("ripemd160", data).hexdigest()


def ripemd160_pycryptodome(data: bytes) -> str:
    return RIPEMD160.new(data).hexdigest()


def _ripemd160_implementation() -> Callable[[bytes], str]:
    """hashlib's RIPEMD-160 when OpenSSL provides it (OpenSSL 3 only with its legacy
    provider loaded), else pycryptodome's."""
    try:
        hashlib.new("ripemd160")
    except ValueError:
        return ripemd160_pycryptodome
    return ripemd160_hashlib


ripemd160 = _ripemd160_implementation()


def digest(algorithm: HashAlgorithm, base: str) -> str:
    """The lower-case hex digest of ``base`` (UTF-8) with ``algorithm``."""
    data = base.encode("utf-8")
    if algorithm is HashAlgorithm.RIPEMD160:
        return ripemd160(data)
    return hashlib.new(algorithm.value, data).hexdigest()


def _is_shp(name: str) -> bool:
    return name.lower().startswith(SHP_PREFIX)


def _shp_fields(params: Mapping[str, str], key: Callable[[str], Any]) -> list[str]:
    return [f"{name}={params[name]}" for name in sorted((n for n in params if _is_shp(n)), key=key)]


def _shp_orders(params: Mapping[str, str]) -> list[list[str]]:
    """The ``Shp_`` fields sorted case-insensitively and, when that differs, byte-wise."""
    insensitive = _shp_fields(params, key=lambda name: (name.lower(), name))
    bytewise = _shp_fields(params, key=lambda name: name)
    return [insensitive] if insensitive == bytewise else [insensitive, bytewise]


def _json_number(value: Any) -> int | float:
    """A Decimal amount as a JSON number: ``100`` or ``100.5`` (a float's shortest repr
    of an amount with 2 places is exact)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return int(value) if value == value.to_integral_value() else float(value)


def encode_receipt(receipt: Mapping[str, Any]) -> str:
    """A 54-FZ receipt as the ``Receipt`` value: compact UTF-8 JSON (Decimal amounts as
    numbers), URL-encoded.

    Robokassa wants the value URL-encoded before it enters the signature and the form;
    the encoded string is both signed and sent (a query string or form encodes it once
    more, and Robokassa's one decoding gives back exactly the signed string)."""
    text = json.dumps(receipt, ensure_ascii=False, separators=(",", ":"), default=_json_number)
    return quote(text, safe="")


def payment_signature(algorithm: HashAlgorithm, *, merchant_login: str, out_sum: str, inv_id: str,
                      password1: str, receipt: str | None = None, shp: Mapping[str, str] | None = None) -> str:
    """The ``SignatureValue`` of a payment link over the exact strings sent: ``out_sum``
    as formatted in the link, ``receipt`` as returned by :func:`encode_receipt`, and the
    ``Shp_`` parameters (full names) sent with it."""
    fields = [merchant_login, out_sum, inv_id, *([receipt] if receipt else []), password1]
    fields += _shp_fields(shp or {}, key=lambda name: (name.lower(), name))
    return digest(algorithm, ":".join(fields))


def same_digest(expected: str, received: str) -> bool:
    """Hex digests equal ignoring case, compared in constant time."""
    return hmac.compare_digest(expected.lower().encode(), received.lower().encode())


def result_signature_valid(algorithm: HashAlgorithm, params: Mapping[str, str], password2: str) -> bool:
    """Whether a ResultURL notification's ``SignatureValue`` is the digest of its raw
    ``OutSum``, ``InvId``, ``password2`` and ``Shp_`` parameters. A notification
    without any of these three parameters is not valid."""
    out_sum, inv_id, received = (params.get(name) for name in ("OutSum", "InvId", "SignatureValue"))
    if not (out_sum and inv_id and received):
        return False
    matches = [same_digest(digest(algorithm, ":".join([out_sum, inv_id, password2, *shp])), received)
               for shp in _shp_orders(params)]
    return any(matches)

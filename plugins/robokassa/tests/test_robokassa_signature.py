"""Signatures against the test vectors of shared/research/protocols-ru.md §1.7."""

from urllib.parse import unquote

import pytest

from saldo_robokassa import signature
from saldo_robokassa.config import HashAlgorithm
from saldo_robokassa.signature import (
    digest, encode_receipt, payment_signature, result_signature_valid, ripemd160_hashlib, ripemd160_pycryptodome,
    same_digest,
)

from robokassa_vectors import DJANGO_ROBOKASSA, INIT_5_12, RECEIPT


@pytest.mark.parametrize(("base", "expected"), DJANGO_ROBOKASSA)
def test_published_django_robokassa_vectors(base, expected):
    assert digest(HashAlgorithm.MD5, base) == expected.lower()
    assert same_digest(digest(HashAlgorithm.MD5, base), expected)


@pytest.mark.parametrize("algorithm", list(HashAlgorithm))
def test_payment_link_signature_with_every_algorithm(algorithm):
    assert set(INIT_5_12) == set(HashAlgorithm)
    signed = payment_signature(algorithm, merchant_login="test", out_sum="5.12", inv_id="5", password1="securepass1")
    assert signed == INIT_5_12[algorithm]


def test_payment_link_signature_without_invid_and_with_shp_parameters_sorted():
    assert payment_signature(HashAlgorithm.MD5, merchant_login="test", out_sum="5.12", inv_id="",
                             password1="securepass1") == "edb5f7c73854cd54248970a1597ba9ad"
    with_shp = payment_signature(HashAlgorithm.MD5, merchant_login="demo", out_sum="100.00", inv_id="450009",
                                 password1="password_1", shp={"Shp_oplata": "1", "Shp_login": "Vasya"})
    assert with_shp == "cb90550abf9f3f647339d0dfd3bff3e8"
    cyrillic = payment_signature(HashAlgorithm.MD5, merchant_login="demo", out_sum="100.00", inv_id="7",
                                 password1="password_1", shp={"Shp_name": "Вася"})
    assert cyrillic == "c44b5b2eae843aa9a4d97673e9e71f83"  # UTF-8 bytes


def test_receipt_is_signed_url_encoded_after_invid():
    encoded = encode_receipt(RECEIPT)
    assert unquote(encoded) == ('{"sno":"usn_income","items":[{"name":"Подписка на сервис, 1 мес.","quantity":1,'
                                '"sum":100,"payment_method":"full_payment","payment_object":"service","tax":"none"}]}')
    assert encoded.isascii() and "%20" in encoded and "%D0%9F" in encoded
    signed = payment_signature(HashAlgorithm.MD5, merchant_login="demo", out_sum="100.00", inv_id="8",
                               password1="password_1", receipt=encoded)
    assert signed == "96af8809b867b38f0d2adf07b46d2399"


def test_result_url_is_checked_over_the_raw_outsum_with_password_2():
    params = {"OutSum": "5.12", "InvId": "5", "SignatureValue": "5E000357E91DE9AC78F9DF163ECEEFA8"}
    assert result_signature_valid(HashAlgorithm.MD5, params, "securepass2")
    assert result_signature_valid(HashAlgorithm.MD5, {**params, "SignatureValue": params["SignatureValue"].lower()},
                                  "securepass2")
    assert not result_signature_valid(HashAlgorithm.MD5, params, "securepass1")  # password #1 signs SuccessURL
    assert not result_signature_valid(HashAlgorithm.MD5, {**params, "OutSum": "5.120000"}, "securepass2")
    assert not result_signature_valid(HashAlgorithm.SHA256, params, "securepass2")


@pytest.mark.parametrize(("algorithm", "signed"), [
    (HashAlgorithm.MD5, "4adcef23deded52faef69a96efdf67e8"),
    (HashAlgorithm.SHA256, "025e4f4f5385f685e8b04a9fcf7021ff3084f89d0afbadd977b3609c09d31fc9"),
])
def test_result_url_with_six_decimals_and_shp_parameters(algorithm, signed):
    # Extra parameters Robokassa adds (Fee, EMail, PaymentMethod) take no part.
    params = {"OutSum": "100.000000", "InvId": "450009", "Shp_oplata": "1", "Shp_login": "Vasya", "Fee": "3.90",
              "EMail": "payer@example.ru", "PaymentMethod": "BankCard", "SignatureValue": signed.upper()}
    assert result_signature_valid(algorithm, params, "password_2")
    assert not result_signature_valid(algorithm, {**params, "OutSum": "100.00"}, "password_2")
    assert not result_signature_valid(algorithm, {**params, "Shp_login": "Petya"}, "password_2")
    assert not result_signature_valid(algorithm, {**params, "Shp_extra": "1"}, "password_2")
    without_shp = {k: v for k, v in params.items() if not k.startswith("Shp_")}
    assert not result_signature_valid(algorithm, without_shp, "password_2")


def test_shp_keys_of_mixed_prefixes_are_accepted_in_either_documented_order():
    params = {"OutSum": "10.00", "InvId": "3", "Shp_merchant_id": "7", "shp_label": "x"}
    insensitive = digest(HashAlgorithm.SHA1, "10.00:3:pw2:shp_label=x:Shp_merchant_id=7")  # the CMS plugin's order
    bytewise = digest(HashAlgorithm.SHA1, "10.00:3:pw2:Shp_merchant_id=7:shp_label=x")  # the SDK's sort()
    for signed in (insensitive, bytewise):
        assert result_signature_valid(HashAlgorithm.SHA1, {**params, "SignatureValue": signed}, "pw2")


@pytest.mark.parametrize("missing", ["OutSum", "InvId", "SignatureValue"])
def test_a_notification_missing_a_signed_field_is_not_valid(missing):
    params = {"OutSum": "5.12", "InvId": "5", "SignatureValue": "5e000357e91de9ac78f9df163eceefa8"}
    assert not result_signature_valid(HashAlgorithm.MD5, {k: v for k, v in params.items() if k != missing},
                                      "securepass2")
    assert not result_signature_valid(HashAlgorithm.MD5, {**params, missing: ""}, "securepass2")


def test_a_non_hex_or_non_ascii_signature_is_refused_not_an_error():
    params = {"OutSum": "5.12", "InvId": "5"}
    for forged in ("zzz", "Ы" * 32, "5e000357e91de9ac78f9df163eceefa"):
        assert not result_signature_valid(HashAlgorithm.MD5, {**params, "SignatureValue": forged}, "securepass2")


# RIPEMD-160: the published vectors of its designers (Dobbertin, Bosselaers, Preneel), and §1.7.
RIPEMD160_VECTORS = [
    (b"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"),
    (b"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"),
    (b"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"),
    (b"test:5.12:5:securepass1", INIT_5_12[HashAlgorithm.RIPEMD160]),
]


@pytest.mark.parametrize(("data", "expected"), RIPEMD160_VECTORS)
def test_ripemd160_fallback_matches_the_published_vectors(data, expected):
    assert ripemd160_pycryptodome(data) == expected
    assert signature.ripemd160(data) == expected


def test_hashlib_ripemd160_is_used_where_openssl_has_it(monkeypatch):
    try:
        assert ripemd160_hashlib(b"abc") == RIPEMD160_VECTORS[1][1]
    except ValueError:  # this OpenSSL has no RIPEMD-160: the fallback is the one in use
        assert signature.ripemd160 is ripemd160_pycryptodome
    else:
        assert signature.ripemd160 is ripemd160_hashlib

    def no_ripemd(name, *args):
        raise ValueError(f"unsupported hash type {name}")

    monkeypatch.setattr(signature.hashlib, "new", no_ripemd)
    assert signature._ripemd160_implementation() is ripemd160_pycryptodome

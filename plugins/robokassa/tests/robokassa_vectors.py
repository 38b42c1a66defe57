"""Test vectors of shared/research/protocols-ru.md §1.7, shared by the plugin's tests."""

from saldo_robokassa.config import HashAlgorithm

# §1.7 (a): published by kmike/django-robokassa (old ``shp`` prefix), MD5 upper case.
DJANGO_ROBOKASSA = [
    ("test_login:100.0:58:test_password:shpparam1=None:shpparam2=None", "0EC23BE40003640B35EC07F6615FFB57"),
    ("100:58:test_password2:shpparam1=Vasia:shpparam2=None", "B2111A06F6B7A1E090D38367BF7032D9"),
    ("100:58:test_password2:shpparam1=None:shpparam2=None", "877D3BAF8381F70E56638C3BC82580C5"),
]

# §1.7 (b): the official code example (login test, password #1 securepass1, OutSum 5.12, InvId 5).
INIT_5_12 = {
    HashAlgorithm.MD5: "d33ad746fefb057705993fc6662c5beb",
    HashAlgorithm.SHA256: "aa262afe1f949ab1f0d362fb43ae8249aeb929c2f7c74d5df5965ca20434c691",
    HashAlgorithm.SHA1: "7de442b86d36390ca7ebc8ce86e36a63aa32d310",
    HashAlgorithm.RIPEMD160: "6b670c77ae0f5b4309994eb1c285d203abcc7efd",
    HashAlgorithm.SHA384: "24b6d8f23bb779342b5a9f6da781644103a67e4722b516efec1404c9d344a47313c6f03989f647348fb69630"
                          "ee9536bc",
    HashAlgorithm.SHA512: "8b09c5833f3027a7767a63733fb18f2428f3b81c7629b42424d9db5f116cbbf63a68b19e08e44ac094c31582"
                          "aa17481f9348f41c42187a70ac3257b5f8a8f2b5",
}

RECEIPT = {"sno": "usn_income", "items": [{
    "name": "Подписка на сервис, 1 мес.", "quantity": 1, "sum": 100, "payment_method": "full_payment",
    "payment_object": "service", "tax": "none"}]}

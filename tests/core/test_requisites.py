import pytest

from core.domain.requisites import (
    correspondent_account_problem,
    inn_problem,
    kpp_problem,
    ogrn_problem,
    settlement_account_problem,
)


@pytest.mark.parametrize("inn", ["7707083893", "7725381772", "7708305901", "7708318386", "7814695160",
                                 "7709983032", "500100732259"])
def test_real_inns_are_valid(inn):
    # Sberbank, the companies of seed 001 (client card and payment order), an individual's INN.
    assert inn_problem(inn) is None


@pytest.mark.parametrize(("inn", "message"), [
    ("7707083894", "check digit"), ("500100732258", "check digit"), ("770708389", "10 or 12"),
    ("77070838931", "10 or 12"), ("77070838AB", "10 or 12"),
])
def test_bad_inns_name_the_problem(inn, message):
    assert message in inn_problem(inn)


def test_inn_length_for_the_client_type():
    assert inn_problem("7707083893", length=12) == "must be 12 digits"


def test_kpp():
    assert kpp_problem("773601001") is None
    assert kpp_problem("7736AB001") is None
    assert kpp_problem("77360100") is not None


def test_ogrn_and_ogrnip():
    assert ogrn_problem("1027700132195") is None  # Sberbank
    assert ogrn_problem("1027700132196") == "check digit is wrong"
    assert ogrn_problem("304500116000157") is None
    assert "13 digits" in ogrn_problem("12345")


def test_bank_accounts_against_the_bik():
    assert correspondent_account_problem("30101810400000000225", "044525225") is None  # Sberbank, Moscow
    assert correspondent_account_problem("30101810200000000593", "044525593") is None  # Alfa-Bank (seed 001)
    assert correspondent_account_problem("30101810400000000226", "044525225") is not None
    # The payer's and the payee's accounts of the payment order in seed 001.
    assert settlement_account_problem("40702810200470918965", "044030832") is None
    assert settlement_account_problem("40702810502080001823", "044525593") is None
    assert correspondent_account_problem("30101810940300000832", "044030832") is None
    assert "control digit" in settlement_account_problem("40702810200470918966", "044030832")
    assert "control digit" in settlement_account_problem("40702810200470918965", "044525593")
    assert settlement_account_problem("4070281020047091896", "044030832") == "must be 20 digits"

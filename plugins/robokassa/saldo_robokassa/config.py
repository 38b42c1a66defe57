"""A tenant's Robokassa settings (from the merchant cabinet's «Технические настройки»)."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator


class HashAlgorithm(str, Enum):
    """The signature algorithm chosen in the cabinet."""

    MD5 = "md5"
    RIPEMD160 = "ripemd160"
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"


class TaxSystem(str, Enum):
    """The seller's tax system (``sno``) printed on 54-FZ receipts."""

    OSN = "osn"
    USN_INCOME = "usn_income"
    USN_INCOME_OUTCOME = "usn_income_outcome"
    ESN = "esn"
    PATENT = "patent"


class ReceiptTax(str, Enum):
    """The VAT of receipt items (``tax``): a rate, or a calculated rate (22/122…) for prepayments."""

    NONE = "none"
    VAT0 = "vat0"
    VAT10 = "vat10"
    VAT22 = "vat22"
    VAT110 = "vat110"
    VAT122 = "vat122"
    VAT5 = "vat5"
    VAT7 = "vat7"
    VAT105 = "vat105"
    VAT107 = "vat107"


class RobokassaConfig(BaseModel):
    merchant_login: str = Field(min_length=1, description="Shop identifier (MerchantLogin).")
    password1: SecretStr = Field(min_length=1, description="Password #1: signs payment links.")
    password2: SecretStr = Field(min_length=1, description="Password #2: checks ResultURL notifications.")
    hash_algorithm: HashAlgorithm = Field(
        default=HashAlgorithm.MD5, description="Signature algorithm, as chosen in the cabinet."
    )
    test_mode: bool = Field(default=False, description="Take test payments (IsTest=1) with the test passwords.")
    test_password1: SecretStr | None = Field(
        default=None, validate_default=True, description="Test password #1 (required in test mode)."
    )
    test_password2: SecretStr | None = Field(
        default=None, validate_default=True, description="Test password #2 (required in test mode)."
    )
    send_receipt: bool = Field(default=False, description="Send a 54-FZ receipt with each payment.")
    tax_system: TaxSystem | None = Field(
        default=None, validate_default=True, description="Tax system on receipts (required to send receipts)."
    )
    receipt_tax: ReceiptTax | None = Field(
        default=None, validate_default=True, description="VAT of receipt items (required to send receipts)."
    )

    @field_validator("test_password1", "test_password2")
    @classmethod
    def _needed_in_test_mode(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if info.data.get("test_mode") and not (value and value.get_secret_value()):
            raise ValueError("required in test mode")
        return value

    @field_validator("tax_system", "receipt_tax")
    @classmethod
    def _needed_for_receipts(cls, value: Enum | None, info: ValidationInfo) -> Enum | None:
        if info.data.get("send_receipt") and value is None:
            raise ValueError("required to send receipts")
        return value

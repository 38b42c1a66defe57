"""A tenant's settings of the export to 1C:Accounting."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field, field_validator


class FormatVersion(str, Enum):
    """EnterpriseData versions with the 2026 VAT rates (22 %); older ones have no 22 %."""

    V1_17 = "1.17"
    V1_18 = "1.18"
    V1_19 = "1.19"
    V1_20 = "1.20"
    V1_21 = "1.21"


class ExportKind(str, Enum):
    ACTS = "acts"
    INVOICES = "invoices"
    TAX_INVOICES = "tax_invoices"
    COUNTERPARTIES = "counterparties"
    PAYMENTS = "payments"


class OneCExportConfig(BaseModel):
    format_version: FormatVersion = Field(
        default=FormatVersion.V1_17,
        description="EnterpriseData version; pick one the accountant's 1C release supports.",
    )
    kinds: list[ExportKind] = Field(
        default_factory=lambda: list(ExportKind), min_length=1, description="What the export includes."
    )

    @field_validator("kinds")
    @classmethod
    def _unique(cls, value: list[ExportKind]) -> list[ExportKind]:
        if len(set(value)) != len(value):
            raise ValueError("each kind may be listed once")
        return value

"""A tenant's credit-control rules."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field, field_validator


class CreditControlConfig(BaseModel):
    reminder_days: list[int] = Field(
        default_factory=lambda: [1, 3],
        description="Days after the due date on which payment reminders are sent.",
    )
    grace_days: int = Field(
        default=5, ge=0, le=365, description="Days after the due date before an overdue client is blocked."
    )
    unblock_on_payment: bool = Field(
        default=True, description="Unblock a client as soon as its debt is paid."
    )
    late_fee_percent_per_day: Decimal = Field(
        default=Decimal("0"), ge=0, le=1, decimal_places=3,
        description="Late fee (пеня), percent of the overdue amount per day; 0 charges none.",
    )
    late_fee_cap_percent: Decimal = Field(
        default=Decimal("10"), ge=0, le=100, decimal_places=2,
        description="Late fees stop once they reach this percent of the overdue amount.",
    )

    @field_validator("reminder_days")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if any(day < 0 or day > 365 for day in value):
            raise ValueError("each day must be between 0 and 365")
        if len(set(value)) != len(value):
            raise ValueError("each day may be listed once")
        return sorted(value)

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field


class HelloConfig(BaseModel):
    percent: Decimal = Field(
        default=Decimal("10"), ge=0, le=100, decimal_places=2, description="Discount on every charge, in percent."
    )
    reason: str = Field(
        default="Hello discount", min_length=1, max_length=100, description="Shown on documents next to the discount."
    )

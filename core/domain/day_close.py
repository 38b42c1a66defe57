"""Steps plugins add to the day close (usage charges, late fees)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date

from core.domain.extension import Extension
from core.domain.money import Money
from core.domain.pricing import Charge


@dataclass(frozen=True)
class AccountDay:
    """One account on the business date being closed."""

    account_id: int
    client_id: int
    business_date: date
    balance: Money


class DayCloseStep(Extension, ABC):
    """A step of the day close, run for each account after the core's own charges.

    Steps compute and never write: what they return is priced, shown (sandbox),
    parked (confirm) or committed (auto) by the core like its own charges. Steps
    run in the order of (plugin id, code).
    """

    @abstractmethod
    async def run(self, day: AccountDay) -> list[Charge]:
        """The charges to add to the account for ``day``; an empty list when none."""

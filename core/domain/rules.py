"""Tenant business rules (бизнес-правила) that billing follows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import time

import re

PLAN_CHANGE_POLICIES = ("at_once", "next_period")
DAY_CLOSE_MODES = ("sandbox", "auto", "confirm")
INVOICE_POSTINGS = ("auto", "draft")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class RuleError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BillingRules:
    allow_duplicate_products: bool = False  # seed 001: «Продукты в списке дублироваться не должны»
    plan_change_policy: str = "at_once"  # at once with daily proration, or from the next period
    day_close_mode: str = "auto"  # seed 002: «Песочница», «Полный автомат», «С подтверждением»
    day_close_time: str = "04:00"  # tenant-local time at which yesterday is closed
    invoice_posting: str = "auto"  # the day close posts invoices, or leaves them as drafts to review (seed 004)

    def __post_init__(self) -> None:
        if not isinstance(self.allow_duplicate_products, bool):
            raise RuleError("must be true or false", "allow_duplicate_products")
        if self.plan_change_policy not in PLAN_CHANGE_POLICIES:
            raise RuleError(f"must be one of {', '.join(PLAN_CHANGE_POLICIES)}", "plan_change_policy")
        if self.day_close_mode not in DAY_CLOSE_MODES:
            raise RuleError(f"must be one of {', '.join(DAY_CLOSE_MODES)}", "day_close_mode")
        if self.invoice_posting not in INVOICE_POSTINGS:
            raise RuleError(f"must be one of {', '.join(INVOICE_POSTINGS)}", "invoice_posting")
        if not isinstance(self.day_close_time, str) or not _TIME.match(self.day_close_time):
            raise RuleError("must be a time such as 04:00", "day_close_time")

    @property
    def close_at(self) -> time:
        hours, minutes = self.day_close_time.split(":")
        return time(int(hours), int(minutes))

    @classmethod
    def from_settings(cls, settings: dict) -> "BillingRules":
        stored = settings.get("rules", {})
        return cls(**{f.name: stored[f.name] for f in fields(cls) if f.name in stored})

    def with_changes(self, changes: dict) -> "BillingRules":
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            name = sorted(unknown)[0]
            raise RuleError("is not a business rule", name)
        return BillingRules(**(asdict(self) | changes))

    def public(self) -> dict:
        return asdict(self)

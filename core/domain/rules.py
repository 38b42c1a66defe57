"""Tenant business rules (бизнес-правила) that billing follows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

PLAN_CHANGE_POLICIES = ("at_once", "next_period")


class RuleError(ValueError):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class BillingRules:
    allow_duplicate_products: bool = False  # seed 001: «Продукты в списке дублироваться не должны»
    plan_change_policy: str = "at_once"  # at once with daily proration, or from the next period

    def __post_init__(self) -> None:
        if not isinstance(self.allow_duplicate_products, bool):
            raise RuleError("must be true or false", "allow_duplicate_products")
        if self.plan_change_policy not in PLAN_CHANGE_POLICIES:
            raise RuleError(f"must be one of {', '.join(PLAN_CHANGE_POLICIES)}", "plan_change_policy")

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

"""Blocking decisions: plugins say block or unblock, with a reason; the core combines them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Iterable

from core.domain.money import Money


class BlockAction(Enum):
    BLOCK = "block"
    UNBLOCK = "unblock"


@dataclass(frozen=True)
class SubscriptionStanding:
    id: int
    blocked: bool
    suspend_override_until: date | None = None  # «не приостанавливать до»


@dataclass(frozen=True)
class ClientStanding:
    """What blocking plugins may look at: the client's balance, debt and current blocks."""

    id: int
    balance: Money
    overdue_amount: Money
    overdue_since: date | None
    blocked: bool
    auto_block_exempt: bool = False
    subscriptions: tuple[SubscriptionStanding, ...] = ()


@dataclass(frozen=True)
class BlockingDecision:
    """Block or unblock the client (``subscription_id`` None) or one of its subscriptions."""

    action: BlockAction
    reason: str
    plugin_id: str
    subscription_id: int | None = None


@dataclass(frozen=True)
class BlockingOutcome:
    subscription_id: int | None
    action: BlockAction
    reasons: tuple[str, ...]  # "plugin_id: reason", sorted


@dataclass(frozen=True)
class BlockChange:
    """A block or unblock the core applied (the argument of ``saldo_block_changed``)."""

    client_id: int
    subscription_id: int | None
    action: BlockAction
    reasons: tuple[str, ...]
    business_date: date


def combine_decisions(
    client: ClientStanding, business_date: date, decisions: Iterable[BlockingDecision]
) -> tuple[BlockingOutcome, ...]:
    """The blocks and unblocks to apply: one per target whose state changes (the client
    first, then subscriptions by id).

    Block wins: a target is blocked when any plugin says so, and unblocked only when
    plugins ask for it and none asks to block. Requests to block are ignored for a
    client with ``auto_block_exempt`` and for a subscription whose
    ``suspend_override_until`` is on or after ``business_date``. The reasons listed are
    those of the winning action.
    """
    subscriptions = {s.id: s for s in client.subscriptions}
    by_target: dict[int | None, list[BlockingDecision]] = {}
    for decision in decisions:
        target = decision.subscription_id
        if target is not None and target not in subscriptions:
            raise ValueError(f"plugin {decision.plugin_id}: client {client.id} has no subscription {target}")
        by_target.setdefault(target, []).append(decision)
    outcomes = []
    for target in sorted(by_target, key=lambda t: (t is not None, t or 0)):
        subscription = subscriptions.get(target)
        protected = client.auto_block_exempt or (
            subscription is not None
            and subscription.suspend_override_until is not None
            and subscription.suspend_override_until >= business_date
        )
        found = [d for d in by_target[target] if not (protected and d.action is BlockAction.BLOCK)]
        if not found:
            continue
        action = BlockAction.BLOCK if any(d.action is BlockAction.BLOCK for d in found) else BlockAction.UNBLOCK
        blocked = subscription.blocked if subscription is not None else client.blocked
        if blocked == (action is BlockAction.BLOCK):
            continue
        reasons = tuple(sorted(f"{d.plugin_id}: {d.reason}" for d in found if d.action is action))
        outcomes.append(BlockingOutcome(target, action, reasons))
    return tuple(outcomes)

from datetime import date

import pytest

from core.domain.blocking import (
    BlockAction,
    BlockingDecision,
    BlockingOutcome,
    ClientStanding,
    SubscriptionStanding,
    combine_decisions,
)
from core.domain.money import Money

TODAY = date(2026, 3, 10)
BLOCK, UNBLOCK = BlockAction.BLOCK, BlockAction.UNBLOCK


def client(**fields) -> ClientStanding:
    return ClientStanding(**{
        "id": 1, "balance": Money.of("-500"), "overdue_amount": Money.of("500"), "overdue_since": date(2026, 3, 1),
        "blocked": False,
        "subscriptions": (SubscriptionStanding(10, blocked=False),
                          SubscriptionStanding(11, blocked=True),
                          SubscriptionStanding(12, blocked=False, suspend_override_until=TODAY)),
        **fields,
    })


def test_block_wins_and_keeps_its_reasons():
    outcomes = combine_decisions(client(), TODAY, [
        BlockingDecision(UNBLOCK, "paid by promise", "promises"),
        BlockingDecision(BLOCK, "overdue 9 days", "credit_control"),
        BlockingDecision(BLOCK, "fraud check", "antifraud"),
    ])
    assert outcomes == (BlockingOutcome(None, BLOCK, ("antifraud: fraud check", "credit_control: overdue 9 days")),)


def test_outcomes_per_target_only_where_the_state_changes():
    outcomes = combine_decisions(client(), TODAY, [
        BlockingDecision(UNBLOCK, "paid", "credit_control", subscription_id=11),
        BlockingDecision(BLOCK, "over quota", "usage", subscription_id=10),
        BlockingDecision(UNBLOCK, "paid", "credit_control"),  # the client is not blocked: nothing to do
    ])
    assert outcomes == (BlockingOutcome(10, BLOCK, ("usage: over quota",)),
                        BlockingOutcome(11, UNBLOCK, ("credit_control: paid",)))


def test_exemptions_stop_automatic_blocking_but_not_unblocking():
    decisions = [BlockingDecision(BLOCK, "overdue", "credit_control"),
                 BlockingDecision(UNBLOCK, "paid", "credit_control", subscription_id=11)]
    assert combine_decisions(client(auto_block_exempt=True), TODAY, decisions) == \
        (BlockingOutcome(11, UNBLOCK, ("credit_control: paid",)),)


def test_suspend_override_protects_a_subscription_through_its_date():
    decision = [BlockingDecision(BLOCK, "overdue", "credit_control", subscription_id=12)]
    assert combine_decisions(client(), TODAY, decision) == ()
    assert combine_decisions(client(), date(2026, 3, 11), decision) == \
        (BlockingOutcome(12, BLOCK, ("credit_control: overdue",)),)


def test_a_decision_about_another_clients_subscription_is_an_error():
    with pytest.raises(ValueError, match="plugin usage: client 1 has no subscription 99"):
        combine_decisions(client(), TODAY, [BlockingDecision(BLOCK, "x", "usage", subscription_id=99)])

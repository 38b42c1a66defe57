from datetime import date, timedelta

from core.domain.blocking import (
    BlockAction,
    BlockChange,
    BlockingDecision,
    BlockingOutcome,
    ClientStanding,
    SubscriptionStanding,
    combine_decisions,
)
from core.domain.money import Money

DAY = date(2026, 3, 10)


def overdue(tenant, client, business_date):
    if client.overdue_since and business_date - client.overdue_since > timedelta(days=5):
        return [BlockingDecision(BlockAction.BLOCK, f"overdue since {client.overdue_since}", "overdue")]
    return []


def over_quota(tenant, client, business_date):
    return [BlockingDecision(BlockAction.BLOCK, "over quota", "quota", subscription_id=s.id)
            for s in client.subscriptions if s.id == 31]


def test_hook_saldo_blocking_decisions_are_collected_and_combined(plugin_registry, plugin, tenant_context):
    plugin("overdue", saldo_blocking_decisions=overdue)
    plugin("quota", saldo_blocking_decisions=over_quota)
    plugin("silent", saldo_blocking_decisions=lambda tenant, client, business_date: None)
    plugin("strict", saldo_blocking_decisions=lambda tenant, client, business_date: [
        BlockingDecision(BlockAction.BLOCK, "always", "strict")])
    client = ClientStanding(id=3, balance=Money.of("-700"), overdue_amount=Money.of("700"),
                            overdue_since=date(2026, 3, 1), blocked=False,
                            subscriptions=(SubscriptionStanding(30, False), SubscriptionStanding(31, False)))
    hooks = plugin_registry.for_tenant({"overdue", "quota", "silent"})
    results = hooks.hook.saldo_blocking_decisions(tenant=tenant_context(), client=client, business_date=DAY)
    assert results == [
        [BlockingDecision(BlockAction.BLOCK, "over quota", "quota", subscription_id=31)],
        [BlockingDecision(BlockAction.BLOCK, "overdue since 2026-03-01", "overdue")],
    ]
    assert combine_decisions(client, DAY, [d for result in results for d in result]) == (
        BlockingOutcome(None, BlockAction.BLOCK, ("overdue: overdue since 2026-03-01",)),
        BlockingOutcome(31, BlockAction.BLOCK, ("quota: over quota",)),
    )
    assert hooks.hook.saldo_blocking_decisions(tenant=tenant_context(), client=client,
                                               business_date=date(2026, 3, 5)) == [results[0], []]


async def test_hook_saldo_block_changed_notifies_every_listener(plugin_registry, plugin, tenant_context):
    suspended = []

    async def suspend(tenant, change):
        suspended.append((change.client_id, change.subscription_id, change.action))

    def fails(tenant, change):
        raise TimeoutError("panel did not answer")

    plugin("panel", saldo_block_changed=fails)
    plugin("servers", saldo_block_changed=suspend)
    change = BlockChange(3, 31, BlockAction.BLOCK, ("quota: over quota",), DAY)
    await plugin_registry.for_tenant({"panel", "servers"}).notify(
        "saldo_block_changed", tenant=tenant_context(), change=change)
    assert suspended == [(3, 31, BlockAction.BLOCK)]

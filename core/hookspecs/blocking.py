"""Blocking: whether a client or its subscriptions must be blocked or unblocked, and the notice that they were."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Awaitable

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.blocking import BlockChange, BlockingDecision, ClientStanding
    from core.plugins.context import TenantContext


@hookspec
def saldo_blocking_decisions(
    tenant: TenantContext, client: ClientStanding, business_date: date
) -> list[BlockingDecision] | None:
    """Return the plugin's decisions to block or unblock a client or its subscriptions.

    :param tenant: The tenant of the client, with its enabled plugins' settings.
    :param client: The client's standing: balance, overdue amount and date, current
        blocks, the ``auto_block_exempt`` flag, subscriptions with their overrides.
    :param business_date: The business date being closed; earlier than ``tenant.today``
        when the core catches up days missed while it was down.
    :returns: A list of :class:`core.domain.blocking.BlockingDecision` (action, reason,
        the plugin's id, and a subscription id or None for the whole client); an empty
        list or None when the plugin has nothing to say.

    Aggregation: all results are collected, then combined by
    :func:`core.domain.blocking.combine_decisions`: per client or subscription, block
    wins over unblock, and the reasons of the winning action are recorded. Requests to
    block a client with ``auto_block_exempt``, or a subscription whose
    ``suspend_override_until`` has not passed, are ignored.
    Raises: any exception fails this client's blocking check for the day, which is
    parked with the error as its reason; other clients are not affected.
    Awaitable: no, return the list itself.
    Called: once per client and business date, during the day close.
    """


@hookspec
def saldo_block_changed(tenant: TenantContext, change: BlockChange) -> Awaitable[Any] | None:
    """React to a client or subscription being blocked or unblocked (suspend a server, e-mail).

    :param tenant: The tenant of the client.
    :param change: What changed: client, subscription (None for the whole client), action,
        reasons and business date.
    :returns: Nothing, or an awaitable that the core awaits.

    Aggregation: all results are collected (a notification; results are ignored).
    Raises: an exception is logged with the plugin's id and never undoes the change or
    stops the other listeners.
    Awaitable: yes.
    Called: after the transaction that records the change has committed, once per change.
    """

"""Read-only views of subscriptions that the admin pages list: a client's subscriptions and
the changes scheduled for a subscription's next period. Tenant-scoped like every read: an
unknown or another tenant's client or subscription is NotFound."""

from __future__ import annotations

from core.db.queries import subscriptions as subs_q
from core.db.queries.subscriptions import SubscriptionRecord
from core.services import clients, subscriptions
from core.services.actor import Actor


async def of_client(actor: Actor, client_id: int) -> list[SubscriptionRecord]:
    """The client's subscriptions, oldest first (cancelled ones too)."""
    await clients.get(actor, client_id)
    found = [await subs_q.get(actor.tenant_id, i) for i in await subs_q.ids_of_client(actor.tenant_id, client_id)]
    return [s for s in found if s is not None]


async def scheduled(actor: Actor, subscription_id: int) -> list[dict]:
    """Plan changes waiting for the first day of the next period: ``{id, effective_on, change}``."""
    await subscriptions.get(actor, subscription_id)
    return await subs_q.scheduled(actor.tenant_id, subscription_id)

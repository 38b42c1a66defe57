"""What the client card shows of billing: the client's current accounts with their balances
(one per currency) and the client's subscriptions, with the forms that open an account and
start ordering a subscription."""

from __future__ import annotations

from core.domain.catalog_checks import CYCLES
from core.domain.roles import MANAGE_BILLING
from core.domain.subscriptions import Status
from core.services import catalog, ledger, subscriptions
from web.principal import Principal
from web.ui.accounts import may_adjust

STATUSES = tuple(s.value for s in Status)


async def client_billing(principal: Principal, client_id: int, *, section: str = "", errors: dict | None = None,
                         values: dict | None = None) -> dict:
    """The client card's billing context; ``section`` «account» shows the open-account form's
    ``errors`` and ``values`` again."""
    actor = principal.actor
    owned = await subscriptions.of_client(actor, client_id)
    names = {}
    for product_id in {s.product_id for s in owned}:
        names[product_id] = await catalog.get(actor, product_id)
    can_order = actor.can(MANAGE_BILLING)
    products = []
    if can_order:
        found, _ = await catalog.search(actor, active=True, limit=500)
        products = [(p.id, f"{p.name} ({p.code})") for p in found]
    return {
        "accounts": await ledger.accounts_of(actor, client_id), "client_subscriptions": owned,
        "subscription_products": names, "subscription_statuses": STATUSES, "cycles": CYCLES,
        "order_products": products, "can_order": can_order, "can_open_account": may_adjust(principal),
        "account_errors": (errors or {}) if section == "account" else {},
        "account_values": (values or {}) if section == "account" else {},
    }

"""Merging two clients of one tenant (WHMCS: «Объединить с другим клиентом»).

Everything that belongs to the source client moves onto the target; the source is closed
with ``merged_into`` set, and never deleted, so its history and audit trail stay readable.

What moves is a registry of steps, each an async function ``(tenant_id, source_id, target_id)``
returning how many rows it moved. The core registers contacts, notes and custom field values
(the target's value wins where both have one), subscriptions (they move to the target) and
ledger accounts: an account is *reassigned* to the target (the account's client changes) or,
where the target has one in that currency already, its balance is transferred by a pair of
entries; entries are never rewritten or moved, so nothing financial is edited. Steps run in registration order
inside the merge's one transaction; a failing step rolls the whole merge back.

Nothing is left behind silently: after the steps, every table with a foreign key to the client
(found through Piccolo's reverse references) is checked, and if any row still points at the
source the merge is refused (Conflict) and rolled back, until its owner registers a step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.db.queries import client_details as details_q
from core.db.queries import clients as clients_q
from core.db.queries import custom_fields as fields_q
from core.db.queries import portal as portal_q
from core.db.queries import subscriptions as subscriptions_q
from core.db.queries.clients import ClientRecord
from core.db.transaction import atomic
from core.domain.clients import CLOSED
from core.domain.roles import MANAGE_BILLING
from core.services import audit
from core.services.actor import Actor
from core.services.clients import get as get_client
from core.services.errors import Conflict, InvalidInput
from core.services.ledger import merge_accounts

MergeStep = Callable[[int, int, int], Awaitable[int]]

MERGE_STEPS: dict[str, MergeStep] = {}
# Tables whose rows a step may deliberately leave on the source (it vouches for them).
KEPT_ON_SOURCE: set[str] = set()


def register_merge_step(name: str, step: MergeStep, keeps: str | None = None) -> None:
    """Add what a merge moves; ``name`` labels the count in the audit event. Registering a name
    again replaces its step (so a module may be reloaded). ``keeps`` names a table whose rows
    the step leaves on the source on purpose, so the left-behind check passes over them."""
    MERGE_STEPS[name] = step
    if keeps:
        KEPT_ON_SOURCE.add(keeps)


register_merge_step("contacts", details_q.move_contacts)
register_merge_step("notes", details_q.move_notes)
register_merge_step("custom_values", fields_q.move_values)
register_merge_step("subscriptions", subscriptions_q.move_to_client)
# An account in a currency the target already has is emptied into the target's account by a
# pair of transfer entries and stays, settled, with the closed source: entries are never moved.
register_merge_step("accounts", merge_accounts, keeps="account")
# A merged client never signs in to the portal again (the target keeps its own sign-in).
register_merge_step("portal_access", portal_q.drop_merged)
# Documents were issued to the source's requisites and stay its own, like its settled accounts.
KEPT_ON_SOURCE.add("document")


def _into_problem(message: str) -> list[dict]:
    return [{"field": "into", "message": message}]


async def merge(actor: Actor, source_id: int, target_id: int) -> ClientRecord:
    """Merge client ``source_id`` into ``target_id``; returns the target.

    Refused: a client into itself (InvalidInput on ``into``), clients of different currencies,
    a source already merged, a closed target (Conflict on ``into``). Another tenant's client is
    not found. Audited as ``client.merge`` on both clients, with both ids and what moved.
    """
    actor.require(MANAGE_BILLING)
    if source_id == target_id:
        raise InvalidInput("a client cannot be merged into itself", _into_problem("is the client itself"))
    async with atomic():
        source = await get_client(actor, source_id)
        target = await get_client(actor, target_id)
        if source.merged_into is not None:
            raise Conflict(f"client {source_id} was already merged into client {source.merged_into}",
                           _into_problem("the client was already merged"))
        if target.status == CLOSED:
            raise Conflict(f"client {target_id} is closed", _into_problem("is closed"))
        if source.currency != target.currency:
            raise Conflict(f"client {source_id} is in {source.currency} and client {target_id} in "
                           f"{target.currency}; clients of different currencies cannot be merged",
                           _into_problem(f"has currency {target.currency}, the client has {source.currency}"))
        moved = {name: await step(actor.tenant_id, source_id, target_id) for name, step in MERGE_STEPS.items()}
        moved["merged_clients"] = await clients_q.repoint_merged(actor.tenant_id, source_id, target_id)
        left = await clients_q.rows_still_referencing(actor.tenant_id, source_id)
        if left := {table: count for table, count in left.items() if table not in KEPT_ON_SOURCE}:
            tables = ", ".join(f"{table} ({count})" for table, count in sorted(left.items()))
            raise Conflict(f"client {source_id} still has rows that no merge step moves: {tables}",
                           _into_problem(f"cannot move yet: {tables}"))
        closed = await clients_q.update(actor.tenant_id, source_id, {"status": CLOSED, "merged_into": target_id})
        event = {"source_id": source_id, "target_id": target_id, "moved": moved}
        before = {"source": {"status": source.status, "merged_into": None}, "source_id": source_id,
                  "target_id": target_id}
        after = event | {"source": {"status": closed.status, "merged_into": closed.merged_into}}
        await audit.record(actor, "client.merge", "client", source_id, before, after)
        await audit.record(actor, "client.merge", "client", target_id, before, after)
    return target

"""Clients (контрагенты): create, read, search and change them, with their custom field values.

The e-mail is the client's main contact and is unique per tenant, ignoring case (it is stored
lower-cased). Clients are never deleted: they are closed, or merged (``client_merge``).
"""

from __future__ import annotations

from decimal import Decimal

from core.db.integrity import is_unique_violation
from core.db.queries import clients as clients_q
from core.db.queries import sellers as sellers_q
from core.db.queries import tenants as tenants_q
from core.db.queries import users as users_q
from core.db.queries.clients import ClientRecord
from core.db.queries.custom_fields import values_of
from core.db.transaction import atomic
from core.domain.clients import CLOSED, FLAGS, TEXT_FIELDS, check_client, problem
from core.domain.money import MoneyError, amount_to_minor
from core.domain.roles import MANAGE_BILLING
from core.services import audit
from core.services import custom_fields as custom
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound

FIELDS = frozenset(TEXT_FIELDS) | frozenset(FLAGS) | {"type", "status", "block_exempt_until"}
REFERENCES = {"manager_id": "user", "group_id": "client group", "seller_id": "seller entity"}
MAX_PAGE = 500


def _invalid(problems: list[dict]) -> InvalidInput:
    return InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)


def _email_taken(email: str) -> Conflict:
    return Conflict(f"a client with e-mail {email} already exists",
                    [{"field": "email", "message": "another client has this e-mail"}])


def _credit_limit(value, problems: list[dict]) -> int:
    try:
        minor = amount_to_minor(value if isinstance(value, Decimal) else str(value))
    except MoneyError:
        problems.append(problem("credit_limit", "must be an amount with at most 2 decimal places"))
        return 0
    if minor < 0:
        problems.append(problem("credit_limit", "must not be negative"))
    return minor


async def _check_references(tenant_id: int, refs: dict, problems: list[dict]) -> None:
    """Each given manager, group or seller entity must belong to the tenant."""
    lookups = {"manager_id": users_q.get, "group_id": clients_q.get_group, "seller_id": sellers_q.get}
    for name, ref_id in refs.items():
        if ref_id is not None and await lookups[name](tenant_id, ref_id) is None:
            problems.append(problem(name, f"no such {REFERENCES[name]}"))


def _split(values: dict, problems: list[dict]) -> tuple[dict, dict]:
    """Separate the plain fields from the references, converting the credit limit."""
    plain, refs = {}, {}
    for name, value in values.items():
        if name in REFERENCES:
            refs[name] = value
        elif name == "credit_limit":
            plain["credit_limit_minor"] = _credit_limit(value, problems)
        elif name in FIELDS:
            plain[name] = value
        else:
            problems.append(problem(name, "is not a field of a client"))
    return plain, refs


async def public(client: ClientRecord) -> dict:
    """The client as the API shows it, with its custom field values by code."""
    return client.public() | {"custom_fields": await custom.values_by_code(client.tenant_id, client.id)}


async def get(actor: Actor, client_id: int) -> ClientRecord:
    client = await clients_q.get(actor.tenant_id, client_id)
    if client is None:
        raise NotFound("client", client_id)
    return client


async def search(actor: Actor, *, status: str | None = None, client_type: str | None = None,
                 group_id: int | None = None, manager_id: int | None = None, seller_id: int | None = None,
                 search: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[ClientRecord], int]:
    """A page of clients ordered by name, and how many match in all."""
    return await clients_q.search(actor.tenant_id, status=status, client_type=client_type, group_id=group_id,
                                  manager_id=manager_id, seller_id=seller_id, search=search,
                                  limit=min(max(limit, 1), MAX_PAGE), offset=max(offset, 0))


async def create(actor: Actor, *, custom_fields: dict | None = None, **values) -> ClientRecord:
    """Create a client. ``values`` are the client's fields (see ``core.domain.clients``), the
    ``credit_limit`` as a decimal amount, and ``manager_id``, ``group_id``, ``seller_id``; the
    currency and language default to the tenant's. Every problem is reported at once, each
    naming its field; a taken e-mail is a Conflict on ``email``."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    plain, refs = _split(values, problems)
    tenant = await tenants_q.by_id(actor.tenant_id)
    defaults = {"currency": tenant.currency, "language": tenant.language}
    clean, found = check_client(defaults | {k: v for k, v in plain.items() if v is not None})
    problems += found
    async with atomic():
        await _check_references(actor.tenant_id, refs, problems)
        value_changes, found = await custom.prepare_values(actor.tenant_id, custom_fields, {}, creating=True)
        problems += found
        if problems:
            raise _invalid(problems)
        if await clients_q.by_email(actor.tenant_id, clean["email"]):
            raise _email_taken(clean["email"])
        try:
            client = await clients_q.insert(actor.tenant_id, clean | refs)
        except Exception as exc:
            if is_unique_violation(exc):
                raise _email_taken(clean["email"]) from exc
            raise
        await custom.apply_values(actor.tenant_id, client.id, value_changes)
        await audit.record(actor, "client.create", "client", client.id, None, await public(client))
    return client


async def update(actor: Actor, client_id: int, *, custom_fields: dict | None = None, **changes) -> ClientRecord:
    """Change a client: only the given fields change, and the result is checked whole (changing
    the type to ``individual`` while a КПП is set is an error on ``kpp``). A ``None`` clears a
    field or a reference. A merged client stays closed."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    plain, refs = _split(changes, problems)
    async with atomic():
        before = await get(actor, client_id)
        if before.merged_into is not None and plain.get("status", CLOSED) != CLOSED:
            raise Conflict(f"client {client_id} was merged into client {before.merged_into} and stays closed",
                           [{"field": "status", "message": "merged clients stay closed"}])
        clean, found = check_client(before.state() | plain)
        problems += found
        await _check_references(actor.tenant_id, refs, problems)
        existing = await values_of(actor.tenant_id, client_id)
        value_changes, found = await custom.prepare_values(actor.tenant_id, custom_fields, existing,
                                                           creating=False)
        problems += found
        if problems:
            raise _invalid(problems)
        values = {k: v for k, v in clean.items() if k in plain or k in ("display_name", "search_text")}
        values = {k: v for k, v in values.items() if getattr(before, k, None) != v} | refs
        if "email" in values and await clients_q.by_email(actor.tenant_id, values["email"]):
            raise _email_taken(values["email"])
        audit_before = await public(before)
        try:
            after = await clients_q.update(actor.tenant_id, client_id, values) if values else before
        except Exception as exc:
            if is_unique_violation(exc):
                raise _email_taken(values["email"]) from exc
            raise
        await custom.apply_values(actor.tenant_id, client_id, value_changes)
        await audit.record(actor, "client.update", "client", client_id, audit_before, await public(after))
    return after

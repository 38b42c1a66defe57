"""Seller entities: the legal entities through which a tenant sells. One is the tenant's default;
a client sells through its own seller entity or, when it names none, through the default."""

from __future__ import annotations

from core.db.queries import sellers as sellers_q
from core.db.queries.clients import ClientRecord
from core.db.queries.sellers import SellerRecord
from core.db.transaction import atomic
from core.domain.roles import MANAGE_TENANT
from core.domain.sellers import TEXT_FIELDS, check_seller
from core.services import audit
from core.services.actor import Actor
from core.services.errors import InvalidInput, NotFound

FIELDS = frozenset(TEXT_FIELDS) | {"vat_status", "tax_document"}


def _invalid(problems: list[dict]) -> InvalidInput:
    return InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)


def _unknown(values: dict) -> None:
    if unknown := sorted(set(values) - FIELDS):
        raise _invalid([{"field": name, "message": "is not a field of a seller entity"} for name in unknown])


async def list_sellers(actor: Actor) -> list[SellerRecord]:
    return await sellers_q.list_for(actor.tenant_id)


async def get(actor: Actor, seller_id: int) -> SellerRecord:
    seller = await sellers_q.get(actor.tenant_id, seller_id)
    if seller is None:
        raise NotFound("seller entity", seller_id)
    return seller


async def default_seller(tenant_id: int) -> SellerRecord | None:
    return await sellers_q.default_for(tenant_id)


async def seller_for_client(client: ClientRecord) -> SellerRecord | None:
    """The entity that sells to ``client``: its own, else the tenant's default (None if the tenant
    has no seller entity yet)."""
    if client.seller_id is not None:
        return await sellers_q.get(client.tenant_id, client.seller_id)
    return await sellers_q.default_for(client.tenant_id)


async def create(actor: Actor, *, is_default: bool = False, **values) -> SellerRecord:
    """Add a seller entity. The tenant's first entity becomes its default; ``is_default`` moves the
    default to the new one."""
    actor.require(MANAGE_TENANT)
    _unknown(values)
    clean, problems = check_seller(values)
    if problems:
        raise _invalid(problems)
    async with atomic():
        current = await sellers_q.default_for(actor.tenant_id)
        make_default = is_default or current is None
        if make_default and current is not None:
            await sellers_q.clear_default(actor.tenant_id)
        seller = await sellers_q.insert(actor.tenant_id, clean | {"is_default": make_default})
        await audit.record(actor, "seller.create", "seller_entity", seller.id, None, seller.public())
        if make_default and current is not None:
            await audit.record(actor, "seller.default", "seller_entity", current.id, {"is_default": True},
                               {"is_default": False})
    return seller


async def update(actor: Actor, seller_id: int, *, is_default: bool | None = None, **changes) -> SellerRecord:
    """Change a seller entity. ``is_default=True`` makes it the default (the former default loses
    the mark); the default cannot be unmarked directly, only replaced. Documents already posted
    keep the requisites frozen into them."""
    actor.require(MANAGE_TENANT)
    _unknown(changes)
    async with atomic():
        before = await get(actor, seller_id)
        clean, problems = check_seller(before.state() | changes)
        if is_default is False and before.is_default:
            problems.append({"field": "is_default", "message": "make another entity the default instead"})
        if problems:
            raise _invalid(problems)
        values = {k: v for k, v in clean.items() if getattr(before, k) != v}
        if is_default and not before.is_default:
            former = await sellers_q.default_for(actor.tenant_id)
            await sellers_q.clear_default(actor.tenant_id)
            values["is_default"] = True
            if former is not None:
                await audit.record(actor, "seller.default", "seller_entity", former.id, {"is_default": True},
                                   {"is_default": False})
        after = await sellers_q.update(actor.tenant_id, seller_id, values) if values else before
        await audit.record(actor, "seller.update", "seller_entity", seller_id, before.public(), after.public())
    return after

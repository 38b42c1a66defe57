"""Discounts and promo codes: managed per tenant, applied by the core when it prices a line."""

from __future__ import annotations

from datetime import date

from core.db.integrity import is_unique_violation
from core.db.queries import catalog as catalog_q
from core.db.queries import clients as clients_q
from core.db.queries import discounts as discounts_q
from core.db.queries.discounts import DiscountRecord
from core.db.transaction import atomic
from core.domain.discounts import Discount, DiscountError, DiscountKind
from core.domain.money import MoneyError, exact
from core.domain.roles import MANAGE_BILLING
from core.services import audit
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound

FIELDS = ("kind", "value", "description", "client_id", "product_id", "valid_from", "valid_to", "promo_code",
          "max_uses", "is_active")


async def get(actor: Actor, discount_id: int) -> DiscountRecord:
    found = await discounts_q.get(actor.tenant_id, discount_id)
    if found is None:
        raise NotFound("discount", discount_id)
    return found


async def list_discounts(actor: Actor, client_id: int | None = None) -> list[DiscountRecord]:
    return await discounts_q.list_for(actor.tenant_id, client_id=client_id)


async def _checked(actor: Actor, values: dict) -> dict:
    problems = []
    try:
        values["kind"] = DiscountKind(values["kind"])
    except ValueError:
        problems.append({"field": "kind", "message": "must be percent or fixed"})
    try:
        values["value"] = exact(values["value"], 4, "value")
    except MoneyError as exc:
        problems.append({"field": "value", "message": str(exc)})
    if values.get("promo_code"):
        values["promo_code"] = values["promo_code"].strip().upper()
    else:
        values["promo_code"] = None
    if not str(values.get("description") or "").strip():
        problems.append({"field": "description", "message": "must not be empty"})
    if values.get("client_id") is not None and await clients_q.get(actor.tenant_id, values["client_id"]) is None:
        problems.append({"field": "client_id", "message": f"client {values['client_id']} not found"})
    if values.get("product_id") is not None and await catalog_q.get_product(actor.tenant_id,
                                                                            values["product_id"]) is None:
        problems.append({"field": "product_id", "message": f"product {values['product_id']} not found"})
    if values.get("max_uses") is not None and values["max_uses"] < 1:
        problems.append({"field": "max_uses", "message": "must be at least 1"})
    if not problems:
        try:
            Discount(id=0, **{k: values.get(k) for k in ("kind", "value", "description", "client_id", "product_id",
                                                          "valid_from", "valid_to", "promo_code")})
        except DiscountError as exc:
            problems.append({"field": exc.field, "message": str(exc)})
    if problems:
        raise InvalidInput(problems[0]["message"], problems)
    return values


async def create(actor: Actor, **values) -> DiscountRecord:
    actor.require(MANAGE_BILLING)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], "is not a field of a discount")
    values = await _checked(actor, {"is_active": True} | values)
    try:
        async with atomic():
            created = await discounts_q.insert(actor.tenant_id, values)
            await audit.record(actor, "discount.create", "discount", created.discount.id, None, created.public())
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(f"promo code {values['promo_code']} is taken",
                           [{"field": "promo_code", "message": "is taken"}]) from None
        raise
    return created


async def update(actor: Actor, discount_id: int, **changes) -> DiscountRecord:
    """Change a discount's terms; lines already posted keep the discount they were priced with."""
    actor.require(MANAGE_BILLING)
    before = await get(actor, discount_id)
    current = before.public() | {"kind": before.discount.kind.value, "value": before.discount.value,
                                 "valid_from": before.discount.valid_from, "valid_to": before.discount.valid_to}
    merged = await _checked(actor, {k: current[k] for k in FIELDS} | changes)
    try:
        async with atomic():
            after = await discounts_q.update(actor.tenant_id, discount_id, merged)
            await audit.record(actor, "discount.update", "discount", discount_id, before.public(), after.public())
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(f"promo code {merged['promo_code']} is taken",
                           [{"field": "promo_code", "message": "is taken"}]) from None
        raise
    return after


async def check_promo_code(tenant_id: int, code: str, product_id: int, on: date) -> str:
    """The normalised code if it may be used for the product on the date, else a field error."""
    normalised = code.strip().upper()
    found = await discounts_q.by_promo_code(tenant_id, normalised)
    problem = None
    if found is None or not found.is_active:
        problem = "no such promo code"
    elif found.discount.product_id not in (None, product_id):
        problem = "the promo code is for another product"
    elif (found.discount.valid_from and on < found.discount.valid_from) or (
            found.discount.valid_to and on > found.discount.valid_to):
        problem = "the promo code is not valid on this date"
    elif found.max_uses is not None and await discounts_q.uses_of(tenant_id, normalised) >= found.max_uses:
        problem = "the promo code has been used up"
    if problem:
        raise InvalidInput.field("promo_code", problem)
    return normalised


async def applicable(tenant_id: int, client_id: int, product_id: int, on: date) -> list[Discount]:
    return await discounts_q.candidates(tenant_id, client_id, product_id, on)

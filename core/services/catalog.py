"""The catalog: product groups and products (тарифные планы), and the priced view of a product that
subscriptions use. Prices and configurable options are in ``catalog_prices`` and ``catalog_options``.

Everyone may read the catalog; changing it takes ``billing.manage``. A product's ``kind``, ``code``
and ``addon_of`` are fixed once it exists. An add-on (``addon_of`` set) is sold only together
with its base product, a product of the same tenant that is not an add-on itself, and is
co-termed with it: an add-on subscription renews, is blocked and ends with the base
subscription it belongs to (applied by the subscription code).
"""

from __future__ import annotations

from core.db.integrity import is_unique_violation
from core.db.queries import catalog as catalog_q
from core.db.queries import sellers as sellers_q
from core.db.queries.catalog import GroupRecord, OptionRecord, ProductRecord
from core.db.transaction import atomic
from core.domain.catalog import PricePoint
from core.domain.catalog_checks import MAX_NAME, VAT_OF_SELLER, check_product, problem, suggest_unit
from core.domain.roles import MANAGE_BILLING
from core.services import audit
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound

FIELDS = frozenset({"code", "name", "description", "kind", "unit", "unit_okei", "vat_rate", "vat_included",
                    "payment_model", "is_active", "group_id", "seller_id", "addon_of"})
FIXED = ("code", "kind", "addon_of")
MAX_PAGE = 500


def invalid(problems: list[dict]) -> InvalidInput:
    """Every problem at once, the first one found for each field."""
    first: dict[str, dict] = {}
    for found in problems:
        first.setdefault(found["field"], found)
    problems = list(first.values())
    return InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)


def taken(what: str, field: str, value: object) -> Conflict:
    return Conflict(f"{what} with {field} {value!r} already exists", [{"field": field, "message": "already exists"}])


# -- product groups ------------------------------------------------------------------------------

def _group_name(name: str, problems: list[dict]) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        problems.append(problem("name", "must not be empty"))
    elif len(name) > MAX_NAME:
        problems.append(problem("name", f"is longer than {MAX_NAME} characters"))
    return name


async def list_groups(actor: Actor) -> list[GroupRecord]:
    """The tenant's product groups, by position, then name."""
    return await catalog_q.list_groups(actor.tenant_id)


async def get_group(actor: Actor, group_id: int) -> GroupRecord:
    group = await catalog_q.get_group(actor.tenant_id, group_id)
    if group is None:
        raise NotFound("product group", group_id)
    return group


async def create_group(actor: Actor, *, name: str, position: int = 0) -> GroupRecord:
    """Add a product group; its name is unique in the tenant (a Conflict on ``name``)."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    name = _group_name(name, problems)
    if problems:
        raise invalid(problems)
    async with atomic():
        if await catalog_q.group_by_name(actor.tenant_id, name):
            raise taken("a product group", "name", name)
        try:
            group = await catalog_q.insert_group(actor.tenant_id, name=name, position=position)
        except Exception as exc:
            if is_unique_violation(exc):
                raise taken("a product group", "name", name) from exc
            raise
        await audit.record(actor, "product_group.create", "product_group", group.id, None, group.public())
    return group


async def update_group(actor: Actor, group_id: int, *, name: str | None = None,
                       position: int | None = None) -> GroupRecord:
    """Rename a product group or move it in the list."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    changes: dict = {} if position is None else {"position": position}
    if name is not None:
        changes["name"] = _group_name(name, problems)
    if problems:
        raise invalid(problems)
    async with atomic():
        before = await get_group(actor, group_id)
        changes = {k: v for k, v in changes.items() if getattr(before, k) != v}
        if "name" in changes and await catalog_q.group_by_name(actor.tenant_id, changes["name"]):
            raise taken("a product group", "name", changes["name"])
        try:
            after = await catalog_q.update_group(actor.tenant_id, group_id, changes) if changes else before
        except Exception as exc:
            if is_unique_violation(exc):
                raise taken("a product group", "name", changes["name"]) from exc
            raise
        await audit.record(actor, "product_group.update", "product_group", group_id, before.public(), after.public())
    return after


# -- products ------------------------------------------------------------------------------------

async def get(actor: Actor, product_id: int) -> ProductRecord:
    product = await catalog_q.get_product(actor.tenant_id, product_id)
    if product is None:
        raise NotFound("product", product_id)
    return product


async def search(actor: Actor, *, group_id: int | None = None, kind: str | None = None, active: bool | None = None,
                 addon_of: int | None = None, search: str | None = None, limit: int = 50,
                 offset: int = 0) -> tuple[list[ProductRecord], int]:
    """A page of products by name, and how many match in all."""
    return await catalog_q.search_products(actor.tenant_id, group_id=group_id, kind=kind, active=active,
                                           addon_of=addon_of, search=search, limit=min(max(limit, 1), MAX_PAGE),
                                           offset=max(offset, 0))


async def _check_references(tenant_id: int, refs: dict, problems: list[dict]) -> None:
    """The group, seller entity and base product must be the tenant's; a base is not an add-on."""
    if refs.get("group_id") is not None and await catalog_q.get_group(tenant_id, refs["group_id"]) is None:
        problems.append(problem("group_id", "no such product group"))
    if refs.get("seller_id") is not None and await sellers_q.get(tenant_id, refs["seller_id"]) is None:
        problems.append(problem("seller_id", "no such seller entity"))
    if refs.get("addon_of") is not None:
        base = await catalog_q.get_product(tenant_id, refs["addon_of"])
        if base is None:
            problems.append(problem("addon_of", "no such product"))
        elif base.addon_of is not None:
            problems.append(problem("addon_of", f"product {base.code} is itself an add-on; an add-on belongs to a "
                                                "base product"))


def _split(values: dict, problems: list[dict]) -> tuple[dict, dict]:
    plain, refs = {}, {}
    for name, value in values.items():
        if name not in FIELDS:
            problems.append(problem(name, "is not a field of a product"))
        elif name in ("group_id", "seller_id", "addon_of"):
            refs[name] = value
        else:
            plain[name] = value
    return plain, refs


def _units(plain: dict, problems: list[dict], creating: bool) -> None:
    """Complete the unit of measure from the ОКЕИ table when only its name or code is given."""
    if creating or "unit" in plain or "unit_okei" in plain:
        unit, okei, found = suggest_unit(plain.get("unit"), plain.get("unit_okei"))
        problems += found
        plain.update({k: v for k, v in (("unit", unit), ("unit_okei", okei)) if v is not None})


async def create(actor: Actor, **values) -> ProductRecord:
    """Create a product. ``values``: ``code`` (unique in the tenant), ``name``, ``kind``, and
    optionally ``description``, ``unit`` and ``unit_okei`` (either one completes the other
    from the ОКЕИ table; шт / 796 when neither is given), ``vat_rate`` (by default that of
    the seller entity: the product's own, else the tenant's default; ``none`` without one),
    ``vat_included``, ``payment_model``, ``is_active``, ``group_id``, ``seller_id`` (None:
    the client's seller) and ``addon_of``. Every problem is reported at once; a taken code
    is a Conflict on ``code``."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    plain, refs = _split(values, problems)
    plain = {k: v for k, v in plain.items() if v is not None}
    _units(plain, problems, creating=True)
    async with atomic():
        await _check_references(actor.tenant_id, refs, problems)
        if "vat_rate" not in plain:
            seller = (await sellers_q.get(actor.tenant_id, refs["seller_id"]) if refs.get("seller_id") is not None
                      else await sellers_q.default_for(actor.tenant_id))
            plain["vat_rate"] = VAT_OF_SELLER.get(seller.vat_status, "none") if seller else "none"
        clean, found = check_product(plain)
        problems += found
        if problems:
            raise invalid(problems)
        if await catalog_q.product_by_code(actor.tenant_id, clean["code"]):
            raise taken("a product", "code", clean["code"])
        try:
            product = await catalog_q.insert_product(actor.tenant_id, clean | refs)
        except Exception as exc:
            if is_unique_violation(exc):
                raise taken("a product", "code", clean["code"]) from exc
            raise
        await audit.record(actor, "product.create", "product", product.id, None, product.public())
    return product


async def update(actor: Actor, product_id: int, **changes) -> ProductRecord:
    """Change a product: only the given fields change, and the result is checked whole. A
    ``None`` clears the group or the seller entity. ``code``, ``kind`` and ``addon_of`` are
    fixed: subscriptions and documents refer to them."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    plain, refs = _split(changes, problems)
    if plain.get("description", "") is None:
        plain["description"] = ""
    problems += [problem(name, "cannot be null") for name, value in plain.items() if value is None]
    plain = {k: v for k, v in plain.items() if v is not None}
    _units(plain, problems, creating=False)
    async with atomic():
        before = await get(actor, product_id)
        for name in FIXED:
            if name in changes and changes[name] != getattr(before, name):
                problems.append(problem(name, "cannot be changed once the product exists"))
        refs.pop("addon_of", None)
        await _check_references(actor.tenant_id, refs, problems)
        clean, found = check_product(before.state() | plain)
        problems += found
        if problems:
            raise invalid(problems)
        values = {k: v for k, v in (clean | refs).items() if getattr(before, k) != v}
        after = await catalog_q.update_product(actor.tenant_id, product_id, values) if values else before
        await audit.record(actor, "product.update", "product", product_id, before.public(), after.public())
    return after


async def product_pricing(tenant_id: int, product_id: int) -> tuple[
        ProductRecord, list[PricePoint], dict[str, tuple[OptionRecord, list[PricePoint]]]]:
    """The catalog view of a product for billing: the product, its price history as price
    points (every cycle, by date), and its configurable options by code, each with its own
    price points. Pass the points to ``core.domain.catalog.price_on`` / ``price_segments``.
    Raises NotFound for a product that is not the tenant's."""
    product = await catalog_q.get_product(tenant_id, product_id)
    if product is None:
        raise NotFound("product", product_id)
    points = [p.point() for p in await catalog_q.product_prices.of(tenant_id, [product_id])]
    options = await catalog_q.options_of(tenant_id, product_id)
    by_option: dict[int, list[PricePoint]] = {o.id: [] for o in options}
    for price in await catalog_q.option_prices.of(tenant_id, [o.id for o in options]):
        by_option[price.owner_id].append(price.point())
    return product, points, {o.code: (o, by_option[o.id]) for o in options}

"""Configurable options (настраиваемые опции) of a product: priced per unit and cycle, bought in a
quantity between the option's limits, e.g. the number of users or 5 GB disk packs. An option's
code is unique within its product and fixed once it exists."""

from __future__ import annotations

from core.db.integrity import is_unique_violation
from core.db.queries import catalog as catalog_q
from core.db.queries.catalog import OptionRecord
from core.db.transaction import atomic
from core.domain.catalog_checks import check_option, problem, suggest_unit
from core.domain.roles import MANAGE_BILLING
from core.services import audit
from core.services import catalog as products
from core.services.actor import Actor
from core.services.catalog import invalid, taken
from core.services.errors import NotFound

FIELDS = frozenset({"code", "name", "unit", "unit_okei", "min_quantity", "max_quantity", "position"})
NULLABLE = frozenset({"max_quantity"})


async def get(actor: Actor, option_id: int) -> OptionRecord:
    option = await catalog_q.get_option(actor.tenant_id, option_id)
    if option is None:
        raise NotFound("configurable option", option_id)
    return option


async def options_of(actor: Actor, product_id: int) -> list[OptionRecord]:
    """The product's options, by position."""
    await products.get(actor, product_id)
    return await catalog_q.options_of(actor.tenant_id, product_id)


def _prepare(values: dict, problems: list[dict], creating: bool) -> dict:
    """Refuse unknown fields and nulls, and complete the unit from the ОКЕИ table."""
    problems += [problem(name, "is not a field of a configurable option") for name in values if name not in FIELDS]
    problems += [problem(name, "cannot be null") for name, value in values.items()
                 if value is None and name in FIELDS - NULLABLE and not creating]
    plain = {k: v for k, v in values.items() if k in FIELDS and (v is not None or k in NULLABLE)}
    if creating or "unit" in plain or "unit_okei" in plain:
        unit, okei, found = suggest_unit(plain.get("unit"), plain.get("unit_okei"))
        problems += found
        plain.update({k: v for k, v in (("unit", unit), ("unit_okei", okei)) if v is not None})
    return plain


async def create(actor: Actor, product_id: int, **values) -> OptionRecord:
    """Add an option to a product: ``code`` (unique in the product), ``name``, and optionally
    ``unit`` / ``unit_okei`` (completed from the ОКЕИ table as for a product),
    ``min_quantity`` (0 by default), ``max_quantity`` (None: no limit) and ``position``."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    plain = _prepare(values, problems, creating=True)
    clean, found = check_option(plain)
    problems += found
    async with atomic():
        product = await products.get(actor, product_id)
        if problems:
            raise invalid(problems)
        if await catalog_q.option_by_code(actor.tenant_id, product.id, clean["code"]):
            raise taken("an option of this product", "code", clean["code"])
        try:
            option = await catalog_q.insert_option(actor.tenant_id, product.id, clean)
        except Exception as exc:
            if is_unique_violation(exc):
                raise taken("an option of this product", "code", clean["code"]) from exc
            raise
        await audit.record(actor, "option.create", "configurable_option", option.id, None, option.public())
    return option


async def update(actor: Actor, option_id: int, **changes) -> OptionRecord:
    """Change an option's name, unit, limits or position; the code is fixed. The result is checked
    whole (a new minimum above the current maximum is an error on ``max_quantity``)."""
    actor.require(MANAGE_BILLING)
    problems: list[dict] = []
    plain = _prepare(changes, problems, creating=False)
    async with atomic():
        before = await get(actor, option_id)
        if plain.get("code", before.code) != before.code:
            problems.append(problem("code", "cannot be changed once the option exists"))
        clean, found = check_option(before.state() | plain)
        problems += found
        if problems:
            raise invalid(problems)
        values = {k: v for k, v in clean.items() if getattr(before, k) != v}
        after = await catalog_q.update_option(actor.tenant_id, option_id, values) if values else before
        await audit.record(actor, "option.update", "configurable_option", option_id, before.public(),
                           after.public())
    return after

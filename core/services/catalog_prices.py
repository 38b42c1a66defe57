"""Prices of products and of their configurable options, per billing cycle.

A price is never edited or deleted: a change is a new row with the date it takes effect and how
(``prorate_now``: at once, splitting the current period; ``next_period``: from the first period
starting on or after that date). The mode must be chosen explicitly for every price of a cycle
that already has one. One price per (product or option, cycle, date): a second is a Conflict.
A price dated in the past is allowed (setting up a catalog, imports); charges already posted
stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.db.integrity import is_unique_violation
from core.db.queries import catalog as catalog_q
from core.db.queries.catalog import PriceRecord
from core.db.transaction import atomic
from core.domain.catalog import price_on, price_segments
from core.domain.catalog_checks import CYCLES, check_price, problem
from core.domain.periods import BillingCycle, Period, PeriodError, period_starting
from core.domain.roles import MANAGE_BILLING
from core.services import audit, tenants
from core.services import catalog as products
from core.services import catalog_options as options
from core.services.actor import Actor
from core.services.catalog import invalid
from core.services.errors import Conflict, NotFound, ServiceError


class NoPrice(NotFound):
    """No price of the asked cycle is in effect on the asked day."""

    def __init__(self, message: str) -> None:
        ServiceError.__init__(self, message)


@dataclass(frozen=True)
class PriceInEffect:
    """The price in effect on a day and, for a period starting on ``period_start``, its parts."""

    on: date
    price: PriceRecord
    period: Period | None = None
    segments: tuple[tuple[Period, PriceRecord], ...] = ()

    def public(self) -> dict:
        return {
            "on": self.on.isoformat(), "price": self.price.public(),
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
            if self.period else None,
            "segments": [{"start": part.start.isoformat(), "end": part.end.isoformat(),
                          "unit_price": str(price.unit_price), "price_id": price.id,
                          "apply_mode": price.apply_mode.value}
                         for part, price in self.segments],
        }


async def _add(actor: Actor, prices: catalog_q.PriceTable, owner_id: int, kind: str, what: str,
               values: dict) -> PriceRecord:
    problems: list[dict] = []
    effective_from = values.get("effective_from") or await tenants.today(actor.tenant_id)
    try:
        cycle = BillingCycle(values.get("cycle"))
    except ValueError:
        cycle = None
    has_price = cycle is not None and await prices.exists(actor.tenant_id, owner_id, cycle)
    clean, found = check_price(kind, values, cycle_has_price=has_price, with_setup_fee=prices.has_fee)
    problems += found
    if not isinstance(effective_from, date):
        problems.append(problem("effective_from", "must be a date"))
    if problems:
        raise invalid(problems)
    duplicate = Conflict(f"{what} already has a {cycle.value} price from {effective_from.isoformat()}; prices are "
                         "never edited: date the new price differently",
                         [{"field": "effective_from", "message": "a price of this cycle from this date exists"}])
    if await prices.exists(actor.tenant_id, owner_id, cycle, effective_from):
        raise duplicate
    try:
        return await prices.insert(actor.tenant_id, owner_id, cycle=cycle, unit_price=clean["unit_price"],
                                   setup_fee=clean["setup_fee"], effective_from=effective_from,
                                   apply_mode=clean["apply_mode"])
    except Exception as exc:
        if is_unique_violation(exc):
            raise duplicate from exc
        raise


async def add_product_price(actor: Actor, product_id: int, **values) -> PriceRecord:
    """Add a price: ``cycle`` (one the product's kind is sold by), ``unit_price`` (a decimal with
    up to 4 places), ``setup_fee`` (up to 2), ``effective_from`` (the tenant's business date
    by default) and ``apply_mode`` (required when the cycle already has a price)."""
    actor.require(MANAGE_BILLING)
    async with atomic():
        product = await catalog_q.get_product(actor.tenant_id, product_id, lock=True)
        if product is None:
            raise NotFound("product", product_id)
        price = await _add(actor, catalog_q.product_prices, product.id, product.kind, f"product {product.code}",
                           values)
        await audit.record(actor, "product.price", "product", product.id, None, price.public())
    return price


async def add_option_price(actor: Actor, option_id: int, **values) -> PriceRecord:
    """Add a price of one unit of an option, under the same rules as a product's price (no setup fee)."""
    actor.require(MANAGE_BILLING)
    async with atomic():
        option = await catalog_q.get_option(actor.tenant_id, option_id, lock=True)
        if option is None:
            raise NotFound("configurable option", option_id)
        product = await catalog_q.get_product(actor.tenant_id, option.product_id)
        price = await _add(actor, catalog_q.option_prices, option.id, product.kind, f"option {option.code}", values)
        public = price.public()
        del public["setup_fee"]
        await audit.record(actor, "option.price", "configurable_option", option.id, None, public)
    return price


async def product_prices(actor: Actor, product_id: int) -> list[PriceRecord]:
    """The product's price history, by cycle and date."""
    product = await products.get(actor, product_id)
    return await catalog_q.product_prices.of(actor.tenant_id, [product.id])


async def option_prices(actor: Actor, option_id: int) -> list[PriceRecord]:
    option = await options.get(actor, option_id)
    return await catalog_q.option_prices.of(actor.tenant_id, [option.id])


def _in_effect(history: list[PriceRecord], what: str, cycle: str, on: date,
               period_start: date | None) -> PriceInEffect:
    try:
        cycle = BillingCycle(cycle)
    except ValueError:
        raise invalid([problem("cycle", f"must be one of {', '.join(CYCLES)}")]) from None
    by_point = {p.point(): p for p in history}
    found = price_on(list(by_point), cycle, on)
    if found is None:
        raise NoPrice(f"{what} has no {cycle.value} price in effect on {on.isoformat()}")
    if period_start is None:
        return PriceInEffect(on, by_point[found])
    try:
        period = period_starting(period_start, cycle, period_start.day)
    except PeriodError as exc:
        raise invalid([problem("period_start", str(exc))]) from None
    if price_on(list(by_point), cycle, period.start) is None:
        raise NoPrice(f"{what} has no {cycle.value} price in effect on {period.start.isoformat()}, "
                      "when the period starts")
    segments = tuple((part, by_point[point]) for part, point in price_segments(list(by_point), cycle, period))
    return PriceInEffect(on, by_point[found], period, segments)


async def product_price_on(actor: Actor, product_id: int, cycle: str, on: date | None = None,
                           period_start: date | None = None) -> PriceInEffect:
    """The product's ``cycle`` price in effect on ``on`` (the business date by default): the latest
    one dated on or before it, whatever its mode. With ``period_start``, also the parts of the
    full period starting that day and the price of each (a ``prorate_now`` change inside the
    period splits it; a ``next_period`` one waits). NotFound when no price is in effect."""
    product = await products.get(actor, product_id)
    history = await catalog_q.product_prices.of(actor.tenant_id, [product.id])
    return _in_effect(history, f"product {product.code}", cycle, on or await tenants.today(actor.tenant_id), period_start)


async def option_price_on(actor: Actor, option_id: int, cycle: str, on: date | None = None,
                          period_start: date | None = None) -> PriceInEffect:
    """The option's price in effect, as ``product_price_on``."""
    option = await options.get(actor, option_id)
    history = await catalog_q.option_prices.of(actor.tenant_id, [option.id])
    return _in_effect(history, f"option {option.code}", cycle, on or await tenants.today(actor.tenant_id), period_start)

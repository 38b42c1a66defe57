"""Pricing: the base amount of a charge line, and explicit adjustments to it.

The core prices a line as ``price_charge(charge, base, adjustments)`` from
:mod:`core.domain.pricing`: the base from :func:`saldo_price_base`, every adjustment
from :func:`saldo_price_adjustments`, composed in the order (plugin id, reason),
then VAT at the line, rounded half-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.money import Money
    from core.domain.pricing import Charge, PriceAdjustment
    from core.plugins.context import TenantContext


@hookspec(firstresult=True)
def saldo_price_base(tenant: TenantContext, charge: Charge) -> Money | None:
    """Return the base amount of a charge line, before adjustments and VAT.

    :param tenant: The tenant being billed, with its enabled plugins' settings.
    :param charge: The line: unit price, quantity, period fraction, currency, VAT rate.
    :returns: The base amount in the charge's currency, or None to leave the decision to
        other plugins.

    Aggregation: first non-None result wins. The built-in ``default_pricing`` plugin
    (``trylast``, always on) returns unit price × quantity × period fraction, rounded
    half-up to the kopeck, so any other plugin that answers overrides it.
    Raises: :class:`core.domain.pricing.PricingError` when the line cannot be priced;
    the core then fails that account's operation with the error as its reason.
    Awaitable: no, return the value itself.
    Called: for every charge line the core prices (day close, plan changes, quotes).
    """


@hookspec
def saldo_price_adjustments(tenant: TenantContext, charge: Charge, base: Money) -> list[PriceAdjustment] | None:
    """Return explicit adjustments to a charge line: discounts (negative), surcharges (positive).

    :param tenant: The tenant being billed, with its enabled plugins' settings.
    :param charge: The line being priced.
    :param base: The line's base amount (the result of ``saldo_price_base``).
    :returns: A list of :class:`core.domain.pricing.PriceAdjustment`, each with its
        amount rounded to the kopeck, a reason shown on the document, and the
        plugin's own id; an empty list or None for no adjustment.

    Aggregation: all results are collected. Adjustments never see each other: each is
    computed from ``base``, and the core sums them in the order (plugin id, reason).
    A line that adjustments take below zero is an error.
    Raises: :class:`core.domain.pricing.PricingError` when the line cannot be priced.
    Awaitable: no, return the value itself.
    Called: for every charge line the core prices, after ``saldo_price_base``.
    """

"""Day close: the steps a plugin adds to the daily batch run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.day_close import DayCloseStep


@hookspec
def saldo_day_close_steps() -> list[type[DayCloseStep]] | None:
    """Return the day-close step classes the plugin adds (usage charges, late fees).

    :returns: A list of :class:`core.domain.day_close.DayCloseStep` subclasses, each
        with ``plugin_id``, a stable ``code`` unique among steps, and a ``name``.

    Aggregation: all results are collected. The core instantiates each class per tenant
    as ``cls(tenant, config)`` with that tenant's settings of ``plugin_id``, and for each
    account runs the steps' async ``run(day)`` in the order (plugin id, code) after its
    own charges. Steps return charges and write nothing: the core prices them and shows
    (sandbox), parks (confirm) or commits (auto) them with the rest of the account's day.
    Raises: nothing here; an exception from ``run`` fails that account's day, which is
    parked with the error as its reason while other accounts go on.
    Awaitable: no, return the list itself.
    Called: once per tenant and business date, when the day close starts.
    """

"""Export and import: the exporters (1C…) and importers (WHMCS, CSV…) a plugin offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.exchange import Exporter, Importer


@hookspec
def saldo_exporters() -> list[type[Exporter]] | None:
    """Return the exporter classes the plugin offers.

    :returns: A list of :class:`core.domain.exchange.Exporter` subclasses, each with
        ``plugin_id``, a stable ``code`` unique among exporters, and a ``name``.

    Aggregation: all results are collected. The core instantiates each class per tenant
    as ``cls(tenant, config)`` with that tenant's settings of ``plugin_id``; its async
    ``export(request)`` receives the period and streams of posted documents and applied
    payments, and returns one file (name, media type, bytes).
    Raises: nothing; a duplicate ``code`` is refused when the exporters are instantiated.
    Awaitable: no, return the list itself.
    Called: when the core lists a tenant's exports and when it runs one.
    """


@hookspec
def saldo_importers() -> list[type[Importer]] | None:
    """Return the importer classes the plugin offers.

    :returns: A list of :class:`core.domain.exchange.Importer` subclasses, each with
        ``plugin_id``, a stable ``code`` unique among importers, and a ``name``.

    Aggregation: all results are collected. The core instantiates each class per tenant
    as ``cls(tenant, config)`` with that tenant's settings of ``plugin_id``; its async
    ``run(request)`` imports everything or nothing (or only reports, in a dry run) and
    returns a report of counts and per-record problems.
    Raises: nothing; a duplicate ``code`` is refused when the importers are instantiated.
    Awaitable: no, return the list itself.
    Called: when the core lists a tenant's imports and when it runs one.
    """

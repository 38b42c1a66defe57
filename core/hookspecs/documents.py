"""Documents: extra template context, renderers, and the notice that a document was posted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Mapping

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.documents import Document, DocumentRenderer
    from core.plugins.context import TenantContext


@hookspec
def saldo_document_context(
    tenant: TenantContext, document: Document
) -> Mapping[str, Any] | Awaitable[Mapping[str, Any]] | None:
    """Return extra variables for the templates that render a document.

    :param tenant: The tenant that issued the document.
    :param document: The document being rendered, with its frozen requisites and lines.
    :returns: A dict of template variables (or an awaitable resolving to one), or None.
        Prefix keys with the plugin's id to avoid clashes.

    Aggregation: all results are collected, then merged by
    :func:`core.domain.documents.merge_contexts`: where two plugins give the same key,
    the result earlier in the call order wins (``tryfirst`` before plain plugins, the
    plugin registered last before earlier ones, ``trylast`` defaults last). The core's
    own variables are never overridden.
    Raises: any exception fails the rendering, which the core reports and retries.
    Awaitable: yes.
    Called: each time the core renders a document (preview, posting, download, e-mail).
    """


@hookspec
def saldo_document_renderers() -> list[type[DocumentRenderer]] | None:
    """Return the document renderer classes the plugin offers (PDF, XML…).

    :returns: A list of :class:`core.domain.documents.DocumentRenderer` subclasses,
        each with ``plugin_id``, a stable ``code`` unique among renderers, a ``name``,
        the ``media_type`` it produces and the ``document_types`` it can render.

    Aggregation: all results are collected. The core instantiates each class per tenant
    as ``cls(tenant, config)`` with that tenant's settings of ``plugin_id`` and calls its
    async ``render(document, context)``.
    Raises: nothing; a duplicate ``code`` is refused when the renderers are instantiated.
    Awaitable: no, return the list itself.
    Called: when the core lists the formats a document can be downloaded in, and when it
    renders one.
    """


@hookspec
def saldo_document_posted(tenant: TenantContext, document: Document) -> Awaitable[Any] | None:
    """React to a document being posted (send it, queue it for export…).

    :param tenant: The tenant that issued the document.
    :param document: The posted document, with its number.
    :returns: Nothing, or an awaitable that the core awaits.

    Aggregation: all results are collected (a notification; results are ignored).
    Raises: an exception is logged with the plugin's id and never unposts the document
    or stops the other listeners.
    Awaitable: yes.
    Called: once per document, after the transaction that posts it has committed.
    """

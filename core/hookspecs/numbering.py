"""Document numbering: the number of a document about to be posted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.documents import Document, DocumentNumber
    from core.plugins.context import TenantContext


@hookspec(firstresult=True)
def saldo_document_number(tenant: TenantContext, document: Document) -> DocumentNumber | None:
    """Return the number for a document about to be posted.

    :param tenant: The tenant posting the document, with its enabled plugins' settings.
    :param document: The document being posted; its ``number`` is still None.
    :returns: A :class:`core.domain.documents.DocumentNumber` (prefix and sequence number
        kept apart), or None to leave the decision to other plugins. When every plugin
        returns None, the core's default numbering applies (gap-free per tenant, seller,
        document type and period).

    Aggregation: first non-None result wins.
    Raises: any exception aborts the posting, which changes nothing; the document stays
    a draft. A number already taken in the same series is refused by the database.
    Awaitable: no, return the value itself.
    Called: once per document, inside the short transaction that posts it.
    """

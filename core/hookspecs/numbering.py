"""Document numbering: how a document about to be posted is numbered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.documents import Document
    from core.domain.numbering import NumberingRule
    from core.plugins.context import TenantContext


@hookspec(firstresult=True)
def saldo_document_number(tenant: TenantContext, document: Document) -> NumberingRule | None:
    """Return the numbering rule of a document about to be posted.

    :param tenant: The tenant posting the document, with its enabled plugins' settings.
    :param document: The document being posted; its ``number`` is still None and its
        ``id`` is 0 when the day close numbers documents before inserting them.
    :returns: A :class:`core.domain.numbering.NumberingRule`: the series the number is
        taken from and the :class:`core.domain.numbering.NumberFormat` that writes it, or
        None to leave the decision to other plugins. The built-in ``default_numbering``
        plugin (``trylast``) answers with the tenant's configured format per document
        type and seller entity; when no plugin answers, the core numbers the document
        ``{seq}`` in a yearly series per seller and type.

    The core takes the next sequence number of the series in the posting's transaction:
    numbers are gap-free and unique per series however many postings run at once (two
    rules naming the same series share its counter), and the day close takes a whole
    batch's numbers in one step.

    Aggregation: first non-None result wins.
    Raises: any exception aborts the posting, which changes nothing; the document stays
    a draft (in the day close, the account is parked with the error).
    Awaitable: no, return the value itself.
    Called: once per document, inside the short transaction that posts it.
    """

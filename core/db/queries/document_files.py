"""Rendered documents (the PDF cache), and the number parts a rendering hands to plugins."""

from __future__ import annotations

from core.db.tables import Document, DocumentFile


async def cached(tenant_id: int, document_id: int, media_type: str) -> dict | None:
    """The stored rendering: ``fingerprint`` and ``content``, or None."""
    return await DocumentFile.select(DocumentFile.fingerprint, DocumentFile.content).where(
        (DocumentFile.tenant == tenant_id) & (DocumentFile.document == document_id)
        & (DocumentFile.media_type == media_type)).first()


async def store(tenant_id: int, document_id: int, media_type: str, fingerprint: str, content: bytes) -> None:
    """Keep a rendering: replaces an older one (another fingerprint); when two renderings of
    the same document race to insert, the first stays."""
    updated = await DocumentFile.update({DocumentFile.fingerprint: fingerprint, DocumentFile.content: content}).where(
        (DocumentFile.tenant == tenant_id) & (DocumentFile.document == document_id)
        & (DocumentFile.media_type == media_type)).returning(DocumentFile.id)
    if not updated:
        await DocumentFile.insert(DocumentFile(tenant=tenant_id, document=document_id, media_type=media_type,
                                               fingerprint=fingerprint, content=content)).on_conflict(
            action="DO NOTHING")


async def missing(tenant_id: int, media_type: str, limit: int) -> list[int]:
    """The tenant's posted documents with no stored rendering, oldest first."""
    rows = await Document.raw(
        'SELECT d.id FROM "document" d WHERE d.tenant = {} AND d.status <> {} AND NOT EXISTS '
        '(SELECT 1 FROM "document_file" f WHERE f.document = d.id AND f.media_type = {}) ORDER BY d.id LIMIT {}',
        tenant_id, "draft", media_type, limit)
    return [r["id"] for r in rows]


async def number_parts(tenant_id: int, document_id: int) -> tuple[str, int | None]:
    """The series and sequence number of a document (None before it is posted)."""
    row = await Document.select(Document.number_series, Document.number).where(
        (Document.tenant == tenant_id) & (Document.id == document_id)).first()
    return (row["number_series"], row["number"]) if row else ("", None)

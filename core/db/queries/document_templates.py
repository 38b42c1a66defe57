"""Tenants' own versions of the shipped document and e-mail templates."""

from __future__ import annotations

from datetime import datetime, timezone

from core.db.tables import DocumentTemplate


async def get(tenant_id: int, name: str) -> str | None:
    row = await DocumentTemplate.select(DocumentTemplate.source).where(
        (DocumentTemplate.tenant == tenant_id) & (DocumentTemplate.name == name)).first()
    return row["source"] if row else None


async def names(tenant_id: int) -> dict[str, datetime]:
    """The names the tenant has overridden, with when each was last saved."""
    rows = await DocumentTemplate.select(DocumentTemplate.name, DocumentTemplate.updated_at).where(
        DocumentTemplate.tenant == tenant_id)
    return {r["name"]: r["updated_at"] for r in rows}


async def save(tenant_id: int, name: str, source: str, by: str) -> None:
    now = datetime.now(timezone.utc)
    updated = await DocumentTemplate.update({DocumentTemplate.source: source, DocumentTemplate.updated_at: now,
                                             DocumentTemplate.updated_by: by}).where(
        (DocumentTemplate.tenant == tenant_id) & (DocumentTemplate.name == name)).returning(DocumentTemplate.id)
    if not updated:
        await DocumentTemplate.insert(DocumentTemplate(tenant=tenant_id, name=name, source=source, updated_at=now,
                                                       updated_by=by))


async def delete(tenant_id: int, name: str) -> bool:
    deleted = await DocumentTemplate.delete().where(
        (DocumentTemplate.tenant == tenant_id) & (DocumentTemplate.name == name)).returning(DocumentTemplate.id)
    return bool(deleted)

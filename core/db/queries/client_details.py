"""Notes and contacts of clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.tables import ClientContact, ClientNote


@dataclass(frozen=True)
class NoteRecord:
    id: int
    client_id: int
    text: str
    important: bool
    author_id: int | None
    author_label: str
    created_at: datetime

    def public(self) -> dict:
        return {"id": self.id, "client_id": self.client_id, "text": self.text, "important": self.important,
                "author": {"id": self.author_id, "label": self.author_label},
                "created_at": self.created_at.isoformat()}


NOTE_COLUMNS = (ClientNote.id, ClientNote.client, ClientNote.text, ClientNote.important, ClientNote.author,
                ClientNote.author_label, ClientNote.created_at)


def _note(row: dict) -> NoteRecord:
    return NoteRecord(id=row["id"], client_id=row["client"], text=row["text"], important=row["important"],
                      author_id=row["author"], author_label=row["author_label"], created_at=row["created_at"])


async def get_note(tenant_id: int, client_id: int, note_id: int) -> NoteRecord | None:
    row = await ClientNote.select(*NOTE_COLUMNS).where(
        (ClientNote.tenant == tenant_id) & (ClientNote.client == client_id) & (ClientNote.id == note_id)).first()
    return _note(row) if row else None


async def notes_of(tenant_id: int, client_id: int) -> list[NoteRecord]:
    """Important notes first, then the newest first."""
    rows = await ClientNote.select(*NOTE_COLUMNS).where(
        (ClientNote.tenant == tenant_id) & (ClientNote.client == client_id)).order_by(
        ClientNote.important, ascending=False).order_by(ClientNote.created_at, ascending=False).order_by(
        ClientNote.id, ascending=False)
    return [_note(r) for r in rows]


async def insert_note(tenant_id: int, client_id: int, *, text: str, important: bool, author_id: int | None,
                      author_label: str) -> NoteRecord:
    rows = await ClientNote.insert(ClientNote(tenant=tenant_id, client=client_id, text=text, important=important,
                                              author=author_id, author_label=author_label)).returning(ClientNote.id)
    return await get_note(tenant_id, client_id, rows[0]["id"])


async def update_note(tenant_id: int, client_id: int, note_id: int, values: dict) -> NoteRecord | None:
    await ClientNote.update({getattr(ClientNote, k): v for k, v in values.items()}).where(
        (ClientNote.tenant == tenant_id) & (ClientNote.client == client_id) & (ClientNote.id == note_id))
    return await get_note(tenant_id, client_id, note_id)


async def delete_note(tenant_id: int, client_id: int, note_id: int) -> None:
    await ClientNote.delete().where(
        (ClientNote.tenant == tenant_id) & (ClientNote.client == client_id) & (ClientNote.id == note_id))


async def move_notes(tenant_id: int, source_id: int, target_id: int) -> int:
    rows = await ClientNote.update({ClientNote.client: target_id}).where(
        (ClientNote.tenant == tenant_id) & (ClientNote.client == source_id)).returning(ClientNote.id)
    return len(rows)


@dataclass(frozen=True)
class ContactRecord:
    id: int
    client_id: int
    name: str
    email: str
    phone: str
    roles: tuple[str, ...]
    created_at: datetime

    def public(self) -> dict:
        return {"id": self.id, "client_id": self.client_id, "name": self.name, "email": self.email,
                "phone": self.phone, "roles": list(self.roles), "created_at": self.created_at.isoformat()}


CONTACT_COLUMNS = (ClientContact.id, ClientContact.client, ClientContact.name, ClientContact.email,
                   ClientContact.phone, ClientContact.roles, ClientContact.created_at)


def _contact(row: dict) -> ContactRecord:
    return ContactRecord(id=row["id"], client_id=row["client"], name=row["name"], email=row["email"],
                         phone=row["phone"], roles=tuple(r for r in row["roles"].split(",") if r),
                         created_at=row["created_at"])


async def get_contact(tenant_id: int, client_id: int, contact_id: int) -> ContactRecord | None:
    row = await ClientContact.select(*CONTACT_COLUMNS).where(
        (ClientContact.tenant == tenant_id) & (ClientContact.client == client_id)
        & (ClientContact.id == contact_id)).first()
    return _contact(row) if row else None


async def contacts_of(tenant_id: int, client_id: int) -> list[ContactRecord]:
    rows = await ClientContact.select(*CONTACT_COLUMNS).where(
        (ClientContact.tenant == tenant_id) & (ClientContact.client == client_id)).order_by(ClientContact.id)
    return [_contact(r) for r in rows]


def _stored(values: dict) -> dict:
    return values | ({"roles": ",".join(values["roles"])} if "roles" in values else {})


async def insert_contact(tenant_id: int, client_id: int, values: dict) -> ContactRecord:
    rows = await ClientContact.insert(ClientContact(tenant=tenant_id, client=client_id, **_stored(values))
                                      ).returning(ClientContact.id)
    return await get_contact(tenant_id, client_id, rows[0]["id"])


async def update_contact(tenant_id: int, client_id: int, contact_id: int, values: dict) -> ContactRecord | None:
    await ClientContact.update({getattr(ClientContact, k): v for k, v in _stored(values).items()}).where(
        (ClientContact.tenant == tenant_id) & (ClientContact.client == client_id) & (ClientContact.id == contact_id))
    return await get_contact(tenant_id, client_id, contact_id)


async def delete_contact(tenant_id: int, client_id: int, contact_id: int) -> None:
    await ClientContact.delete().where(
        (ClientContact.tenant == tenant_id) & (ClientContact.client == client_id) & (ClientContact.id == contact_id))


async def move_contacts(tenant_id: int, source_id: int, target_id: int) -> int:
    rows = await ClientContact.update({ClientContact.client: target_id}).where(
        (ClientContact.tenant == tenant_id) & (ClientContact.client == source_id)).returning(ClientContact.id)
    return len(rows)

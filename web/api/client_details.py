from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from core.domain.clients import CONTACT_ROLES
from core.services import client_details, clients
from core.services.actor import Actor


class AuthorOut(BaseModel):
    id: int | None = Field(description="The staff user, when a user wrote the note.")
    label: str


class NoteOut(BaseModel):
    id: int
    client_id: int
    text: str
    important: bool
    author: AuthorOut
    created_at: str


class NoteIn(BaseModel):
    text: str
    important: bool = False


class NotePatch(BaseModel):
    text: str | None = None
    important: bool | None = None


class ContactOut(BaseModel):
    id: int
    client_id: int
    name: str
    email: str
    phone: str
    roles: list[str]
    created_at: str


ROLES_DOC = f"Any of: {', '.join(CONTACT_ROLES)}; billing contacts receive documents."


class ContactIn(BaseModel):
    name: str
    email: str = ""
    phone: str = ""
    roles: list[str] = Field(default_factory=list, description=ROLES_DOC)


class ContactPatch(BaseModel):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    roles: list[str] | None = Field(default=None, description=ROLES_DOC)


class NotesController(Controller):
    path = "/clients/{client_id:int}/notes"
    tags = ["clients"]

    @get("/", summary="A client's notes, important ones first, then the newest")
    async def list(self, actor: Actor, client_id: int) -> list[NoteOut]:
        return [NoteOut(**n.public()) for n in await client_details.notes(actor, client_id)]

    @post("/", summary="Add a note to a client")
    async def create(self, actor: Actor, client_id: int, data: NoteIn) -> NoteOut:
        note = await client_details.add_note(actor, client_id, text=data.text, important=data.important)
        return NoteOut(**note.public())

    @patch("/{note_id:int}", summary="Change a note's text or its important mark")
    async def update(self, actor: Actor, client_id: int, note_id: int, data: NotePatch) -> NoteOut:
        note = await client_details.update_note(actor, client_id, note_id, **data.model_dump(exclude_none=True))
        return NoteOut(**note.public())

    @delete("/{note_id:int}", status_code=HTTP_200_OK, summary="Delete a note (audited)")
    async def remove(self, actor: Actor, client_id: int, note_id: int) -> NoteOut:
        return NoteOut(**(await client_details.delete_note(actor, client_id, note_id)).public())


class ContactsController(Controller):
    path = "/clients/{client_id:int}/contacts"
    tags = ["clients"]

    @get("/", summary="A client's contacts")
    async def list(self, actor: Actor, client_id: int) -> list[ContactOut]:
        return [ContactOut(**c.public()) for c in await client_details.contacts(actor, client_id)]

    @post("/", summary="Add a contact to a client")
    async def create(self, actor: Actor, client_id: int, data: ContactIn) -> ContactOut:
        return ContactOut(**(await client_details.add_contact(actor, client_id, **data.model_dump())).public())

    @patch("/{contact_id:int}", summary="Change a contact")
    async def update(self, actor: Actor, client_id: int, contact_id: int, data: ContactPatch) -> ContactOut:
        contact = await client_details.update_contact(actor, client_id, contact_id,
                                                      **data.model_dump(exclude_none=True))
        return ContactOut(**contact.public())

    @delete("/{contact_id:int}", status_code=HTTP_200_OK, summary="Delete a contact (audited)")
    async def remove(self, actor: Actor, client_id: int, contact_id: int) -> ContactOut:
        return ContactOut(**(await client_details.delete_contact(actor, client_id, contact_id)).public())


class RecipientsController(Controller):
    path = "/clients/{client_id:int}/recipients"
    tags = ["clients"]

    @get("/", summary="Who receives the client's documents: its e-mail and its billing contacts'")
    async def list(self, actor: Actor, client_id: int) -> list[str]:
        return await client_details.document_recipients(await clients.get(actor, client_id))

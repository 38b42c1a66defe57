"""Notes and contacts of a client, and who receives the client's documents.

Neither is financial, so both may be deleted; every change is audited under the client.
"""

from __future__ import annotations

from core.db.queries import client_details as details_q
from core.db.queries.client_details import ContactRecord, NoteRecord
from core.db.queries.clients import ClientRecord
from core.db.transaction import atomic
from core.domain.clients import BILLING, check_contact_roles, email_problem, normalize_email, recipients
from core.domain.roles import MANAGE_BILLING
from core.services import audit
from core.services.actor import USER, Actor
from core.services.clients import get as get_client
from core.services.errors import InvalidInput, NotFound

MAX_NOTE = 20000


def _invalid(problems: list[dict]) -> InvalidInput:
    return InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)


# -- notes ---------------------------------------------------------------------------------------

async def notes(actor: Actor, client_id: int) -> list[NoteRecord]:
    """The client's notes, important ones first, then the newest first."""
    await get_client(actor, client_id)
    return await details_q.notes_of(actor.tenant_id, client_id)


async def get_note(actor: Actor, client_id: int, note_id: int) -> NoteRecord:
    note = await details_q.get_note(actor.tenant_id, client_id, note_id)
    if note is None:
        raise NotFound("note", note_id)
    return note


def _note_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput.field("text", "must not be empty")
    if len(text) > MAX_NOTE:
        raise InvalidInput.field("text", f"is longer than {MAX_NOTE} characters")
    return text


async def add_note(actor: Actor, client_id: int, *, text: str, important: bool = False) -> NoteRecord:
    actor.require(MANAGE_BILLING)
    text = _note_text(text)
    async with atomic():
        await get_client(actor, client_id)
        note = await details_q.insert_note(actor.tenant_id, client_id, text=text, important=important,
                                           author_id=actor.id if actor.kind == USER else None,
                                           author_label=actor.label)
        await audit.record(actor, "client.note_add", "client", client_id, None, note.public())
    return note


async def update_note(actor: Actor, client_id: int, note_id: int, *, text: str | None = None,
                      important: bool | None = None) -> NoteRecord:
    actor.require(MANAGE_BILLING)
    changes: dict = {}
    if text is not None:
        changes["text"] = _note_text(text)
    if important is not None:
        changes["important"] = important
    async with atomic():
        before = await get_note(actor, client_id, note_id)
        after = await details_q.update_note(actor.tenant_id, client_id, note_id, changes) if changes else before
        await audit.record(actor, "client.note_update", "client", client_id, before.public(), after.public())
    return after


async def delete_note(actor: Actor, client_id: int, note_id: int) -> NoteRecord:
    actor.require(MANAGE_BILLING)
    async with atomic():
        note = await get_note(actor, client_id, note_id)
        await details_q.delete_note(actor.tenant_id, client_id, note_id)
        await audit.record(actor, "client.note_delete", "client", client_id, note.public(), None)
    return note


# -- contacts ------------------------------------------------------------------------------------

async def contacts(actor: Actor, client_id: int) -> list[ContactRecord]:
    await get_client(actor, client_id)
    return await details_q.contacts_of(actor.tenant_id, client_id)


async def get_contact(actor: Actor, client_id: int, contact_id: int) -> ContactRecord:
    contact = await details_q.get_contact(actor.tenant_id, client_id, contact_id)
    if contact is None:
        raise NotFound("contact", contact_id)
    return contact


def _check_contact(values: dict) -> dict:
    """Normalise a contact's full state; a billing contact needs an e-mail to receive documents."""
    clean = {"name": (values.get("name") or "").strip(), "email": normalize_email(values.get("email")),
             "phone": (values.get("phone") or "").strip()}
    problems = []
    if not clean["name"]:
        problems.append({"field": "name", "message": "must not be empty"})
    for name, limit in (("name", 255), ("phone", 64)):
        if len(clean[name]) > limit:
            problems.append({"field": name, "message": f"is longer than {limit} characters"})
    if clean["email"] and (msg := email_problem(clean["email"])):
        problems.append({"field": "email", "message": msg})
    roles, msg = check_contact_roles(values.get("roles") or ())
    if msg:
        problems.append({"field": "roles", "message": msg})
    elif BILLING in roles and not clean["email"]:
        problems.append({"field": "email", "message": "a billing contact needs an e-mail to receive documents"})
    if problems:
        raise _invalid(problems)
    return clean | {"roles": roles}


async def add_contact(actor: Actor, client_id: int, *, name: str, email: str = "", phone: str = "",
                      roles: list[str] | None = None) -> ContactRecord:
    actor.require(MANAGE_BILLING)
    clean = _check_contact({"name": name, "email": email, "phone": phone, "roles": roles or []})
    async with atomic():
        await get_client(actor, client_id)
        contact = await details_q.insert_contact(actor.tenant_id, client_id, clean)
        await audit.record(actor, "client.contact_add", "client", client_id, None, contact.public())
    return contact


async def update_contact(actor: Actor, client_id: int, contact_id: int, **changes) -> ContactRecord:
    actor.require(MANAGE_BILLING)
    async with atomic():
        before = await get_contact(actor, client_id, contact_id)
        state = {"name": before.name, "email": before.email, "phone": before.phone, "roles": list(before.roles)}
        clean = _check_contact(state | {k: v for k, v in changes.items() if k in state})
        after = await details_q.update_contact(actor.tenant_id, client_id, contact_id, clean)
        await audit.record(actor, "client.contact_update", "client", client_id, before.public(), after.public())
    return after


async def delete_contact(actor: Actor, client_id: int, contact_id: int) -> ContactRecord:
    actor.require(MANAGE_BILLING)
    async with atomic():
        contact = await get_contact(actor, client_id, contact_id)
        await details_q.delete_contact(actor.tenant_id, client_id, contact_id)
        await audit.record(actor, "client.contact_delete", "client", client_id, contact.public(), None)
    return contact


async def document_recipients(client: ClientRecord) -> list[str]:
    """The e-mails the client's documents go to: the client's own, then its billing contacts'."""
    found = await details_q.contacts_of(client.tenant_id, client.id)
    return recipients(client.email, [(c.email, c.roles) for c in found])

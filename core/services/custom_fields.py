"""Custom client fields: the tenant defines them; each client holds at most one value per field.

Values are set through the client's create and update (``custom_fields={code: value}``); an
empty value (None or "") removes it, which a required field refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.db.queries import custom_fields as fields_q
from core.db.queries.custom_fields import FieldRecord
from core.db.transaction import atomic
from core.domain.custom_fields import (
    FieldValueError,
    choices_problem,
    clean_choices,
    definition_problems,
    from_stored,
    is_empty,
    to_stored,
)
from core.domain.roles import MANAGE_TENANT
from core.services import audit
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound


def _invalid(problems: list[dict]) -> InvalidInput:
    return InvalidInput("; ".join(f"{p['field']}: {p['message']}" for p in problems), problems)


async def list_fields(actor: Actor) -> list[FieldRecord]:
    return await fields_q.list_for(actor.tenant_id)


async def get(actor: Actor, field_id: int) -> FieldRecord:
    field = await fields_q.get(actor.tenant_id, field_id)
    if field is None:
        raise NotFound("custom field", field_id)
    return field


async def create(actor: Actor, *, code: str, label: str, type: str, choices: list | None = None,
                 required: bool = False, position: int = 0) -> FieldRecord:
    actor.require(MANAGE_TENANT)
    code, label, choices = code.strip(), label.strip(), clean_choices(choices)
    if problems := definition_problems(code=code, label=label, field_type=type, choices=choices):
        raise _invalid(problems)
    async with atomic():
        if await fields_q.by_code(actor.tenant_id, code):
            raise Conflict(f"a custom field with code {code} already exists",
                           [{"field": "code", "message": "another field has this code"}])
        field = await fields_q.insert(actor.tenant_id, code=code, label=label, field_type=type, choices=choices,
                                      required=required, position=position)
        await audit.record(actor, "custom_field.create", "custom_field", field.id, None, field.public())
    return field


async def update(actor: Actor, field_id: int, *, label: str | None = None, choices: list | None = None,
                 required: bool | None = None, position: int | None = None) -> FieldRecord:
    """Change the label, choices, required flag or position; code and type are fixed once made,
    and a choice still held by a client cannot be removed."""
    actor.require(MANAGE_TENANT)
    changes: dict = {}
    if label is not None:
        if not label.strip():
            raise InvalidInput.field("label", "must not be empty")
        changes["label"] = label.strip()
    if required is not None:
        changes["required"] = required
    if position is not None:
        changes["position"] = position
    async with atomic():
        before = await get(actor, field_id)
        if choices is not None:
            changes["choices"] = clean_choices(choices)
            if msg := choices_problem(before.type, changes["choices"]):
                raise InvalidInput.field("choices", msg)
            if dropped := await fields_q.values_in_use(actor.tenant_id, field_id) - set(changes["choices"]):
                raise Conflict(f"clients still hold {', '.join(sorted(dropped))}",
                               [{"field": "choices", "message": f"still in use: {', '.join(sorted(dropped))}"}])
        after = await fields_q.update(actor.tenant_id, field_id, changes) if changes else before
        await audit.record(actor, "custom_field.update", "custom_field", field_id, before.public(), after.public())
    return after


async def delete(actor: Actor, field_id: int) -> FieldRecord:
    """Remove a field and every client's value of it."""
    actor.require(MANAGE_TENANT)
    async with atomic():
        field = await get(actor, field_id)
        await fields_q.delete(actor.tenant_id, field_id)
        await audit.record(actor, "custom_field.delete", "custom_field", field_id, field.public(), None)
    return field


# -- values of one client ------------------------------------------------------------------------

@dataclass(frozen=True)
class ValueChanges:
    """What saving a client's ``custom_fields`` does: values to set and fields to clear, by field id."""

    set: dict[int, str]
    clear: list[int]


async def prepare_values(tenant_id: int, given: dict | None, existing: dict[int, str], *,
                         creating: bool) -> tuple[ValueChanges, list[dict]]:
    """Check the ``given`` values (by code) against the tenant's fields; on create every required
    field must be given. Problems name the field as ``custom_fields.<code>``."""
    given = given or {}
    fields = {f.code: f for f in await fields_q.list_for(tenant_id)}
    problems: list[dict] = []
    to_set: dict[int, str] = {}
    to_clear: list[int] = []
    for code, value in given.items():
        field = fields.get(code)
        name = f"custom_fields.{code}"
        if field is None:
            problems.append({"field": name, "message": "no such custom field"})
        elif is_empty(value):
            if field.required:
                problems.append({"field": name, "message": "is required"})
            elif field.id in existing:
                to_clear.append(field.id)
        else:
            try:
                stored = to_stored(field.type, field.choices, value)
            except FieldValueError as exc:
                problems.append({"field": name, "message": str(exc)})
            else:
                if existing.get(field.id) != stored:
                    to_set[field.id] = stored
    if creating:
        for code, field in fields.items():
            if field.required and code not in given:
                problems.append({"field": f"custom_fields.{code}", "message": "is required"})
    return ValueChanges(to_set, to_clear), problems


async def apply_values(tenant_id: int, client_id: int, changes: ValueChanges) -> None:
    for field_id, value in changes.set.items():
        await fields_q.set_value(tenant_id, client_id, field_id, value)
    for field_id in changes.clear:
        await fields_q.delete_value(tenant_id, client_id, field_id)


async def values_by_code(tenant_id: int, client_id: int) -> dict[str, str | bool]:
    """The client's custom values by field code, in field order; a flag is a boolean."""
    return (await values_by_client(tenant_id, [client_id]))[client_id]


async def values_by_client(tenant_id: int, client_ids: list[int]) -> dict[int, dict[str, str | bool]]:
    """Custom values of several clients (one page of a list) in two queries."""
    fields = await fields_q.list_for(tenant_id)
    stored = await fields_q.values_of_clients(tenant_id, client_ids)
    return {client_id: {f.code: from_stored(f.type, values[f.id]) for f in fields if f.id in values}
            for client_id, values in stored.items()}

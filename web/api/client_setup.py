"""Client groups and custom client fields: the tenant's set-up of its client cards."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from core.domain.custom_fields import FIELD_TYPES
from core.services import client_groups, custom_fields
from core.services.actor import Actor


class GroupOut(BaseModel):
    id: int
    name: str
    description: str


class GroupIn(BaseModel):
    name: str
    description: str = ""


class GroupPatch(BaseModel):
    name: str | None = None
    description: str | None = None


class FieldOut(BaseModel):
    id: int
    code: str
    label: str
    type: str
    choices: list[str]
    required: bool
    position: int


class FieldIn(BaseModel):
    code: str = Field(description="Latin lowercase letters, digits and _; used in templates and imports.")
    label: str
    type: str = Field(description=f"One of: {', '.join(FIELD_TYPES)}")
    choices: list[str] = Field(default_factory=list, description="The allowed values of a choice field.")
    required: bool = False
    position: int = 0


class FieldPatch(BaseModel):
    label: str | None = None
    choices: list[str] | None = None
    required: bool | None = None
    position: int | None = None


class ClientGroupsController(Controller):
    path = "/client-groups"
    tags = ["clients"]

    @get("/", summary="Client groups, by name")
    async def list(self, actor: Actor) -> list[GroupOut]:
        return [GroupOut(**g.public()) for g in await client_groups.list_groups(actor)]

    @post("/", summary="Create a client group")
    async def create(self, actor: Actor, data: GroupIn) -> GroupOut:
        return GroupOut(**(await client_groups.create(actor, **data.model_dump())).public())

    @get("/{group_id:int}", summary="One client group")
    async def show(self, actor: Actor, group_id: int) -> GroupOut:
        return GroupOut(**(await client_groups.get(actor, group_id)).public())

    @patch("/{group_id:int}", summary="Rename or describe a client group")
    async def update(self, actor: Actor, group_id: int, data: GroupPatch) -> GroupOut:
        group = await client_groups.update(actor, group_id, **data.model_dump(exclude_none=True))
        return GroupOut(**group.public())

    @delete("/{group_id:int}", status_code=HTTP_200_OK, summary="Delete an empty client group")
    async def remove(self, actor: Actor, group_id: int) -> GroupOut:
        return GroupOut(**(await client_groups.delete(actor, group_id)).public())


class CustomFieldsController(Controller):
    path = "/custom-fields"
    tags = ["clients"]

    @get("/", summary="Custom client fields, in their order")
    async def list(self, actor: Actor) -> list[FieldOut]:
        return [FieldOut(**f.public()) for f in await custom_fields.list_fields(actor)]

    @post("/", summary="Define a custom client field")
    async def create(self, actor: Actor, data: FieldIn) -> FieldOut:
        return FieldOut(**(await custom_fields.create(actor, **data.model_dump())).public())

    @get("/{field_id:int}", summary="One custom field")
    async def show(self, actor: Actor, field_id: int) -> FieldOut:
        return FieldOut(**(await custom_fields.get(actor, field_id)).public())

    @patch("/{field_id:int}", summary="Change a custom field's label, choices, required flag or position")
    async def update(self, actor: Actor, field_id: int, data: FieldPatch) -> FieldOut:
        field = await custom_fields.update(actor, field_id, **data.model_dump(exclude_none=True))
        return FieldOut(**field.public())

    @delete("/{field_id:int}", status_code=HTTP_200_OK, summary="Delete a custom field and all its values")
    async def remove(self, actor: Actor, field_id: int) -> FieldOut:
        return FieldOut(**(await custom_fields.delete(actor, field_id)).public())

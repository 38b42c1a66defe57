"""Custom client fields of a tenant and their values per client."""

from __future__ import annotations

import json
from dataclasses import dataclass

from core.db.tables import ClientFieldValue, CustomField


@dataclass(frozen=True)
class FieldRecord:
    id: int
    code: str
    label: str
    type: str
    choices: list[str]
    required: bool
    position: int

    def public(self) -> dict:
        return {"id": self.id, "code": self.code, "label": self.label, "type": self.type,
                "choices": list(self.choices), "required": self.required, "position": self.position}


COLUMNS = (CustomField.id, CustomField.code, CustomField.label, CustomField.type, CustomField.choices,
           CustomField.required, CustomField.position)


def _record(row: dict) -> FieldRecord:
    choices = row["choices"]
    return FieldRecord(
        id=row["id"], code=row["code"], label=row["label"], type=row["type"],
        choices=json.loads(choices) if isinstance(choices, str) else (choices or []),
        required=row["required"], position=row["position"],
    )


async def get(tenant_id: int, field_id: int) -> FieldRecord | None:
    row = await CustomField.select(*COLUMNS).where(
        (CustomField.tenant == tenant_id) & (CustomField.id == field_id)).first()
    return _record(row) if row else None


async def by_code(tenant_id: int, code: str) -> FieldRecord | None:
    row = await CustomField.select(*COLUMNS).where(
        (CustomField.tenant == tenant_id) & (CustomField.code == code)).first()
    return _record(row) if row else None


async def list_for(tenant_id: int) -> list[FieldRecord]:
    rows = await CustomField.select(*COLUMNS).where(CustomField.tenant == tenant_id).order_by(
        CustomField.position).order_by(CustomField.id)
    return [_record(r) for r in rows]


async def insert(tenant_id: int, *, code: str, label: str, field_type: str, choices: list[str], required: bool,
                 position: int) -> FieldRecord:
    rows = await CustomField.insert(CustomField(
        tenant=tenant_id, code=code, label=label, type=field_type, choices=json.dumps(choices, ensure_ascii=False),
        required=required, position=position,
    )).returning(CustomField.id)
    return await get(tenant_id, rows[0]["id"])


async def update(tenant_id: int, field_id: int, values: dict) -> FieldRecord | None:
    if "choices" in values:
        values = values | {"choices": json.dumps(values["choices"], ensure_ascii=False)}
    await CustomField.update({getattr(CustomField, k): v for k, v in values.items()}).where(
        (CustomField.tenant == tenant_id) & (CustomField.id == field_id))
    return await get(tenant_id, field_id)


async def delete(tenant_id: int, field_id: int) -> None:
    await ClientFieldValue.delete().where(
        (ClientFieldValue.tenant == tenant_id) & (ClientFieldValue.field == field_id))
    await CustomField.delete().where((CustomField.tenant == tenant_id) & (CustomField.id == field_id))


async def values_in_use(tenant_id: int, field_id: int) -> set[str]:
    rows = await ClientFieldValue.select(ClientFieldValue.value).where(
        (ClientFieldValue.tenant == tenant_id) & (ClientFieldValue.field == field_id)).distinct()
    return {r["value"] for r in rows}


# -- values --------------------------------------------------------------------------------------

async def values_of(tenant_id: int, client_id: int) -> dict[int, str]:
    """The client's stored values by field id."""
    rows = await ClientFieldValue.select(ClientFieldValue.field, ClientFieldValue.value).where(
        (ClientFieldValue.tenant == tenant_id) & (ClientFieldValue.client == client_id))
    return {r["field"]: r["value"] for r in rows}


async def values_of_clients(tenant_id: int, client_ids: list[int]) -> dict[int, dict[int, str]]:
    """Stored values of several clients: client id -> field id -> value."""
    result: dict[int, dict[int, str]] = {client_id: {} for client_id in client_ids}
    if client_ids:
        rows = await ClientFieldValue.select(ClientFieldValue.client, ClientFieldValue.field,
                                             ClientFieldValue.value).where(
            (ClientFieldValue.tenant == tenant_id) & ClientFieldValue.client.is_in(client_ids))
        for r in rows:
            result[r["client"]][r["field"]] = r["value"]
    return result


async def set_value(tenant_id: int, client_id: int, field_id: int, value: str) -> None:
    where = ((ClientFieldValue.tenant == tenant_id) & (ClientFieldValue.client == client_id)
             & (ClientFieldValue.field == field_id))
    updated = await ClientFieldValue.update({ClientFieldValue.value: value}).where(where).returning(
        ClientFieldValue.id)
    if not updated:
        await ClientFieldValue.insert(ClientFieldValue(tenant=tenant_id, client=client_id, field=field_id,
                                                       value=value))


async def delete_value(tenant_id: int, client_id: int, field_id: int) -> None:
    await ClientFieldValue.delete().where(
        (ClientFieldValue.tenant == tenant_id) & (ClientFieldValue.client == client_id)
        & (ClientFieldValue.field == field_id))


async def move_values(tenant_id: int, source_id: int, target_id: int) -> int:
    """Give the source client's values to the target, where the target has none for that field;
    the source's other values are dropped (the target's value wins). Returns how many moved."""
    target_fields = set((await values_of(tenant_id, target_id)).keys())
    source = await values_of(tenant_id, source_id)
    moving = [f for f in source if f not in target_fields]
    base = (ClientFieldValue.tenant == tenant_id) & (ClientFieldValue.client == source_id)
    if moving:
        await ClientFieldValue.update({ClientFieldValue.client: target_id}).where(
            base & ClientFieldValue.field.is_in(moving))
    await ClientFieldValue.delete().where(base)
    return len(moving)

"""Clients and client groups, always filtered by tenant."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from piccolo.columns.combination import WhereRaw

from core.db.engine import is_postgres
from core.db.tables import Client, ClientGroup
from core.domain.clock import utc_now
from core.domain.money import amount_from_minor


@dataclass(frozen=True)
class ClientRecord:
    id: int
    tenant_id: int
    type: str
    status: str
    display_name: str
    first_name: str
    last_name: str
    middle_name: str
    company_name: str
    email: str
    phone: str
    legal_address: str
    postal_address: str
    country: str
    inn: str
    kpp: str
    ogrn: str
    bank_name: str
    bik: str
    settlement_account: str
    correspondent_account: str
    currency: str
    language: str
    manager_id: int | None
    group_id: int | None
    seller_id: int | None
    tax_exempt: bool
    separate_invoices: bool
    no_late_fees: bool
    no_overdue_notices: bool
    auto_block_exempt: bool
    block_exempt_until: date | None
    credit_limit_minor: int
    merged_into: int | None
    created_at: datetime
    updated_at: datetime

    def public(self) -> dict:
        data = asdict(self)
        del data["tenant_id"], data["credit_limit_minor"]
        data["credit_limit"] = str(amount_from_minor(self.credit_limit_minor))
        data["block_exempt_until"] = self.block_exempt_until.isoformat() if self.block_exempt_until else None
        data["created_at"] = self.created_at.isoformat()
        data["updated_at"] = self.updated_at.isoformat()
        return data

    def state(self) -> dict:
        """The editable state, in the shape ``core.domain.clients.check_client`` takes."""
        data = asdict(self)
        for name in ("id", "tenant_id", "display_name", "merged_into", "created_at", "updated_at"):
            del data[name]
        return data


# record field -> table column, where they differ
RENAMED = {"tenant_id": "tenant", "manager_id": "manager", "group_id": "client_group", "seller_id": "seller_entity"}
COLUMNS = [RENAMED.get(name, name) for name in ClientRecord.__dataclass_fields__]


def _record(row: dict) -> ClientRecord:
    return ClientRecord(**{name: row[RENAMED.get(name, name)] for name in ClientRecord.__dataclass_fields__})


def _columns(values: dict) -> dict:
    return {getattr(Client, RENAMED.get(k, k)): v for k, v in values.items()}


async def get(tenant_id: int, client_id: int) -> ClientRecord | None:
    row = await Client.select(*[getattr(Client, c) for c in COLUMNS]).where(
        (Client.tenant == tenant_id) & (Client.id == client_id)).first()
    return _record(row) if row else None


async def by_email(tenant_id: int, email: str) -> ClientRecord | None:
    row = await Client.select(*[getattr(Client, c) for c in COLUMNS]).where(
        (Client.tenant == tenant_id) & (Client.email == email)).first()
    return _record(row) if row else None


def _contains(text: str):
    """``search_text`` contains ``text`` exactly (no LIKE wildcards), on either engine."""
    function = "strpos" if is_postgres(Client._meta.db) else "instr"
    return WhereRaw(f"{function}(search_text, {{}}) > 0", text)


async def ids_matching(tenant_id: int, text: str) -> list[int]:
    """Clients whose names, e-mail or ИНН contain ``text`` (any case)."""
    rows = await Client.select(Client.id).where((Client.tenant == tenant_id) & _contains(text.strip().lower()))
    return [r["id"] for r in rows]


def _filter(tenant_id: int, *, status: str | None, client_type: str | None, group_id: int | None,
            manager_id: int | None, seller_id: int | None, search: str | None):
    where = Client.tenant == tenant_id
    if status:
        where &= Client.status == status
    if client_type:
        where &= Client.type == client_type
    if group_id is not None:
        where &= Client.client_group == group_id
    if manager_id is not None:
        where &= Client.manager == manager_id
    if seller_id is not None:
        where &= Client.seller_entity == seller_id
    for word in (search or "").lower().split():
        where &= _contains(word)
    return where


async def search(tenant_id: int, *, status: str | None = None, client_type: str | None = None,
                 group_id: int | None = None, manager_id: int | None = None, seller_id: int | None = None,
                 search: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[ClientRecord], int]:
    """One page of the tenant's clients matching the filters, by name, and the total count.
    ``search`` matches every word in the names, e-mail or ИНН, ignoring case."""
    where = _filter(tenant_id, status=status, client_type=client_type, group_id=group_id, manager_id=manager_id,
                    seller_id=seller_id, search=search)
    rows = await Client.select(*[getattr(Client, c) for c in COLUMNS]).where(where).order_by(
        Client.display_name).order_by(Client.id).limit(limit).offset(offset)
    total = await Client.count().where(where)
    return [_record(r) for r in rows], total


async def insert(tenant_id: int, values: dict) -> ClientRecord:
    rows = await Client.insert(Client(tenant=tenant_id, **{RENAMED.get(k, k): v for k, v in values.items()})
                               ).returning(Client.id)
    return await get(tenant_id, rows[0]["id"])


async def update(tenant_id: int, client_id: int, values: dict) -> ClientRecord | None:
    await Client.update(_columns(values | {"updated_at": utc_now()})).where(
        (Client.tenant == tenant_id) & (Client.id == client_id))
    return await get(tenant_id, client_id)


async def repoint_merged(tenant_id: int, old_target: int, new_target: int) -> int:
    """Clients merged earlier into ``old_target`` now point at ``new_target``; returns how many."""
    rows = await Client.update({Client.merged_into: new_target}).where(
        (Client.tenant == tenant_id) & (Client.merged_into == old_target)).returning(Client.id)
    return len(rows)


async def rows_still_referencing(tenant_id: int, client_id: int) -> dict[str, int]:
    """Rows of any table that still point at the client (``merged_into`` aside), by table name: what a
    merge left behind. Tables are found through Piccolo's reverse foreign keys, so a table added later
    is checked without being listed here."""
    left: dict[str, int] = {}
    for column in Client._meta.foreign_key_references:
        table = column._meta.table
        if table is Client:
            continue
        where = column == client_id
        if any(c._meta.name == "tenant" for c in table._meta.columns):
            where &= table.tenant == tenant_id
        if count := await table.count().where(where):
            left[table._meta.tablename] = left.get(table._meta.tablename, 0) + count
    return left


async def count_with_seller(tenant_id: int, seller_id: int) -> int:
    return await Client.count().where((Client.tenant == tenant_id) & (Client.seller_entity == seller_id))


# -- client groups -------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupRecord:
    id: int
    name: str
    description: str

    def public(self) -> dict:
        return asdict(self)


async def get_group(tenant_id: int, group_id: int) -> GroupRecord | None:
    row = await ClientGroup.select(ClientGroup.id, ClientGroup.name, ClientGroup.description).where(
        (ClientGroup.tenant == tenant_id) & (ClientGroup.id == group_id)).first()
    return GroupRecord(**row) if row else None


async def group_by_name(tenant_id: int, name: str) -> GroupRecord | None:
    row = await ClientGroup.select(ClientGroup.id, ClientGroup.name, ClientGroup.description).where(
        (ClientGroup.tenant == tenant_id) & (ClientGroup.name == name)).first()
    return GroupRecord(**row) if row else None


async def list_groups(tenant_id: int) -> list[GroupRecord]:
    rows = await ClientGroup.select(ClientGroup.id, ClientGroup.name, ClientGroup.description).where(
        ClientGroup.tenant == tenant_id).order_by(ClientGroup.name)
    return [GroupRecord(**r) for r in rows]


async def insert_group(tenant_id: int, *, name: str, description: str) -> GroupRecord:
    rows = await ClientGroup.insert(ClientGroup(tenant=tenant_id, name=name, description=description)
                                    ).returning(ClientGroup.id)
    return await get_group(tenant_id, rows[0]["id"])


async def update_group(tenant_id: int, group_id: int, values: dict) -> GroupRecord | None:
    await ClientGroup.update({getattr(ClientGroup, k): v for k, v in values.items()}).where(
        (ClientGroup.tenant == tenant_id) & (ClientGroup.id == group_id))
    return await get_group(tenant_id, group_id)


async def delete_group(tenant_id: int, group_id: int) -> None:
    await ClientGroup.delete().where((ClientGroup.tenant == tenant_id) & (ClientGroup.id == group_id))


async def count_in_group(tenant_id: int, group_id: int) -> int:
    return await Client.count().where((Client.tenant == tenant_id) & (Client.client_group == group_id))

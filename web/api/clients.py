from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, get, patch, post
from litestar.params import Parameter, QueryParameter
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from core.domain.clients import CLIENT_STATUSES, CLIENT_TYPES
from core.services import client_merge, clients
from core.services.actor import Actor
from core.services.custom_fields import values_by_client

CustomValues = Field(default=None, description="Custom field values by code; null or \"\" removes a value.")
CreditLimit = Field(default=None, description="How much a postpaid client may owe, as a decimal string (\"15000.00\").")


class ClientOut(BaseModel):
    id: int
    type: str = Field(description=f"One of: {', '.join(CLIENT_TYPES)}")
    status: str = Field(description=f"One of: {', '.join(CLIENT_STATUSES)}")
    display_name: str = Field(description="The company for a legal entity or ИП, the full name for an individual.")
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
    ogrn: str = Field(description="ОГРН (13 digits) of a legal entity or ОГРНИП (15) of an ИП.")
    bank_name: str
    bik: str
    settlement_account: str
    correspondent_account: str
    currency: str
    language: str
    manager_id: int | None
    group_id: int | None
    seller_id: int | None = Field(description="The seller entity; null means the tenant's default.")
    tax_exempt: bool
    separate_invoices: bool
    no_late_fees: bool
    no_overdue_notices: bool
    auto_block_exempt: bool = Field(description="Never blocked automatically.")
    block_exempt_until: str | None = Field(description="Not blocked automatically before this date.")
    credit_limit: str
    merged_into: int | None
    created_at: str
    updated_at: str
    custom_fields: dict[str, Any]


class ClientFields(BaseModel):
    first_name: str | None = None
    last_name: str | None = None
    middle_name: str | None = None
    company_name: str | None = None
    phone: str | None = None
    legal_address: str | None = None
    postal_address: str | None = None
    country: str | None = Field(default=None, description="ISO 3166 code; RU when not given.")
    inn: str | None = None
    kpp: str | None = Field(default=None, description="Legal entities only.")
    ogrn: str | None = None
    bank_name: str | None = None
    bik: str | None = None
    settlement_account: str | None = None
    correspondent_account: str | None = None
    currency: str | None = Field(default=None, description="ISO 4217; the tenant's currency when not given.")
    language: str | None = Field(default=None, description="ru or en; the tenant's language when not given.")
    status: str | None = None
    manager_id: int | None = None
    group_id: int | None = None
    seller_id: int | None = None
    tax_exempt: bool | None = None
    separate_invoices: bool | None = None
    no_late_fees: bool | None = None
    no_overdue_notices: bool | None = None
    auto_block_exempt: bool | None = None
    block_exempt_until: dt.date | None = None
    credit_limit: str | int | None = CreditLimit
    custom_fields: dict[str, Any] | None = CustomValues


class ClientIn(ClientFields):
    type: str = Field(description=f"One of: {', '.join(CLIENT_TYPES)}")
    email: str = Field(description="The main contact; unique in the tenant, case-insensitive.")


class ClientPatch(ClientFields):
    type: str | None = None
    email: str | None = None


class ClientPage(BaseModel):
    items: list[ClientOut]
    total: int
    limit: int
    offset: int


class MergeIn(BaseModel):
    into: int = Field(description="The client that receives everything; this client is closed.")


async def client_out(client) -> ClientOut:
    return ClientOut(**await clients.public(client))


class ClientsController(Controller):
    path = "/clients"
    tags = ["clients"]

    @get("/", summary="Clients, by name, filtered and paged")
    async def list(
        self,
        actor: Actor,
        status: str | None = None,
        client_type: Annotated[str | None, QueryParameter(name="type", description="legal, sole_proprietor or "
                                                                                 "individual")] = None,
        group_id: int | None = None,
        manager_id: int | None = None,
        seller_id: int | None = None,
        search: str | None = Parameter(default=None, description="Words to find in the name, e-mail or ИНН."),
        limit: int = Parameter(default=50, ge=1, le=500),
        offset: int = Parameter(default=0, ge=0),
    ) -> ClientPage:
        found, total = await clients.search(actor, status=status, client_type=client_type, group_id=group_id,
                                            manager_id=manager_id, seller_id=seller_id, search=search,
                                            limit=limit, offset=offset)
        values = await values_by_client(actor.tenant_id, [c.id for c in found])
        items = [ClientOut(**c.public(), custom_fields=values[c.id]) for c in found]
        return ClientPage(items=items, total=total, limit=limit, offset=offset)

    @post("/", summary="Create a client")
    async def create(self, actor: Actor, data: ClientIn) -> ClientOut:
        return await client_out(await clients.create(actor, **data.model_dump(exclude_unset=True)))

    @get("/{client_id:int}", summary="One client with its custom field values")
    async def show(self, actor: Actor, client_id: int) -> ClientOut:
        return await client_out(await clients.get(actor, client_id))

    @patch("/{client_id:int}", summary="Change a client; only the given fields change, null clears one")
    async def update(self, actor: Actor, client_id: int, data: ClientPatch) -> ClientOut:
        return await client_out(await clients.update(actor, client_id, **data.model_dump(exclude_unset=True)))

    @post("/{client_id:int}/merge", status_code=HTTP_200_OK,
          summary="Merge this client into another; answers the target")
    async def merge(self, actor: Actor, client_id: int, data: MergeIn) -> ClientOut:
        return await client_out(await client_merge.merge(actor, client_id, data.into))

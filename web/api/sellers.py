from __future__ import annotations

from litestar import Controller, get, patch, post
from pydantic import BaseModel, Field

from core.domain.sellers import VAT_STATUSES
from core.services import sellers
from core.services.actor import Actor

TaxDocumentField = Field(default=None, description="Issued with each act: none, tax_invoice (счёт-фактура) or upd "
                                                 "(УПД; status 1 for a VAT payer, 2 without VAT).")
VatField = Field(description=f"One of: {', '.join(VAT_STATUSES)} (no_vat: без НДС under УСН).")


class SellerOut(BaseModel):
    id: int
    name: str
    short_name: str
    inn: str
    kpp: str
    ogrn: str
    legal_address: str
    bank_name: str
    bik: str
    correspondent_account: str
    settlement_account: str
    director_name: str
    chief_accountant_name: str
    vat_status: str = VatField
    tax_document: str = TaxDocumentField
    is_default: bool
    created_at: str
    updated_at: str


class SellerFields(BaseModel):
    short_name: str | None = None
    kpp: str | None = Field(default=None, description="Required for a company (10-digit ИНН), none for an ИП.")
    ogrn: str | None = None
    legal_address: str | None = None
    bank_name: str | None = None
    bik: str | None = None
    correspondent_account: str | None = None
    settlement_account: str | None = None
    director_name: str | None = Field(default=None, description="Signs documents as the director.")
    chief_accountant_name: str | None = Field(default=None, description="Signs documents as the chief accountant.")
    is_default: bool | None = Field(default=None, description="Make this the tenant's default seller entity.")


class SellerIn(SellerFields):
    tax_document: str = TaxDocumentField
    name: str = Field(description="The full name, as printed on documents.")
    inn: str
    vat_status: str = VatField


class SellerPatch(SellerFields):
    name: str | None = None
    inn: str | None = None
    vat_status: str | None = None
    tax_document: str | None = TaxDocumentField


class SellerEntitiesController(Controller):
    path = "/seller-entities"
    tags = ["sellers"]

    @get("/", summary="The tenant's seller entities")
    async def list(self, actor: Actor) -> list[SellerOut]:
        return [SellerOut(**s.public()) for s in await sellers.list_sellers(actor)]

    @post("/", summary="Add a seller entity (the first one becomes the default)")
    async def create(self, actor: Actor, data: SellerIn) -> SellerOut:
        values = data.model_dump(exclude_none=True)
        return SellerOut(**(await sellers.create(actor, **values)).public())

    @get("/{seller_id:int}", summary="One seller entity")
    async def show(self, actor: Actor, seller_id: int) -> SellerOut:
        return SellerOut(**(await sellers.get(actor, seller_id)).public())

    @patch("/{seller_id:int}", summary="Change a seller entity or make it the default")
    async def update(self, actor: Actor, seller_id: int, data: SellerPatch) -> SellerOut:
        return SellerOut(**(await sellers.update(actor, seller_id, **data.model_dump(exclude_unset=True))).public())

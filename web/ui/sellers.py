"""Seller entities: the tenant's legal entities whose requisites go onto documents."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.sellers import TAX_DOCUMENTS, TEXT_FIELDS, VAT_STATUSES
from core.services import sellers
from core.services.errors import InvalidInput
from web.principal import Principal
from web.ui.render import field_errors, form_data, page, redirect

FIELDS = (*TEXT_FIELDS, "vat_status", "tax_document")


def _values(form: dict) -> dict:
    return {name: form.get(name, "") for name in FIELDS}


async def _list_page(request: Request, principal: Principal, *, errors: dict | None = None,
                     values: dict | None = None, status_code: int = 200) -> Template:
    return await page(request, principal, "sellers.html", active="sellers",
                      sellers=await sellers.list_sellers(principal.actor), vat_statuses=VAT_STATUSES, tax_documents=TAX_DOCUMENTS,
                      errors=errors or {}, form=values or {"vat_status": "no_vat"}, status_code=status_code)


async def _seller_page(request: Request, principal: Principal, seller_id: int, *, errors: dict | None = None,
                       values: dict | None = None, status_code: int = 200) -> Template:
    seller = await sellers.get(principal.actor, seller_id)
    return await page(request, principal, "seller.html", active="sellers", subject=seller,
                      vat_statuses=VAT_STATUSES, tax_documents=TAX_DOCUMENTS, errors=errors or {}, form=values or seller.public(),
                      status_code=status_code)


class SellersPages(Controller):
    path = "/seller-entities"

    @get("/")
    async def index(self, request: Request, principal: Principal) -> Template:
        return await _list_page(request, principal)

    @post("/")
    async def create(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            seller = await sellers.create(principal.actor, **_values(form))
        except InvalidInput as exc:
            return await _list_page(request, principal, errors=field_errors(exc), values=form,
                                    status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/seller-entities/{seller.id}", "sellers.created")

    @get("/{seller_id:int}")
    async def show(self, request: Request, principal: Principal, seller_id: int) -> Template:
        return await _seller_page(request, principal, seller_id)

    @post("/{seller_id:int}")
    async def update(self, request: Request, principal: Principal, seller_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await sellers.update(principal.actor, seller_id, **_values(form))
        except InvalidInput as exc:
            return await _seller_page(request, principal, seller_id, errors=field_errors(exc), values=form,
                                      status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/seller-entities/{seller_id}", "sellers.saved")

    @post("/{seller_id:int}/default")
    async def make_default(self, principal: Principal, seller_id: int) -> Redirect:
        await sellers.update(principal.actor, seller_id, is_default=True)
        return redirect(f"/seller-entities/{seller_id}", "sellers.default_done")

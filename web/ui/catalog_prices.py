"""The price and option forms of the product card, and the page of a configurable option.

A new price of a cycle that already has one needs an explicit choice of when it takes
effect («сразу, с перерасчётом» or «со следующего периода»): the form offers both and
checks neither, so the service refuses the price until one is chosen.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.db.queries.catalog import OptionRecord
from core.services import catalog, catalog_options, catalog_prices
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.catalog import allowed_cycles, business_date, catalog_options_of, prices_by_cycle, product_page
from web.ui.forms import day, decimal_text, errors_of, optional_decimal, whole
from web.ui.render import form_data, page, redirect

OPTION_TAKEN = {"code": "another option of this product has this code"}


def price_values(form: dict, *, with_setup_fee: bool) -> dict:
    """The service's keyword arguments from a posted price form."""
    values = {"cycle": form.get("cycle", ""), "unit_price": decimal_text(form.get("unit_price")) or None,
              "effective_from": day(form, "effective_from"), "apply_mode": form.get("apply_mode") or None}
    if with_setup_fee:
        values["setup_fee"] = optional_decimal(form, "setup_fee")
    return {k: v for k, v in values.items() if v is not None or k == "unit_price"}


def option_values(form: dict, *, creating: bool) -> dict:
    values = {"name": form.get("name", ""), "unit": (form.get("unit") or "").strip(),
              "unit_okei": (form.get("unit_okei") or "").strip(),
              "min_quantity": whole(form, "min_quantity", 0), "max_quantity": whole(form, "max_quantity"),
              "position": whole(form, "position", 0)}
    return values | ({"code": form.get("code", "")} if creating else {})


def option_form(option: OptionRecord) -> dict:
    form = option.public()
    return form | {"max_quantity": "" if option.max_quantity is None else option.max_quantity}


async def _option_page(request: Request, principal: Principal, option_id: int, *, status_code: int = 200,
                       errors: dict | None = None, values: dict | None = None, section: str = "") -> Template:
    """The option's page; ``section`` (option, price) names the form whose errors are shown."""
    actor = principal.actor
    option = await catalog_options.get(actor, option_id)
    product = await catalog.get(actor, option.product_id)
    today = await business_date(principal)
    return await page(
        request, principal, "option.html", active="catalog", status_code=status_code, subject=option,
        product=product, today=today, allowed_cycles=allowed_cycles(product.kind),
        prices=prices_by_cycle(await catalog_prices.option_prices(actor, option.id), today),
        form=values if section == "option" and values else option_form(option),
        errors=(errors or {}) if section == "option" else {},
        price_errors=(errors or {}) if section == "price" else {},
        price_values=(values or {}) if section == "price" else {"effective_from": today.isoformat()},
        **await catalog_options_of(principal),
    )


class CatalogPricesPages(Controller):
    path = "/catalog"

    @post("/products/{product_id:int}/prices")
    async def add_price(self, request: Request, principal: Principal, product_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await catalog_prices.add_product_price(principal.actor, product_id,
                                                   **price_values(form, with_setup_fee=True))
        except (InvalidInput, Conflict) as exc:
            return await product_page(request, principal, product_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                      errors=errors_of(exc), values=form, section="price")
        return redirect(f"/catalog/products/{product_id}", "catalog.price_added")

    @post("/products/{product_id:int}/options")
    async def add_option(self, request: Request, principal: Principal, product_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            option = await catalog_options.create(principal.actor, product_id,
                                                  **option_values(form, creating=True))
        except (InvalidInput, Conflict) as exc:
            return await product_page(request, principal, product_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                      errors=errors_of(exc, OPTION_TAKEN), values=form, section="option")
        return redirect(f"/catalog/options/{option.id}", "catalog.option_created")

    @get("/options/{option_id:int}")
    async def show_option(self, request: Request, principal: Principal, option_id: int) -> Template:
        return await _option_page(request, principal, option_id)

    @post("/options/{option_id:int}")
    async def update_option(self, request: Request, principal: Principal, option_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await catalog_options.update(principal.actor, option_id, **option_values(form, creating=False))
        except (InvalidInput, Conflict) as exc:
            shown = option_form(await catalog_options.get(principal.actor, option_id)) | form
            return await _option_page(request, principal, option_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                      errors=errors_of(exc), values=shown, section="option")
        return redirect(f"/catalog/options/{option_id}", "catalog.option_saved")

    @post("/options/{option_id:int}/prices")
    async def add_option_price(self, request: Request, principal: Principal, option_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await catalog_prices.add_option_price(principal.actor, option_id,
                                                  **price_values(form, with_setup_fee=False))
        except (InvalidInput, Conflict) as exc:
            return await _option_page(request, principal, option_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                      errors=errors_of(exc), values=form, section="price")
        return redirect(f"/catalog/options/{option_id}", "catalog.price_added")

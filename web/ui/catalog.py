"""The catalog: product groups, the product list with filters, the new-product and edit forms,
and the product card (its prices by cycle, options and add-ons; their forms are in
``catalog_prices``)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.db.queries.catalog import PriceRecord, ProductRecord
from core.domain.catalog import OKEI_UNITS, ProductKind, cycles_allowed
from core.domain.catalog_checks import APPLY_MODES, CYCLES, KINDS, PAYMENT_MODELS, VAT_RATES
from core.domain.periods import BillingCycle
from core.domain.roles import MANAGE_BILLING
from core.services import catalog, catalog_options, catalog_prices, sellers, tenants
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.forms import errors_of, reference, whole
from web.ui.render import form_data, page, redirect

PAGE_SIZE = 50
TAKEN = {"code": "another product has this code", "name": "another product group has this name"}
ACTIVE_FILTER = {"yes": True, "no": False}


async def business_date(principal: Principal) -> date:
    return tenants.clock_of(await tenants.get(principal.actor.tenant_id)).today()


async def catalog_options_of(principal: Principal) -> dict:
    """What the catalog forms choose from, and the value lists their labels are built from."""
    actor = principal.actor
    groups = await catalog.list_groups(actor)
    bases, _ = await catalog.search(actor, limit=500)
    return {
        "groups": groups, "group_options": [(g.id, g.name) for g in groups],
        "seller_options": [(s.id, s.short_name or s.name) for s in await sellers.list_sellers(actor)],
        "base_options": [(p.id, f"{p.name} ({p.code})") for p in bases if p.addon_of is None],
        "kinds": KINDS, "cycles": CYCLES, "payment_models": PAYMENT_MODELS, "vat_rates": VAT_RATES,
        "apply_modes": APPLY_MODES, "okei_units": sorted(OKEI_UNITS.items(), key=lambda item: int(item[0])),
        "can_edit": actor.can(MANAGE_BILLING),
    }


def allowed_cycles(kind: str) -> list[str]:
    """The cycles a product of ``kind`` is sold by, in the usual order."""
    return [c.value for c in BillingCycle if c in cycles_allowed(ProductKind(kind))]


def product_form(product: ProductRecord) -> dict:
    """The edit form's values for a saved product."""
    form = {k: v for k, v in product.public().items() if k not in ("id", "created_at")}
    form["vat_included"] = "included" if product.vat_included else "added"
    return form | {k: "" if form[k] is None else form[k] for k in ("group_id", "seller_id", "addon_of")}


def product_values(form: dict, *, creating: bool) -> dict:
    """The service's keyword arguments from a posted product form. Unchecked checkboxes are
    absent from a form, so they mean False; an empty VAT rate on a new product means the
    seller entity's."""
    values = {
        "name": form.get("name", ""), "description": form.get("description", ""),
        "unit": (form.get("unit") or "").strip(), "unit_okei": (form.get("unit_okei") or "").strip(),
        "vat_rate": form.get("vat_rate") or None, "vat_included": form.get("vat_included", "included") == "included",
        "payment_model": form.get("payment_model") or None, "is_active": bool(form.get("is_active")),
        "group_id": reference(form, "group_id"), "seller_id": reference(form, "seller_id"),
    }
    if creating:
        values |= {"code": form.get("code", ""), "kind": form.get("kind", ""), "addon_of": reference(form, "addon_of")}
    else:
        values = {k: v for k, v in values.items() if v is not None or k in ("group_id", "seller_id")}
    return values


def prices_by_cycle(history: list[PriceRecord], today: date) -> list[dict]:
    """Each priced cycle with its history (newest first) and the price in effect today."""
    cycles = []
    for cycle in CYCLES:
        rows = [p for p in history if p.cycle.value == cycle]
        if not rows:
            continue
        current = max((p for p in rows if p.effective_from <= today), key=lambda p: (p.effective_from, p.id),
                      default=None)
        cycles.append({"cycle": cycle, "current": current,
                       "history": sorted(rows, key=lambda p: (p.effective_from, p.id), reverse=True)})
    return cycles


async def product_page(request: Request, principal: Principal, product_id: int, *, status_code: int = 200,
                       errors: dict | None = None, values: dict | None = None, section: str = "") -> Template:
    """The product card; ``section`` (product, price, option) names the form whose ``errors``
    and submitted ``values`` are shown again."""
    actor = principal.actor
    product = await catalog.get(actor, product_id)
    today = await business_date(principal)
    options = []
    for option in await catalog_options.options_of(actor, product.id):
        prices = prices_by_cycle(await catalog_prices.option_prices(actor, option.id), today)
        options.append({"option": option, "prices": prices})
    addons, _ = await catalog.search(actor, addon_of=product.id, limit=500)
    base = await catalog.get(actor, product.addon_of) if product.addon_of else None
    forms = {name: ((errors or {}) if section == name else {}, (values or {}) if section == name else {})
             for name in ("product", "price", "option")}
    return await page(
        request, principal, "product.html", active="catalog", status_code=status_code, subject=product,
        today=today, prices=prices_by_cycle(await catalog_prices.product_prices(actor, product.id), today),
        product_options=options, addons=addons, base=base, allowed_cycles=allowed_cycles(product.kind),
        form=forms["product"][1] or product_form(product), errors=forms["product"][0],
        price_errors=forms["price"][0], price_values=forms["price"][1] or {"effective_from": today.isoformat()},
        option_errors=forms["option"][0], option_values=forms["option"][1],
        **await catalog_options_of(principal),
    )


async def _catalog_page(request: Request, principal: Principal, *, filters: dict, page_number: int = 1,
                        group_errors: dict | None = None, group_values: dict | None = None,
                        status_code: int = 200) -> Template:
    group = int(filters["group_id"]) if filters["group_id"].isdigit() else None
    found, total = await catalog.search(principal.actor, group_id=group, kind=filters["kind"] or None,
                                        active=ACTIVE_FILTER.get(filters["active"]), search=filters["search"] or None,
                                        limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)

    def page_link(number: int) -> str:
        return "/catalog?" + urlencode({k: v for k, v in filters.items() if v} | {"page_number": number})

    options = await catalog_options_of(principal)
    return await page(
        request, principal, "catalog.html", active="catalog", status_code=status_code, items=found, total=total,
        filters=filters, page_link=page_link, group_names=dict(options["group_options"]),
        previous_page=page_number - 1 if page_number > 1 else None,
        next_page=page_number + 1 if page_number * PAGE_SIZE < total else None,
        group_errors=group_errors or {}, group_values=group_values or {}, **options,
    )


async def _new_page(request: Request, principal: Principal, *, form: dict, errors: dict | None = None,
                    status_code: int = 200) -> Template:
    return await page(request, principal, "product_new.html", active="catalog", form=form, errors=errors or {},
                      status_code=status_code, **await catalog_options_of(principal))


class CatalogPages(Controller):
    path = "/catalog"

    @get("/")
    async def index(self, request: Request, principal: Principal, search: str = "", group_id: str = "",
                    kind: str = "", active: str = "", page_number: int = 1) -> Template:
        """Products by name; ``page_number`` pages through them."""
        filters = {"search": search, "group_id": group_id, "kind": kind, "active": active}
        return await _catalog_page(request, principal, filters=filters, page_number=max(page_number, 1))

    @post("/groups")
    async def add_group(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            await catalog.create_group(principal.actor, name=form.get("name", ""),
                                       position=whole(form, "position", 0))
        except (InvalidInput, Conflict) as exc:
            return await _catalog_page(request, principal, filters=dict.fromkeys(("search", "group_id", "kind",
                                                                                  "active"), ""),
                                       group_errors=errors_of(exc, TAKEN), group_values=form,
                                       status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/catalog", "catalog.group_added")

    @post("/groups/{group_id:int}")
    async def update_group(self, request: Request, principal: Principal, group_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await catalog.update_group(principal.actor, group_id, name=form.get("name", ""),
                                       position=whole(form, "position", 0))
        except (InvalidInput, Conflict) as exc:
            return await _catalog_page(request, principal, filters=dict.fromkeys(("search", "group_id", "kind",
                                                                                  "active"), ""),
                                       group_errors=errors_of(exc, TAKEN) | {"group": str(group_id)},
                                       group_values=form, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/catalog", "catalog.group_saved")

    @get("/products/new")
    async def new_product(self, request: Request, principal: Principal, addon_of: str = "") -> Template:
        principal.actor.require(MANAGE_BILLING)
        form = {"kind": "recurring", "payment_model": "prepaid", "vat_included": "included", "is_active": True,
                "addon_of": addon_of if addon_of.isdigit() else ""}
        return await _new_page(request, principal, form=form)

    @post("/products")
    async def create_product(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            product = await catalog.create(principal.actor, **product_values(form, creating=True))
        except (InvalidInput, Conflict) as exc:
            return await _new_page(request, principal, form=form, errors=errors_of(exc, TAKEN),
                                   status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/catalog/products/{product.id}", "catalog.product_created")

    @get("/products/{product_id:int}")
    async def show_product(self, request: Request, principal: Principal, product_id: int) -> Template:
        return await product_page(request, principal, product_id)

    @post("/products/{product_id:int}")
    async def update_product(self, request: Request, principal: Principal, product_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await catalog.update(principal.actor, product_id, **product_values(form, creating=False))
        except (InvalidInput, Conflict) as exc:
            product = await catalog.get(principal.actor, product_id)
            shown = product_form(product) | form | {"is_active": bool(form.get("is_active"))}
            return await product_page(request, principal, product_id, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                                      errors=errors_of(exc, TAKEN), values=shown, section="product")
        return redirect(f"/catalog/products/{product_id}", "catalog.product_saved")

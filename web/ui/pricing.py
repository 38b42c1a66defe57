"""«Скидки и правила»: the tenant's discounts and promo codes, and its business rules."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.roles import MANAGE_BILLING, MANAGE_TENANT
from core.domain.rules import DAY_CLOSE_MODES, INVOICE_POSTINGS, BillingRules
from core.services import catalog, clients, discounts, tenants
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.render import field_errors, form_data, page, redirect

RULES_FORM = "rules"


def _optional(form: dict, name: str, convert=str):
    value = (form.get(name) or "").strip()
    if not value:
        return None
    try:
        return convert(value)
    except ValueError:
        raise InvalidInput.field(name, "has a wrong format") from None


async def _page(request: Request, principal: Principal, *, section: str = "", errors: dict | None = None,
                values: dict | None = None, status_code: int = 200) -> Template:
    actor = principal.actor
    tenant = await tenants.get(actor.tenant_id)
    client_list, _ = await clients.search(actor, limit=500)
    product_list, _ = await catalog.search(actor, limit=500)
    return await page(
        request, principal, "pricing.html", active="pricing", status_code=status_code,
        discounts=await discounts.list_discounts(actor), clients={c.id: c for c in client_list},
        products={p.id: p for p in product_list}, client_options=[(c.id, c.display_name) for c in client_list],
        product_options=[(p.id, p.name) for p in product_list], rules=BillingRules.from_settings(tenant.settings),
        can_edit=actor.can(MANAGE_BILLING), can_rule=actor.can(MANAGE_TENANT),
        discount_errors=(errors or {}) if section == "discount" else {},
        discount_values=(values or {}) if section == "discount" else {"kind": "percent"},
        rules_errors=(errors or {}) if section == RULES_FORM else {}, day_close_modes=DAY_CLOSE_MODES, invoice_postings=INVOICE_POSTINGS,
        rules_values=(values or {}) if section == RULES_FORM else {},
    )


class PricingPages(Controller):
    path = "/pricing"

    @get("/")
    async def index(self, request: Request, principal: Principal) -> Template:
        return await _page(request, principal)

    @post("/discounts")
    async def add(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            await discounts.create(
                principal.actor, kind=form.get("kind", ""), value=(form.get("value") or "").replace(",", "."),
                description=form.get("description", ""), client_id=_optional(form, "client_id", int),
                product_id=_optional(form, "product_id", int),
                valid_from=_optional(form, "valid_from", date.fromisoformat),
                valid_to=_optional(form, "valid_to", date.fromisoformat),
                promo_code=_optional(form, "promo_code"), max_uses=_optional(form, "max_uses", int))
        except (InvalidInput, Conflict) as exc:
            return await _page(request, principal, section="discount", errors=field_errors(exc), values=form,
                               status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/pricing", "pricing.discount_added")

    @post("/discounts/{discount_id:int}/active")
    async def toggle(self, request: Request, principal: Principal, discount_id: int) -> Redirect:
        form = await form_data(request)
        await discounts.update(principal.actor, discount_id, is_active=form.get("active") == "1")
        return redirect("/pricing", "pricing.discount_saved")

    @post("/rules")
    async def rules(self, request: Request, principal: Principal) -> Template | Redirect:
        form = await form_data(request)
        try:
            rules = {"allow_duplicate_products": form.get("allow_duplicate_products") == "1",
                     "plan_change_policy": form.get("plan_change_policy", "")}
            if "day_close_mode" in form:  # a form without the day close fields keeps them
                rules["day_close_mode"] = form["day_close_mode"]
            if "day_close_time" in form:
                rules["day_close_time"] = _close_time(form["day_close_time"])
            if "invoice_posting" in form:
                rules["invoice_posting"] = form["invoice_posting"]
            await tenants.update_settings(principal.actor, rules=rules)
        except InvalidInput as exc:
            errors = {k.removeprefix("rules."): v for k, v in field_errors(exc).items()}
            return await _page(request, principal, section=RULES_FORM, errors=errors, values=form,
                               status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect("/pricing", "pricing.rules_saved")


def _close_time(value: str | None) -> str:
    """The close time as the rules keep it (HH:MM); a time input may add seconds (HH:MM:SS)."""
    text = (value or "").strip()
    return text[:5] if len(text) == 8 and text[5:6] == ":" else text

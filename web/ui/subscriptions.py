"""Subscriptions: ordering one for a client, the subscription page with its status changes and
history, and cancellation. Changes of plan (a preview first, then applying it) are in
``plan_change``."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.catalog_checks import CYCLES
from core.domain.plan_change import ChangeKind, ChangePolicy
from core.domain.roles import MANAGE_BILLING
from core.domain.rules import BillingRules
from core.domain.subscriptions import TRANSITIONS, Status
from core.plugins.manager import PluginRegistry
from core.services import catalog, catalog_options, catalog_prices, clients, subscriptions, tenants
from core.services.errors import Conflict, InvalidInput
from web.principal import Principal
from web.ui.catalog import allowed_cycles, business_date, prices_by_cycle
from web.ui.forms import day, decimal_text, errors_of, optional_decimal, reference, whole
from web.ui.render import form_data, page, redirect

STATUSES = tuple(s.value for s in Status)
CHANGEABLE = (Status.ACTIVE.value, Status.GRACED.value)
OPTION_FIELD = "options."


def next_statuses(status: str) -> list[str]:
    """The statuses a subscription may move to by the status form, in the order of the seed's
    list. Cancelling has its own form, which credits the unused part of the period."""
    allowed = TRANSITIONS[Status(status)] - {Status.CANCELLED}
    return [s.value for s in Status if s in allowed]


def option_quantities(form: dict, codes: list[str]) -> dict[str, int]:
    """``options.<code>`` fields → quantities; empty fields are left out."""
    found = {}
    for code in codes:
        quantity = whole(form, f"{OPTION_FIELD}{code}")
        if quantity is not None:
            found[code] = quantity
    return found


async def _order_page(request: Request, principal: Principal, client_id: int, product_id: int | None, *,
                      form: dict | None = None, errors: dict | None = None, status_code: int = 200) -> Template:
    """The order form: first the product, then its cycle (those priced), quantity and options."""
    actor = principal.actor
    client = await clients.get(actor, client_id)
    products, _ = await catalog.search(actor, active=True, limit=500)
    context: dict = {"product": None, "product_prices": [], "product_options": [], "parent_options": [],
                     "cycle_options": []}
    today = await business_date(principal)
    if product_id is not None:
        product = await catalog.get(actor, product_id)
        prices = prices_by_cycle(await catalog_prices.product_prices(actor, product.id), today)
        priced = {c["cycle"] for c in prices if c["current"]} | ({"free"} if product.kind == "free" else set())
        parents = [s for s in await subscriptions.of_client(actor, client.id)
                   if product.addon_of and s.product_id == product.addon_of and s.status != Status.CANCELLED.value]
        context = {"product": product, "product_prices": prices,
                   "product_options": await catalog_options.options_of(actor, product.id),
                   "parent_options": [(s.id, f"#{s.id}") for s in parents],
                   "cycle_options": [c for c in allowed_cycles(product.kind) if c in priced]}
    default = {"quantity": "1", "billing_day": "1", "start_date": today.isoformat(),
               "product_id": "" if product_id is None else str(product_id)}
    return await page(request, principal, "subscription_new.html", active="clients", status_code=status_code,
                      subject=client, products=[(p.id, f"{p.name} ({p.code})") for p in products],
                      form=form or default, errors=errors or {}, cycles=CYCLES, today=today, **context)


async def subscription_page(request: Request, principal: Principal, subscription_id: int, *,
                            status_code: int = 200, errors: dict | None = None, values: dict | None = None,
                            section: str = "") -> Template:
    """The subscription page; ``section`` (status, change, cancel, suspend) names the form whose
    ``errors`` and submitted ``values`` are shown again."""
    actor = principal.actor
    subscription = await subscriptions.get(actor, subscription_id)
    client = await clients.get(actor, subscription.client_id)
    product = await catalog.get(actor, subscription.product_id)
    options = await catalog_options.options_of(actor, product.id)
    switchable, _ = await catalog.search(actor, active=True, limit=500)
    switchable = [p for p in switchable if p.addon_of == product.addon_of and subscription.cycle.value in
                  allowed_cycles(p.kind)]
    if product.id not in {p.id for p in switchable}:
        switchable.insert(0, product)
    tenant = await tenants.get(actor.tenant_id)
    children = [s for s in await subscriptions.of_client(actor, client.id) if s.parent_id == subscription.id]
    by_code = {o.code: subscription.options.get(o.id, 0) for o in options}
    change_default = {"product_id": str(product.id), "quantity": f"{subscription.quantity.normalize():f}",
                      "cycle": subscription.cycle.value,
                      "policy": BillingRules.from_settings(tenant.settings).plan_change_policy}
    change_default |= {f"{OPTION_FIELD}{code}": str(q) for code, q in by_code.items()}
    forms = {name: ((errors or {}) if section == name else {}, (values or {}) if section == name else {})
             for name in ("status", "change", "cancel", "suspend")}
    return await page(
        request, principal, "subscription.html", active="clients", status_code=status_code, subject=subscription,
        client=client, product=product, options=options, option_names={o.id: o for o in options},
        children=children, history=await subscriptions.history(actor, subscription.id),
        scheduled=await subscriptions.scheduled(actor, subscription.id),
        statuses=STATUSES, next_statuses=next_statuses(subscription.status), cycles=CYCLES,
        change_kinds=[k.value for k in ChangeKind], policies=[p.value for p in ChangePolicy],
        can_edit=actor.can(MANAGE_BILLING), can_change=subscription.status in CHANGEABLE and subscription.period,
        switch_options=[(p.id, f"{p.name} ({p.code})") for p in switchable],
        cycle_options=[c for c in CYCLES if c in allowed_cycles(product.kind) and c not in ("free", "one_time")],
        today=await business_date(principal),
        status_errors=forms["status"][0], status_values=forms["status"][1],
        change_errors=forms["change"][0], change_values=forms["change"][1] or change_default,
        cancel_errors=forms["cancel"][0], cancel_values=forms["cancel"][1],
        suspend_errors=forms["suspend"][0], suspend_values=forms["suspend"][1],
    )


class SubscriptionOrderPages(Controller):
    path = "/clients/{client_id:int}/subscriptions"

    @get("/new")
    async def new(self, request: Request, principal: Principal, client_id: int, product_id: str = "") -> Template:
        principal.actor.require(MANAGE_BILLING)
        chosen = int(product_id) if product_id.isdigit() else None
        return await _order_page(request, principal, client_id, chosen)

    @post("/")
    async def create(self, request: Request, principal: Principal, client_id: int) -> Template | Redirect:
        form = await form_data(request)
        product_id = None
        try:
            product_id = reference(form, "product_id")
            if product_id is None:
                raise InvalidInput.field("product_id", "must be chosen from the list")
            codes = [o.code for o in await catalog_options.options_of(principal.actor, product_id)]
            created = await subscriptions.create(
                principal.actor, client_id=client_id, product_id=product_id, cycle=form.get("cycle", ""),
                quantity=decimal_text(form.get("quantity")) or "1", options=option_quantities(form, codes),
                price_override=optional_decimal(form, "price_override"), billing_day=whole(form, "billing_day", 1),
                start_date=day(form, "start_date"), parent_id=reference(form, "parent_id"),
                promo_code=(form.get("promo_code") or "").strip() or None)
        except (InvalidInput, Conflict) as exc:
            return await _order_page(request, principal, client_id, product_id, form=form,
                                     errors=errors_of(exc), status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/subscriptions/{created.id}", "subscriptions.created")


class SubscriptionPages(Controller):
    path = "/subscriptions/{subscription_id:int}"

    @get("/")
    async def show(self, request: Request, principal: Principal, subscription_id: int) -> Template:
        return await subscription_page(request, principal, subscription_id)

    @post("/status")
    async def change_status(self, request: Request, principal: Principal, subscription_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            await subscriptions.change_status(principal.actor, subscription_id, form.get("status", ""),
                                              (form.get("reason") or "").strip())
        except (InvalidInput, Conflict) as exc:
            return await subscription_page(request, principal, subscription_id, errors=errors_of(exc), values=form,
                                           section="status", status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/subscriptions/{subscription_id}", "subscriptions.status_changed")

    @post("/suspend-override")
    async def suspend_override(self, request: Request, principal: Principal,
                               subscription_id: int) -> Template | Redirect:
        """«Не приостанавливать до»: no automatic suspension before the date (empty: lifted)."""
        form = await form_data(request)
        try:
            await subscriptions.set_suspend_override(principal.actor, subscription_id, day(form, "until"),
                                                     (form.get("reason") or "").strip())
        except (InvalidInput, Conflict) as exc:
            return await subscription_page(request, principal, subscription_id, errors=errors_of(exc), values=form,
                                           section="suspend", status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/subscriptions/{subscription_id}", "subscriptions.suspend_saved")

    @post("/cancel")
    async def cancel(self, request: Request, principal: Principal, registry: PluginRegistry,
                     subscription_id: int) -> Template | Redirect:
        form = await form_data(request)
        try:
            when = form.get("when", "")
            if when not in ("at_once", "period_end"):
                raise InvalidInput.field("when", "must be chosen from the list")
            await subscriptions.cancel(principal.actor, registry, subscription_id, at_once=when == "at_once",
                                       reason=form.get("reason", ""))
        except (InvalidInput, Conflict) as exc:
            errors = errors_of(exc)
            if "at_once" in errors:
                errors["when"] = errors.pop("at_once")
            return await subscription_page(request, principal, subscription_id, errors=errors, values=form,
                                           section="cancel", status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/subscriptions/{subscription_id}", "subscriptions.cancelled")

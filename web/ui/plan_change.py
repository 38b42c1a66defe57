"""Changing a subscription's plan, quantity or options in two steps.

The change form posts to the preview, which shows every line exactly as applying would post
it (description, quantity, unit price, days as «150 / 181», amount), the total and whether
the change is an upgrade, a downgrade or a crossgrade. Nothing changes until the preview is
confirmed; the confirmation carries the previewed total, and if the change would now post
anything else (the business date moved, a price changed) the new preview is shown instead.
"""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.catalog_checks import CYCLES
from core.domain.plan_change import ChangePolicy
from core.plugins.manager import PluginRegistry
from core.domain.roles import MANAGE_BILLING
from core.services import catalog, catalog_options, clients, subscriptions
from core.services.errors import Conflict, InvalidInput
from core.services.subscriptions import ChangePreview
from web.principal import Principal
from web.ui.forms import decimal_text, errors_of, reference
from web.ui.render import GENERAL, form_data, page, redirect
from web.ui.subscriptions import OPTION_FIELD, option_quantities, subscription_page


async def change_values(principal: Principal, subscription_id: int, form: dict) -> dict:
    """The service's keyword arguments from a posted change form. Options are read for the
    product the subscription is to have (the codes of another product's options are left out)."""
    current = await subscriptions.get(principal.actor, subscription_id)
    product_id = reference(form, "product_id") or current.product_id
    codes = [o.code for o in await catalog_options.options_of(principal.actor, product_id)]
    cycle = form.get("cycle") or None
    values = {"product_id": product_id, "quantity": decimal_text(form.get("quantity")) or None,
              "options": option_quantities(form, codes), "policy": form.get("policy") or None,
              "cycle": None if cycle == current.cycle.value else cycle}
    if values["cycle"]:  # a cycle changes from the next period, whatever policy was left chosen
        values["policy"] = None
    return {k: v for k, v in values.items() if v is not None}


def _change_errors(exc: InvalidInput | Conflict) -> dict:
    errors = errors_of(exc)
    if "status" in errors:  # not active: a message for the whole form
        return {GENERAL: "only an active subscription can change"}
    return errors


async def _preview_page(request: Request, principal: Principal, preview: ChangePreview, values: dict, *,
                        changed: bool = False, status_code: int = 200) -> Template:
    actor = principal.actor
    subscription = preview.subscription
    old_product = await catalog.get(actor, subscription.product_id)
    new_product = await catalog.get(actor, preview.new_product_id)
    option_names = {o.id: o for o in await catalog_options.options_of(actor, old_product.id)}
    option_names |= {o.id: o for o in await catalog_options.options_of(actor, new_product.id)}
    hidden = {"product_id": str(preview.new_product_id), "quantity": f"{preview.new_quantity.normalize():f}",
              "policy": preview.policy.value, "cycle": preview.new_cycle.value,
              "expected_total": str(preview.total.amount)}
    hidden |= {f"{OPTION_FIELD}{code}": str(q) for code, q in values.get("options", {}).items()}
    return await page(request, principal, "plan_change.html", active="clients", status_code=status_code,
                      subject=subscription, preview=preview, old_product=old_product, new_product=new_product,
                      option_names=option_names, hidden=hidden, changed=changed, cycles=CYCLES,
                      client=await clients.get(actor, subscription.client_id))


class PlanChangePages(Controller):
    path = "/subscriptions/{subscription_id:int}/change"

    @post("/preview")
    async def preview(self, request: Request, principal: Principal, registry: PluginRegistry,
                      subscription_id: int) -> Template:
        principal.actor.require(MANAGE_BILLING)  # the form is for those who may apply it
        form = await form_data(request)
        try:
            values = await change_values(principal, subscription_id, form)
            preview = await subscriptions.preview_change(principal.actor, registry, subscription_id, **values)
        except (InvalidInput, Conflict) as exc:
            return await subscription_page(request, principal, subscription_id, errors=_change_errors(exc),
                                           values=form, section="change", status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return await _preview_page(request, principal, preview, values)

    @post("/")
    async def apply(self, request: Request, principal: Principal, registry: PluginRegistry,
                    subscription_id: int) -> Template | Redirect:
        principal.actor.require(MANAGE_BILLING)  # the form is for those who may apply it
        form = await form_data(request)
        try:
            values = await change_values(principal, subscription_id, form)
            preview = await subscriptions.preview_change(principal.actor, registry, subscription_id, **values)
            if str(preview.total.amount) != (form.get("expected_total") or "").strip():
                return await _preview_page(request, principal, preview, values, changed=True,
                                           status_code=HTTP_409_CONFLICT)
            applied = await subscriptions.apply_change(principal.actor, registry, subscription_id, **values)
        except (InvalidInput, Conflict) as exc:
            return await subscription_page(request, principal, subscription_id, errors=_change_errors(exc),
                                           values=form, section="change", status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        scheduled = applied.policy is ChangePolicy.NEXT_PERIOD
        return redirect(f"/subscriptions/{subscription_id}",
                        "subscriptions.change_scheduled" if scheduled else "subscriptions.changed")

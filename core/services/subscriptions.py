"""Subscriptions: ordering, activation, status changes with history, plan changes with
a preview of their exact charges and credits, and cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from core.db.queries import subscriptions as subs_q
from core.db.queries import tenants as tenants_q
from core.db.queries.catalog import OptionRecord
from core.db.queries.subscriptions import SubscriptionRecord
from core.db.transaction import atomic
from core.domain.billing import activation, due_date
from core.domain.catalog import CatalogError, PaymentModel, PricePoint, ProductKind, cycles_allowed, price_on
from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money, MoneyError, exact
from core.domain.periods import BillingCycle, Period, anchor_on_or_before, first_period, period_starting, share_fraction
from core.domain.plan_change import ChangeKind, ChangeLine, ChangePolicy, Item, change_lines, classify
from core.domain.discounts import discount_adjustments
from core.domain.pricing import PricingError, VatRate
from core.domain.roles import MANAGE_BILLING
from core.domain.rules import BillingRules
from core.domain.subscriptions import Status, TransitionError, check_transition
from core.plugins.manager import PluginRegistry
from core.services import audit, catalog, clients, discounts, ledger, plugins, tenants
from core.services.actor import Actor
from core.services.errors import Conflict, InvalidInput, NotFound
from core.services.pricing import price



async def get(actor: Actor, subscription_id: int) -> SubscriptionRecord:
    found = await subs_q.get(actor.tenant_id, subscription_id)
    if found is None:
        raise NotFound("subscription", subscription_id)
    return found


@dataclass(frozen=True)
class ProductTerms:
    """What a subscription to a product is priced from (read through the catalog)."""

    id: int
    name: str
    kind: ProductKind
    vat_rate: VatRate
    vat_included: bool
    addon_of: int | None
    is_active: bool
    payment_model: PaymentModel
    seller_id: int | None
    unit: str
    unit_okei: str
    prices: list[PricePoint]
    options: dict[str, tuple[OptionRecord, list[PricePoint]]]


async def _terms(actor: Actor, product_id: int) -> ProductTerms:
    try:
        product, prices, options = await catalog.product_pricing(actor.tenant_id, product_id)
    except NotFound:
        raise InvalidInput.field("product_id", f"product {product_id} not found") from None
    return terms_of(product, prices, options)


def terms_of(product, prices: list[PricePoint], options) -> ProductTerms:
    """The pricing view of a product from ``catalog.product_pricing``'s answer."""
    return ProductTerms(product.id, product.name, ProductKind(product.kind), VatRate(product.vat_rate),
                        product.vat_included, product.addon_of, product.is_active, PaymentModel(product.payment_model),
                        product.seller_id, product.unit, product.unit_okei, prices, options)


def _option_ids(terms: ProductTerms, options: dict[str, int]) -> dict[int, int]:
    problems = []
    ids = {}
    for code, quantity in options.items():
        option, _prices = terms.options.get(code, (None, None))
        if option is None:
            problems.append({"field": f"options.{code}", "message": f"{terms.name} has no option {code!r}"})
        elif quantity < option.min_quantity or (option.max_quantity is not None and quantity > option.max_quantity):
            problems.append({"field": f"options.{code}",
                             "message": f"must be from {option.min_quantity} to {option.max_quantity or '∞'}"})
        else:
            ids[option.id] = quantity
    if problems:
        raise InvalidInput(problems[0]["message"], problems)
    return ids


def _quantity(value) -> Decimal:
    try:
        quantity = exact(value, 3, "quantity")
    except MoneyError as exc:
        raise InvalidInput.field("quantity", str(exc)) from None
    if quantity <= 0:
        raise InvalidInput.field("quantity", "must be more than zero")
    return quantity


def items_of(terms: ProductTerms, cycle: BillingCycle, quantity: Decimal, price_override: Decimal | None,
             options: dict[int, int], on: date) -> list[Item]:
    """The priced parts of a subscription on a date: the plan and each option."""
    plan_price = Decimal(0) if cycle is BillingCycle.FREE else price_override
    if plan_price is None:
        point = price_on(terms.prices, cycle, on)
        if point is None:
            raise CatalogError(f"{terms.name} has no {cycle.value} price on {on}")
        plan_price = point.unit_price
    items = [Item("plan", terms.name, plan_price, quantity, terms.vat_rate, terms.vat_included)]
    by_id = {option.id: (option, prices) for option, prices in terms.options.values()}
    for option_id, count in sorted(options.items()):
        option, prices = by_id[option_id]
        point = price_on(prices, cycle, on)
        if point is None:
            raise CatalogError(f"option {option.name} has no {cycle.value} price on {on}")
        items.append(Item(f"option:{option.code}", f"{terms.name}: {option.name}", point.unit_price,
                          Decimal(count), terms.vat_rate, terms.vat_included))
    return items


async def create(actor: Actor, *, client_id: int, product_id: int, cycle: str, quantity="1",
                 options: dict[str, int] | None = None, price_override=None, billing_day: int = 1,
                 start_date: date | None = None, parent_id: int | None = None,
                 promo_code: str | None = None) -> SubscriptionRecord:
    """Order a subscription. A second open subscription of a client to the same product is
    refused (seed 001) unless the tenant allows it: change the quantity of the first instead."""
    actor.require(MANAGE_BILLING)
    client = await clients.get(actor, client_id)
    terms = await _terms(actor, product_id)
    try:
        billing_cycle = BillingCycle(cycle)
    except ValueError:
        raise InvalidInput.field("cycle", f"must be one of {', '.join(c.value for c in BillingCycle)}") from None
    if billing_cycle not in cycles_allowed(terms.kind):
        raise InvalidInput.field("cycle", f"a {terms.kind.value} product cannot be sold {billing_cycle.value}")
    if not terms.is_active:
        raise InvalidInput.field("product_id", f"{terms.name} is not sold any more")
    if not 1 <= billing_day <= 31:
        raise InvalidInput.field("billing_day", "must be 1..31")
    amount = _quantity(quantity)
    override = None
    if price_override is not None:
        try:
            override = exact(price_override, 4, "price override")
        except MoneyError as exc:
            raise InvalidInput.field("price_override", str(exc)) from None
    option_ids = _option_ids(terms, options or {})
    start = start_date or await tenants.today(actor.tenant_id)
    if parent_id is not None:
        parent = await get(actor, parent_id)
        if parent.client_id != client_id or terms.addon_of != parent.product_id:
            raise InvalidInput.field("parent_id", "an add-on belongs to a subscription of its base product "
                                                  "for the same client")
    elif terms.addon_of is not None:
        raise InvalidInput.field("parent_id", f"{terms.name} is an add-on: name the subscription it belongs to")
    if override is None:
        try:
            items_of(terms, billing_cycle, amount, override, option_ids, start)
        except CatalogError as exc:
            raise InvalidInput.field("cycle", str(exc)) from None
    tenant = await tenants_q.by_id(actor.tenant_id)
    async with atomic():
        if promo_code:
            promo_code = await discounts.check_promo_code(actor.tenant_id, promo_code, product_id, start)
        if not BillingRules.from_settings(tenant.settings).allow_duplicate_products:
            existing = await subs_q.open_for_product(actor.tenant_id, client.id, product_id)
            if existing:
                raise Conflict(f"{client.display_name} already has subscription {existing} to {terms.name}: "
                               f"change its quantity instead",
                               [{"field": "product_id", "message": f"duplicate of subscription {existing}"}])
        subscription_id = await subs_q.insert(actor.tenant_id, client_id=client.id, product_id=product_id,
                                              parent_id=parent_id, cycle=billing_cycle, quantity=amount,
                                              price_override=override, billing_day=billing_day, start_date=start,
                                              promo_code=promo_code or None)
        await subs_q.set_options(actor.tenant_id, subscription_id, option_ids)
        await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=await tenants.today(actor.tenant_id),
                                  actor_label=actor.label, kind="status", to_status=Status.ORDERED.value)
        created = await get(actor, subscription_id)
        await audit.record(actor, "subscription.create", "subscription", subscription_id, None, created.public())
    return created


async def _period_of(actor: Actor, subscription: SubscriptionRecord) -> tuple[Period, Period]:
    """The first service period and the full period it is a share of; an add-on ends with
    its main subscription's period (co-terming)."""
    if subscription.parent_id is not None:
        parent = await get(actor, subscription.parent_id)
        if parent.period is None:
            raise Conflict(f"the main subscription {parent.id} is not active yet")
        full = _full_period(parent)
        return Period(max(subscription.start_date, parent.period.start), parent.period.end), full
    return first_period(subscription.start_date, subscription.cycle, subscription.billing_day)


async def _activation(actor: Actor, subscription: SubscriptionRecord) -> dict:
    """The first period and the date its charge falls due (the day close posts it)."""
    terms = await _terms(actor, subscription.product_id)
    today = await tenants.today(actor.tenant_id)
    if subscription.cycle.recurring:
        period, _ = await _period_of(actor, subscription)
        return {"period": period, "next_billing_date": due_date(period, terms.payment_model)}
    _, due = activation(subscription.start_date, subscription.cycle, subscription.billing_day, terms.payment_model,
                        today)
    return {"next_billing_date": due}


def _billed(subscription: SubscriptionRecord) -> bool:
    """Whether the current prepaid period has been charged by the day close already
    (a postpaid period never has, until its end)."""
    return subscription.next_billing_date is None or subscription.next_billing_date > subscription.period.start


def _full_period(subscription: SubscriptionRecord) -> Period:
    anchor = anchor_on_or_before(subscription.period.start, subscription.billing_day)
    return period_starting(anchor, subscription.cycle, subscription.billing_day)


async def change_status(actor: Actor, subscription_id: int, status: str, reason: str = "") -> SubscriptionRecord:
    """Move a subscription to another status, recording who did it and why. Activating an
    ordered recurring subscription starts its first period."""
    actor.require(MANAGE_BILLING)
    try:
        target = Status(status)
    except ValueError:
        raise InvalidInput.field("status", f"unknown status {status!r}") from None
    async with atomic():
        before = await get(actor, subscription_id)
        try:
            check_transition(Status(before.status), target)
        except TransitionError as exc:
            raise Conflict(str(exc), [{"field": "status", "message": str(exc)}]) from None
        values: dict = {"status": target.value}
        if Status(before.status) is Status.ORDERED and target in (Status.ACTIVE, Status.DELIVERED):
            values |= await _activation(actor, before)
        await subs_q.update(actor.tenant_id, subscription_id, **values)
        await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=await tenants.today(actor.tenant_id),
                                  actor_label=actor.label, kind="status", from_status=before.status,
                                  to_status=target.value, reason=reason)
        after = await get(actor, subscription_id)
        await audit.record(actor, "subscription.status", "subscription", subscription_id, before.public(),
                           after.public())
    return after


@dataclass(frozen=True)
class PricedChange:
    description: str
    quantity: Decimal
    unit_price: Decimal
    fraction: Fraction
    period: Period
    amount: Money  # positive: a charge; negative: a credit

    @property
    def period_days(self) -> int:
        """Days of the whole period the charged days are a share of (seed 001: «150 / 181»)."""
        return int(self.period.days / self.fraction)

    def public(self) -> dict:
        return {"description": self.description, "quantity": str(self.quantity), "unit_price": str(self.unit_price),
                "days": f"{self.period.days} / {self.period_days}",
                "period_start": self.period.start.isoformat(), "period_end": self.period.end.isoformat(),
                "amount": str(self.amount.amount)}


@dataclass(frozen=True)
class ChangePreview:
    subscription: SubscriptionRecord
    kind: ChangeKind
    policy: ChangePolicy
    on: date
    effective_on: date
    lines: tuple[PricedChange, ...]
    new_product_id: int
    new_quantity: Decimal
    new_options: dict[int, int]
    new_cycle: BillingCycle

    @property
    def total(self) -> Money:
        total = Money.zero(self.lines[0].amount.currency) if self.lines else Money.zero()
        for line in self.lines:
            total = total + line.amount
        return total

    def public(self) -> dict:
        return {"subscription_id": self.subscription.id, "kind": self.kind.value, "policy": self.policy.value,
                "on": self.on.isoformat(), "effective_on": self.effective_on.isoformat(),
                "lines": [l.public() for l in self.lines], "total": str(self.total.amount)}


async def preview_change(actor: Actor, registry: PluginRegistry, subscription_id: int, *,
                         product_id: int | None = None, quantity=None, options: dict[str, int] | None = None,
                         cycle: str | None = None, policy: str | None = None) -> ChangePreview:
    """What a change of plan, quantity, options or billing cycle would charge and credit,
    exactly as applying it would post them. Nothing is changed. A cycle change always takes
    effect from the next period (the paid period is not re-cut)."""
    actor.require(MANAGE_BILLING)
    subscription = await get(actor, subscription_id)
    if Status(subscription.status) not in (Status.ACTIVE, Status.GRACED) or subscription.period is None:
        raise Conflict(f"subscription {subscription_id} is {subscription.status}; only an active one can change",
                       [{"field": "status", "message": subscription.status}])
    tenant = await tenants_q.by_id(actor.tenant_id)
    try:
        chosen = ChangePolicy(policy or BillingRules.from_settings(tenant.settings).plan_change_policy)
        new_cycle = BillingCycle(cycle) if cycle else subscription.cycle
    except ValueError:
        field = "cycle" if cycle and cycle not in {c.value for c in BillingCycle} else "policy"
        raise InvalidInput.field(field, "unknown value") from None
    old_terms = await _terms(actor, subscription.product_id)
    if new_cycle != subscription.cycle or old_terms.payment_model is PaymentModel.POSTPAID:
        why = ("a billing cycle changes" if new_cycle != subscription.cycle else "a postpaid subscription changes")
        if policy == ChangePolicy.AT_ONCE.value or not new_cycle.recurring:
            raise InvalidInput.field("cycle" if new_cycle != subscription.cycle else "policy",
                                     f"{why} from the next period" + (", to a recurring cycle"
                                                                      if not new_cycle.recurring else ""))
        chosen = ChangePolicy.NEXT_PERIOD
    new_terms = old_terms if product_id in (None, subscription.product_id) else await _terms(actor, product_id)
    if new_terms.id != old_terms.id and (new_terms.addon_of != old_terms.addon_of
                                         or new_cycle not in cycles_allowed(new_terms.kind)):
        raise InvalidInput.field("product_id", f"cannot switch from {old_terms.name} to {new_terms.name}")
    new_quantity = subscription.quantity if quantity is None else _quantity(quantity)
    by_id = {option.id: option.code for option, _prices in old_terms.options.values()}
    current_codes = {by_id[i]: q for i, q in subscription.options.items()}
    new_options = _option_ids(new_terms, current_codes | (options or {}) if new_terms.id == old_terms.id
                              else (options or {}))
    today = await tenants.today(actor.tenant_id)
    try:
        old_items = items_of(old_terms, subscription.cycle, subscription.quantity, subscription.price_override,
                             subscription.options, today)
        override = subscription.price_override if new_terms.id == old_terms.id else None
        new_items = items_of(new_terms, new_cycle, new_quantity, override, new_options, today)
    except CatalogError as exc:
        raise InvalidInput.field("cycle" if new_cycle != subscription.cycle else "product_id", str(exc)) from None
    kind = classify(old_items, new_items, tenant.currency, subscription.cycle.months, new_cycle.months)
    full = _full_period(subscription)
    if chosen is ChangePolicy.NEXT_PERIOD:
        lines: tuple[PricedChange, ...] = ()
        effective_on = subscription.period.end.fromordinal(subscription.period.end.toordinal() + 1)
    elif not _billed(subscription):  # the day close will bill the whole period on the new terms
        lines, effective_on = (), today
    else:
        hooks, context = await plugins.tenant_context(registry, actor.tenant_id)
        raw = change_lines(old_items, new_items, Period(full.start, subscription.period.end), today, context.currency)
        old_pricer = await _pricer(actor, hooks, context, subscription, old_terms.id, today)
        new_pricer = await _pricer(actor, hooks, context, subscription, new_terms.id, today)
        lines = tuple((old_pricer if line.sign < 0 and new_terms.id != old_terms.id else new_pricer)(line)
                      for line in raw)
        effective_on = today
    return ChangePreview(subscription, kind, chosen, today, effective_on, lines, new_terms.id, new_quantity,
                         new_options, new_cycle)


async def _pricer(actor: Actor, hooks, context, subscription: SubscriptionRecord, product_id: int, on: date):
    """A function pricing change lines of one product for the subscription's client, with the
    plugins' adjustments and the tenant's discounts (promo codes: the subscription's own)."""
    found = await discounts.applicable(actor.tenant_id, subscription.client_id, product_id, on)
    promo = frozenset({subscription.promo_code}) if subscription.promo_code else frozenset()

    def priced(line: ChangeLine) -> PricedChange:
        def discount_lines(base: Money):
            return discount_adjustments(found, base, line.charge.period_fraction, client_id=subscription.client_id,
                                        product_id=product_id, on=on, promo_codes=promo)

        try:
            total = price(hooks, context, line.charge, discount_lines).total
        except PricingError as exc:
            raise InvalidInput.field("product_id", str(exc)) from None
        return PricedChange(line.charge.description, line.charge.quantity, line.charge.unit_price,
                            line.charge.period_fraction, line.period, total if line.sign > 0 else -total)

    return priced


async def apply_change(actor: Actor, registry: PluginRegistry, subscription_id: int, **change) -> ChangePreview:
    """Apply a change as previewed: at once, its lines are posted to the client's account
    (charges as debits, credits back to the balance) and the subscription changes now; from
    the next period, the change is scheduled for the period's first day."""
    actor.require(MANAGE_BILLING)
    preview = await preview_change(actor, registry, subscription_id, **change)
    subscription = preview.subscription
    details = {"kind": preview.kind.value, "policy": preview.policy.value, "product_id": preview.new_product_id,
               "cycle": preview.new_cycle.value,
               "quantity": str(preview.new_quantity), "options": {str(k): v for k, v in preview.new_options.items()},
               "lines": [l.public() for l in preview.lines], "total": str(preview.total.amount)}
    async with atomic():
        current = await get(actor, subscription_id)
        if current != subscription:
            raise Conflict(f"subscription {subscription_id} changed meanwhile; preview again")
        event_id = await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=preview.on,
                                             actor_label=actor.label, kind=preview.kind.value, reason="plan change",
                                             details=details)
        if preview.policy is ChangePolicy.NEXT_PERIOD:
            await subs_q.insert_scheduled(actor.tenant_id, subscription_id, effective_on=preview.effective_on,
                                          change=details, created_by=actor.label)
        else:
            await _post_lines(actor, subscription, preview.lines, preview.on, f"subscription:{subscription_id}:"
                                                                               f"event:{event_id}")
            await subs_q.update(actor.tenant_id, subscription_id, product=preview.new_product_id,
                                quantity=preview.new_quantity,
                                price_override=subscription.price_override
                                if preview.new_product_id == subscription.product_id else None)
            await subs_q.set_options(actor.tenant_id, subscription_id, preview.new_options)
        after = await get(actor, subscription_id)
        await audit.record(actor, f"subscription.{preview.kind.value}", "subscription", subscription_id,
                           subscription.public(), after.public() | {"change": details})
    return preview


async def _post_lines(actor: Actor, subscription: SubscriptionRecord, lines, on: date, key: str) -> None:
    entries = [
        Entry(EntryKind.CHARGE if line.amount.amount > 0 else EntryKind.REFUND_TO_BALANCE,
              Money(abs(line.amount.amount), line.amount.currency), on,
              f"{line.description} ({line.period}, {line.period.days}/{line.period_days})",
              ("subscription", str(subscription.id)))
        for line in lines if not line.amount.is_zero()
    ]
    if entries:
        account = await ledger.open_account(actor, subscription.client_id, entries[0].amount.currency)
        await ledger.post(actor, account.id, entries, idempotency_key=key)


async def cancel(actor: Actor, registry: PluginRegistry, subscription_id: int, *, at_once: bool,
                 reason: str) -> SubscriptionRecord:
    """Cancel at once, crediting the unused part of the paid period to the balance, or at
    the end of the period (the subscription runs until then)."""
    actor.require(MANAGE_BILLING)
    if not reason.strip():
        raise InvalidInput.field("reason", "say why the subscription is cancelled")
    before = await get(actor, subscription_id)
    if before.status == Status.CANCELLED.value:
        raise Conflict(f"subscription {subscription_id} is already cancelled")
    today = await tenants.today(actor.tenant_id)
    async with atomic():
        if not at_once:
            if before.period is None:
                raise Conflict("an inactive subscription is cancelled at once",
                               [{"field": "at_once", "message": "no period to wait for"}])
            await subs_q.update(actor.tenant_id, subscription_id, cancel_at_period_end=True, cancel_reason=reason)
            await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=today, actor_label=actor.label,
                                      kind="cancel_scheduled", reason=reason,
                                      details={"on": before.period.end.isoformat()})
        else:
            try:
                check_transition(Status(before.status), Status.CANCELLED)
            except TransitionError as exc:
                raise Conflict(str(exc), [{"field": "status", "message": str(exc)}]) from None
            if before.period is not None and today in before.period and _billed(before):
                terms = await _terms(actor, before.product_id)
                hooks, context = await plugins.tenant_context(registry, actor.tenant_id)
                items = items_of(terms, before.cycle, before.quantity, before.price_override, before.options, today)
                full = _full_period(before)
                if terms.payment_model is PaymentModel.POSTPAID:  # the used days were not charged yet
                    used = Period(before.period.start, today)
                    raw = [ChangeLine(item.charge(share_fraction(used, full), context.currency, item.quantity), 1, used)
                           for item in items if item.quantity]
                else:
                    raw = change_lines(items, [], Period(full.start, before.period.end), today, context.currency)
                event_id = await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=today,
                                                     actor_label=actor.label, kind="cancel_credit", reason=reason)
                priced = await _pricer(actor, hooks, context, before, before.product_id, today)
                await _post_lines(actor, before, [priced(line) for line in raw], today,
                                  f"subscription:{subscription_id}:event:{event_id}")
            await subs_q.update(actor.tenant_id, subscription_id, status=Status.CANCELLED.value, cancel_reason=reason,
                                next_billing_date=None)
            await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=today, actor_label=actor.label,
                                      kind="status", from_status=before.status, to_status=Status.CANCELLED.value,
                                      reason=reason)
        after = await get(actor, subscription_id)
        await audit.record(actor, "subscription.cancel", "subscription", subscription_id, before.public(),
                           after.public())
    return after


async def set_suspend_override(actor: Actor, subscription_id: int, until: date | None,
                               reason: str = "") -> SubscriptionRecord:
    """«Не приостанавливать до»: no automatic suspension of this subscription before ``until``
    (None lifts it)."""
    actor.require(MANAGE_BILLING)
    async with atomic():
        before = await get(actor, subscription_id)
        await subs_q.update(actor.tenant_id, subscription_id, suspend_override_until=until)
        await subs_q.insert_event(actor.tenant_id, subscription_id, business_date=await tenants.today(actor.tenant_id),
                                  actor_label=actor.label, kind="suspend_override", reason=reason,
                                  details={"until": until.isoformat() if until else None})
        after = await get(actor, subscription_id)
        await audit.record(actor, "subscription.suspend_override", "subscription", subscription_id, before.public(),
                           after.public())
    return after


async def of_client(actor: Actor, client_id: int) -> list[SubscriptionRecord]:
    """The client's subscriptions, oldest first (cancelled ones too)."""
    await clients.get(actor, client_id)
    found = [await subs_q.get(actor.tenant_id, i) for i in await subs_q.ids_of_client(actor.tenant_id, client_id)]
    return [s for s in found if s is not None]


async def scheduled(actor: Actor, subscription_id: int) -> list[dict]:
    """Plan changes waiting for the first day of the next period: ``{id, effective_on, change}``."""
    await get(actor, subscription_id)
    return await subs_q.scheduled(actor.tenant_id, subscription_id)


async def history(actor: Actor, subscription_id: int) -> list[dict]:
    await get(actor, subscription_id)
    return await subs_q.events(actor.tenant_id, subscription_id)

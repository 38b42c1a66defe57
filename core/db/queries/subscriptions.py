from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.db.tables import ScheduledChange, Subscription, SubscriptionEvent, SubscriptionOption
from core.domain.money import quantity_from_units, quantity_to_units, unit_price_from_units, unit_price_to_units
from core.domain.periods import BillingCycle, Period


@dataclass(frozen=True)
class SubscriptionRecord:
    id: int
    client_id: int
    product_id: int
    parent_id: int | None
    status: str
    cycle: BillingCycle
    quantity: Decimal
    price_override: Decimal | None
    billing_day: int
    start_date: date
    period: Period | None
    next_billing_date: date | None
    cancel_at_period_end: bool
    cancel_reason: str
    suspend_override_until: date | None
    promo_code: str | None
    options: dict[int, int]

    def public(self) -> dict:
        return {
            "id": self.id, "client_id": self.client_id, "product_id": self.product_id, "parent_id": self.parent_id,
            "status": self.status, "cycle": self.cycle.value, "quantity": str(self.quantity),
            "price_override": None if self.price_override is None else str(self.price_override),
            "billing_day": self.billing_day, "start_date": self.start_date.isoformat(),
            "period_start": self.period.start.isoformat() if self.period else None,
            "period_end": self.period.end.isoformat() if self.period else None,
            "next_billing_date": self.next_billing_date.isoformat() if self.next_billing_date else None,
            "cancel_at_period_end": self.cancel_at_period_end, "cancel_reason": self.cancel_reason,
            "suspend_override_until": self.suspend_override_until.isoformat() if self.suspend_override_until else None,
            "promo_code": self.promo_code,
            "options": {str(k): v for k, v in sorted(self.options.items())},
        }


def _record(row: dict, options: dict[int, int]) -> SubscriptionRecord:
    period = Period(row["period_start"], row["period_end"]) if row["period_start"] else None
    override = row["price_override_e4"]
    return SubscriptionRecord(
        id=row["id"], client_id=row["client"], product_id=row["product"], parent_id=row["parent"],
        status=row["status"], cycle=BillingCycle(row["cycle"]), quantity=quantity_from_units(row["quantity_e3"]),
        price_override=None if override is None else unit_price_from_units(override),
        billing_day=row["billing_day"], start_date=row["start_date"], period=period,
        next_billing_date=row["next_billing_date"], cancel_at_period_end=row["cancel_at_period_end"],
        cancel_reason=row["cancel_reason"], suspend_override_until=row["suspend_override_until"],
        promo_code=row["promo_code"], options=options,
    )


async def get(tenant_id: int, subscription_id: int) -> SubscriptionRecord | None:
    row = await Subscription.select().where(
        (Subscription.tenant == tenant_id) & (Subscription.id == subscription_id)).first()
    if not row:
        return None
    options = await SubscriptionOption.select(SubscriptionOption.option, SubscriptionOption.quantity).where(
        (SubscriptionOption.tenant == tenant_id) & (SubscriptionOption.subscription == subscription_id))
    return _record(row, {o["option"]: o["quantity"] for o in options})


async def open_for_product(tenant_id: int, client_id: int, product_id: int) -> int | None:
    """The id of the client's subscription to the product that is not cancelled, if any."""
    row = await Subscription.select(Subscription.id).where(
        (Subscription.tenant == tenant_id) & (Subscription.client == client_id)
        & (Subscription.product == product_id) & (Subscription.status != "cancelled")).first()
    return row["id"] if row else None


async def ids_of_client(tenant_id: int, client_id: int) -> list[int]:
    rows = await Subscription.select(Subscription.id).where(
        (Subscription.tenant == tenant_id) & (Subscription.client == client_id)).order_by(Subscription.id)
    return [r["id"] for r in rows]


async def move_to_client(tenant_id: int, source_id: int, target_id: int) -> int:
    """Give a merged client's subscriptions to the target client; returns how many moved."""
    moved = await Subscription.update({Subscription.client: target_id}).where(
        (Subscription.tenant == tenant_id) & (Subscription.client == source_id)).returning(Subscription.id)
    return len(moved)


def _columns(values: dict) -> dict:
    mapped = {}
    for name, value in values.items():
        if name == "quantity":
            mapped[Subscription.quantity_e3] = quantity_to_units(value)
        elif name == "price_override":
            mapped[Subscription.price_override_e4] = None if value is None else unit_price_to_units(value)
        elif name == "period":
            mapped[Subscription.period_start] = value.start if value else None
            mapped[Subscription.period_end] = value.end if value else None
        elif name == "cycle":
            mapped[Subscription.cycle] = value.value
        else:
            mapped[getattr(Subscription, name)] = value
    return mapped


async def insert(tenant_id: int, *, client_id: int, product_id: int, parent_id: int | None, cycle: BillingCycle,
                 quantity: Decimal, price_override: Decimal | None, billing_day: int, start_date: date,
                 promo_code: str | None = None) -> int:
    row = Subscription(tenant=tenant_id, client=client_id, product=product_id, parent=parent_id, status="ordered",
                       cycle=cycle.value, quantity_e3=quantity_to_units(quantity),
                       price_override_e4=None if price_override is None else unit_price_to_units(price_override),
                       billing_day=billing_day, start_date=start_date, promo_code=promo_code)
    return (await Subscription.insert(row).returning(Subscription.id))[0]["id"]


async def update(tenant_id: int, subscription_id: int, **values) -> None:
    await Subscription.update(_columns(values)).where(
        (Subscription.tenant == tenant_id) & (Subscription.id == subscription_id))


async def set_options(tenant_id: int, subscription_id: int, options: dict[int, int]) -> None:
    await SubscriptionOption.delete().where(
        (SubscriptionOption.tenant == tenant_id) & (SubscriptionOption.subscription == subscription_id))
    rows = [SubscriptionOption(tenant=tenant_id, subscription=subscription_id, option=option_id, quantity=qty)
            for option_id, qty in sorted(options.items()) if qty]
    if rows:
        await SubscriptionOption.insert(*rows)


async def insert_event(tenant_id: int, subscription_id: int, *, business_date: date, actor_label: str, kind: str,
                       from_status: str = "", to_status: str = "", reason: str = "", details: dict | None = None
                       ) -> int:
    row = SubscriptionEvent(tenant=tenant_id, subscription=subscription_id, business_date=business_date,
                            actor_label=actor_label, kind=kind, from_status=from_status, to_status=to_status,
                            reason=reason, details=json.dumps(details or {}, ensure_ascii=False, default=str))
    return (await SubscriptionEvent.insert(row).returning(SubscriptionEvent.id))[0]["id"]


async def events(tenant_id: int, subscription_id: int) -> list[dict]:
    rows = await SubscriptionEvent.select().where(
        (SubscriptionEvent.tenant == tenant_id) & (SubscriptionEvent.subscription == subscription_id)
    ).order_by(SubscriptionEvent.id)
    return [{"id": r["id"], "at": r["at"].isoformat(), "business_date": r["business_date"].isoformat(),
             "actor": r["actor_label"], "kind": r["kind"], "from_status": r["from_status"],
             "to_status": r["to_status"], "reason": r["reason"],
             "details": json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]} for r in rows]


async def insert_scheduled(tenant_id: int, subscription_id: int, *, effective_on: date, change: dict,
                           created_by: str) -> int:
    row = ScheduledChange(tenant=tenant_id, subscription=subscription_id, effective_on=effective_on,
                          change=json.dumps(change, ensure_ascii=False, default=str), created_by=created_by)
    return (await ScheduledChange.insert(row).returning(ScheduledChange.id))[0]["id"]


async def scheduled(tenant_id: int, subscription_id: int) -> list[dict]:
    rows = await ScheduledChange.select().where(
        (ScheduledChange.tenant == tenant_id) & (ScheduledChange.subscription == subscription_id)
        & (ScheduledChange.state == "pending")).order_by(ScheduledChange.effective_on)
    return [{"id": r["id"], "effective_on": r["effective_on"].isoformat(),
             "change": json.loads(r["change"]) if isinstance(r["change"], str) else r["change"]} for r in rows]

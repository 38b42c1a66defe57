"""What one account's day produces, computed the same way for every mode.

The catalog, discounts, sellers and plugin steps are read once per run; subscriptions,
clients and the period's invoice lines once per chunk of accounts. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from decimal import Decimal

from core.db.queries import day_close as day_q
from core.db.queries import discounts as discounts_q
from core.db.queries import documents as documents_q
from core.db.queries import sellers as sellers_q
from core.db.queries import tenants as tenants_q
from core.db.queries.clients import ClientRecord
from core.db.queries.day_close import AccountRow, ScheduledRecord
from core.db.queries.sellers import SellerRecord
from core.db.queries.subscriptions import SubscriptionRecord
from core.domain.billing import BillingState, dues
from core.domain.blocking import ClientStanding, SubscriptionStanding, combine_decisions
from core.domain.catalog import CatalogError
from core.domain.day_close import (
    AccountDay,
    AccountOutcome,
    DayCloseStep,
    OutcomeLine,
    SubscriptionUpdate,
    acts,
    financial_period,
    invoices,
)
from core.domain.discounts import Discount, discount_adjustments
from core.domain.documents import TaxForm, tax_form
from core.domain.ledger import EntryKind
from core.domain.money import Money, quantity_from_units, unit_price_from_units
from core.domain.periods import BillingCycle, Period
from core.domain.pricing import Charge, PricingError, VatRate
from core.domain.rules import BillingRules
from core.domain.sellers import NO_VAT
from core.domain.subscriptions import BILLABLE, Status
from core.plugins.context import TenantContext
from core.plugins.extensions import instantiate
from core.plugins.relay import TenantHooks
from core.services import catalog
from core.services.pricing import price
from core.services.subscriptions import ProductTerms, items_of, terms_of

CHARGED_STATUSES = BILLABLE | {Status.DELIVERED}
NOT_ON_ACTS = {EntryKind.PAYMENT, EntryKind.PAYOUT, EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT}


class AccountFailure(Exception):
    """An account's day cannot be computed; it is parked with this message."""


@dataclass
class RunInputs:
    """What every account of a run is computed from, read once."""

    tenant_id: int
    business_date: date
    hooks: TenantHooks
    context: TenantContext
    discounts: list[Discount]
    sellers: dict[int, SellerRecord]
    default_seller: int | None
    steps: list[DayCloseStep]
    blocking: bool
    announces_documents: bool
    terms: dict[int, ProductTerms] = field(default_factory=dict)
    invoice_drafts: bool = False  # the tenant's day close leaves invoices as drafts

    @classmethod
    async def load(cls, tenant_id: int, business_date: date, hooks: TenantHooks, context: TenantContext) -> "RunInputs":
        sellers = {s.id: s for s in await sellers_q.list_for(tenant_id)}
        default = next((s.id for s in sellers.values() if s.is_default), None)
        found = [r.discount for r in await discounts_q.list_for(tenant_id, active_only=True)]
        steps = instantiate(hooks.hook.saldo_day_close_steps(), context, DayCloseStep)
        blocking = bool(hooks.caller("saldo_blocking_decisions").get_hookimpls())
        announces = bool(hooks.caller("saldo_document_posted").get_hookimpls())
        rules = BillingRules.from_settings((await tenants_q.by_id(tenant_id)).settings)
        return cls(tenant_id, business_date, hooks, context, found, sellers, default, steps, blocking, announces,
                   invoice_drafts=rules.invoice_posting == "draft")

    @cached_property
    def tax_forms(self) -> dict[int, TaxForm | None]:
        return {s.id: tax_form(s.tax_document, s.vat_status != NO_VAT) for s in self.sellers.values()}

    async def product(self, product_id: int) -> ProductTerms:
        if product_id not in self.terms:
            self.terms[product_id] = terms_of(*await catalog.product_pricing(self.tenant_id, product_id))
        return self.terms[product_id]


@dataclass
class ChunkInputs:
    """What the accounts of one chunk are computed from."""

    clients: dict[int, tuple[ClientRecord, bool]]
    due: dict[int, list[SubscriptionRecord]]
    scheduled: dict[int, list[ScheduledRecord]]
    all_subscriptions: dict[int, list[SubscriptionRecord]]
    period_lines: dict[int, list[dict]]
    period_moves: dict[int, list[dict]]


async def load_chunk(run: RunInputs, accounts: list[AccountRow]) -> ChunkInputs:
    client_ids = sorted({a.client_id for a in accounts})
    due: dict[int, list[SubscriptionRecord]] = {}
    for subscription in await day_q.due_subscriptions(run.tenant_id, client_ids, run.business_date):
        due.setdefault(subscription.client_id, []).append(subscription)
    scheduled: dict[int, list[ScheduledRecord]] = {}
    for change in await day_q.scheduled_changes(run.tenant_id, [s.id for group in due.values() for s in group],
                                                run.business_date + timedelta(days=1)):
        scheduled.setdefault(change.subscription_id, []).append(change)
    everything: dict[int, list[SubscriptionRecord]] = {}
    if run.blocking:
        for subscription in await day_q.subscriptions_of_clients(run.tenant_id, client_ids):
            everything.setdefault(subscription.client_id, []).append(subscription)
    lines: dict[int, list[dict]] = {}
    moves: dict[int, list[dict]] = {}
    period = financial_period(run.business_date)
    if run.business_date == period.end:
        account_ids = [a.id for a in accounts]
        for line in await documents_q.period_lines(run.tenant_id, account_ids, period.start, period.end):
            lines.setdefault(line["account"], []).append(line)
        for move in await day_q.period_movements(run.tenant_id, account_ids, period.start, period.end,
                                                 [k.value for k in NOT_ON_ACTS]):
            moves.setdefault(move["account"], []).append(move)
    return ChunkInputs(await day_q.clients(run.tenant_id, client_ids), due, scheduled, everything, lines, moves)


async def compute(run: RunInputs, chunk: ChunkInputs, account: AccountRow) -> AccountOutcome:
    """The account's day: the charges falling due on its client's subscriptions (in the
    tenant's currency account), the plugins' steps, the invoices for them, the act at a
    financial period's end, and the blocking decisions."""
    on = run.business_date
    currency = account.currency
    client, blocked = chunk.clients[account.client_id]
    seller = client.seller_id or run.default_seller
    lines: list[OutcomeLine] = []
    updates: list[SubscriptionUpdate] = []
    if currency == run.context.currency:
        for subscription in chunk.due.get(account.client_id, []):
            found, update = await _bill(run, subscription, chunk.scheduled.get(subscription.id, []), seller)
            lines.extend(found)
            if update is not None:
                updates.append(update)
    day = AccountDay(account.id, account.client_id, on, Money.from_minor(account.balance_minor, currency))
    for step in run.steps:
        for charge in await step.run(day):
            lines.append(_priced(run, charge, Period(on, on), client_id=account.client_id, product_id=None,
                                 promo=frozenset(), seller=seller, source=f"step:{step.plugin_id}:{step.code}"))
    documents = invoices(lines, on, separate=client.separate_invoices)
    period = financial_period(on)
    if on == period.end:
        documents += acts(period, [*(_stored_line(l, currency) for l in chunk.period_lines.get(account.id, [])), *lines],
                          [(seller, m["description"], Money.from_minor(m["amount_minor"], currency), m["booked_on"])
                           for m in chunk.period_moves.get(account.id, [])], run.tax_forms)
    blocking = ()
    if run.blocking and currency == run.context.currency:
        blocking = _blocking(run, client, blocked, chunk.all_subscriptions.get(account.client_id, []), account,
                             sum(l.signed.minor for l in lines))
    return AccountOutcome(account.id, account.client_id, currency, on, tuple(lines), tuple(updates),
                          documents, blocking)


async def _bill(run: RunInputs, subscription: SubscriptionRecord, scheduled: list[ScheduledRecord],
                client_seller: int | None) -> tuple[list[OutcomeLine], SubscriptionUpdate | None]:
    status = Status(subscription.status)
    if status not in CHARGED_STATUSES:
        return [], None
    terms = await run.product(subscription.product_id)
    changes = {c.effective_on: c for c in scheduled}
    state = BillingState(subscription.cycle, subscription.billing_day, terms.payment_model, subscription.period,
                         subscription.next_billing_date, subscription.cancel_at_period_end)
    found, after = dues(state, run.business_date,
                        {day: (c.id, BillingCycle(c.change.get("cycle", subscription.cycle.value)))
                         for day, c in changes.items()})
    current = _Plan(subscription.product_id, subscription.quantity, subscription.options, subscription.price_override)
    lines: list[OutcomeLine] = []
    events: list[dict] = []
    applied: list[int] = []
    for due in found:
        change = next((c for c in scheduled if c.id == due.change_id), None)
        if change is not None and due.change_first:
            current = await _apply(run, current, change, events, applied)
        terms = await run.product(current.product_id)
        try:
            items = items_of(terms, due.cycle, current.quantity, current.price_override, current.options,
                             due.period.start)
        except CatalogError as exc:
            raise AccountFailure(f"subscription {subscription.id}: {exc}") from exc
        promo = frozenset({subscription.promo_code}) if subscription.promo_code else frozenset()
        for item in items:
            if not item.quantity:
                continue
            charge = replace(item.charge(due.fraction, run.context.currency, item.quantity),
                             client_id=subscription.client_id, subscription_id=subscription.id)
            unit = (terms.unit, terms.unit_okei) if item.key == "plan" else ("", "")
            lines.append(_priced(run, charge, due.period, client_id=subscription.client_id,
                                 product_id=current.product_id, promo=promo,
                                 seller=terms.seller_id or client_seller, source="subscription", unit=unit))
        if change is not None and not due.change_first:
            current = await _apply(run, current, change, events, applied)
    values: dict = {"period": after.period, "next_billing_date": after.next_billing_date, "cycle": after.cycle}
    if applied:
        values |= {"product": current.product_id, "quantity": current.quantity,
                   "price_override": current.price_override, "options": current.options}
    if after.cancelled_on is not None:
        values["status"] = Status.CANCELLED.value
        events.append({"kind": "status", "from_status": subscription.status, "to_status": Status.CANCELLED.value,
                       "reason": subscription.cancel_reason or "cancelled at the end of the period"})
    return lines, SubscriptionUpdate(subscription.id, subscription.next_billing_date, values, tuple(events),
                                     tuple(applied))


@dataclass(frozen=True)
class _Plan:
    product_id: int
    quantity: Decimal
    options: dict[int, int]
    price_override: Decimal | None


async def _apply(run: RunInputs, plan: _Plan, change: ScheduledRecord, events: list[dict], applied: list[int]) -> _Plan:
    details = change.change
    product_id = int(details.get("product_id", plan.product_id))
    options = {int(k): int(v) for k, v in details.get("options", {}).items()}
    events.append({"kind": details.get("kind", "change"), "reason": "scheduled plan change applied",
                   "details": {"scheduled_change": change.id}})
    applied.append(change.id)
    return _Plan(product_id, Decimal(details.get("quantity", plan.quantity)), options,
                 plan.price_override if product_id == plan.product_id else None)


def _priced(run: RunInputs, charge: Charge, period: Period, *, client_id: int, product_id: int | None,
            promo: frozenset[str], seller: int | None, source: str, unit: tuple[str, str] = ("", "")) -> OutcomeLine:
    def discount_lines(base: Money):
        if product_id is None:
            return []
        return discount_adjustments(run.discounts, base, charge.period_fraction, client_id=client_id,
                                    product_id=product_id, on=run.business_date, promo_codes=promo)

    try:
        line = price(run.hooks, run.context, charge, discount_lines)
    except PricingError as exc:
        raise AccountFailure(f"{charge.description}: {exc}") from exc
    return OutcomeLine.priced(line, period, subscription_id=charge.subscription_id, seller_id=seller, source=source,
                              unit=unit[0], unit_okei=unit[1])


def _stored_line(row: dict, currency: str) -> OutcomeLine:
    return OutcomeLine(row["description"], quantity_from_units(row["quantity_e3"]),
                       unit_price_from_units(row["unit_price_e4"]),
                       Period(row["period_start"], row["period_end"]), VatRate(row["vat_rate"]),
                       Money.from_minor(row["net_minor"], currency), Money.from_minor(row["vat_minor"], currency),
                       Money.from_minor(row["total_minor"], currency), Money.from_minor(row["discount_minor"], currency),
                       row["subscription"], row["seller"], unit=row["unit"], unit_okei=row["unit_okei"])


def _blocking(run: RunInputs, client: ClientRecord, blocked: bool, subscriptions: list[SubscriptionRecord],
              account: AccountRow, day_minor: int):
    balance = Money.from_minor(account.balance_minor + day_minor, account.currency)
    owed = -(account.balance_minor + day_minor + client.credit_limit_minor)
    standing = ClientStanding(
        client.id, balance, Money.from_minor(max(owed, 0), account.currency), None, blocked,
        client.auto_block_exempt or bool(client.block_exempt_until and client.block_exempt_until >= run.business_date),
        tuple(SubscriptionStanding(s.id, s.status == Status.BLOCKED.value, s.suspend_override_until)
              for s in subscriptions))
    decisions = [d for group in run.hooks.hook.saldo_blocking_decisions(
        tenant=run.context, client=standing, business_date=run.business_date) for d in (group or [])]
    try:
        return combine_decisions(standing, run.business_date, decisions)
    except ValueError as exc:
        raise AccountFailure(str(exc)) from exc

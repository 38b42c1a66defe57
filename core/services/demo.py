"""The demo tenant's data: a seller entity, a small catalog of a hosting and 1C cloud
provider, clients and their subscriptions, all made through the services; and months
of history, lived through on a simulated clock so that every day on the way was closed
(runs, invoices, acts, balances) as it would have been in real time."""

from __future__ import annotations

from datetime import date, timedelta

from core.db.queries.day_close import RunRecord
from core.domain.clock import SIMULATED, TenantClock
from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money
from core.domain.periods import add_months
from core.plugins.manager import PluginRegistry
from core.services import (
    catalog,
    catalog_options,
    catalog_prices,
    clients,
    ledger,
    scheduler,
    sellers,
    subscriptions,
    tenants,
)
from core.services.actor import Actor

MONTHS_OF_HISTORY = 4
PAYMENT = Money.of("48336.00")

SELLER = dict(name="Общество с ограниченной ответственностью «Демо Хостинг»", short_name="ООО «Демо Хостинг»",
              inn="7709983032", kpp="770901001", ogrn="1027700132195", legal_address="г. Москва, ул. Примерная, д. 1",
              bank_name="АО «АЛЬФА-БАНК»", bik="044525593", correspondent_account="30101810200000000593",
              settlement_account="40702810502080001823", director_name="Иванов И. И.",
              chief_accountant_name="Петрова А. С.", vat_status="vat22")

PRODUCTS = [
    # code, name, kind, unit, {cycle: price}, options {code: (name, {cycle: price})}
    ("vps-s", "VPS S (1 vCPU, 2 ГБ)", "recurring", "шт", {"monthly": "990", "annual": "9900"}, {}),
    ("vps-m", "VPS M (2 vCPU, 4 ГБ)", "recurring", "шт", {"monthly": "1890", "annual": "18900"}, {}),
    ("1c-standard", "Доступ на пользователя «Стандарт»", "recurring", "шт", {"monthly": "800", "semiannual": "4800"},
     {"disk5": ("Пакет дискового пространства 5 ГБ", {"monthly": "60", "semiannual": "360"})}),
    ("admin-hour", "Час работы администратора", "one_time", "ч", {"one_time": "5900"}, {}),
]

CLIENTS = [
    dict(type="legal", company_name="ООО «Фабрика Бизнеса»", email="buh@fabrika-biz.ru", inn="7708305901",
         kpp="770801001", phone="+7 495 540-51-51", legal_address="г. Москва, ул. Садовая, д. 5"),
    dict(type="legal", company_name="ООО «Тех.промышлен»", email="info@techprom.ru", inn="7814695160",
         kpp="781401001", legal_address="г. Санкт-Петербург, пр. Невский, д. 10"),
    dict(type="individual", last_name="Смирнова", first_name="Анна", middle_name="Павловна",
         email="a.smirnova@mail.ru"),
]


async def seed(actor: Actor, start: date | None = None) -> None:
    """Fill an empty demo tenant. Subscriptions start, and the first client pays, on
    ``start`` (the tenant's business date by default)."""
    await sellers.create(actor, is_default=True, **SELLER)
    group = await catalog.create_group(actor, name="Облачные услуги")
    first_day = start or tenants.clock_of(await tenants.get(actor.tenant_id)).today()
    products = {}
    for code, name, kind, unit, prices, options in PRODUCTS:
        product = await catalog.create(actor, code=code, name=name, kind=kind, unit=unit, group_id=group.id)
        products[code] = product
        for cycle, price in prices.items():
            await catalog_prices.add_product_price(actor, product.id, cycle=cycle, unit_price=price,
                                                   effective_from=first_day - timedelta(days=365))
        for option_code, (option_name, option_prices) in options.items():
            option = await catalog_options.create(actor, product.id, code=option_code, name=option_name,
                                                  max_quantity=100)
            for cycle, price in option_prices.items():
                await catalog_prices.add_option_price(actor, option.id, cycle=cycle, unit_price=price,
                                                      effective_from=first_day - timedelta(days=365))
    made = [await clients.create(actor, **card) for card in CLIENTS]
    plans = [(made[0], "1c-standard", "semiannual", "6", {"disk5": 2}), (made[0], "vps-m", "monthly", "1", {}),
             (made[1], "vps-s", "annual", "2", {}), (made[2], "vps-s", "monthly", "1", {})]
    for client, code, cycle, quantity, options in plans:
        sub = await subscriptions.create(actor, client_id=client.id, product_id=products[code].id, cycle=cycle,
                                         quantity=quantity, options=options, start_date=first_day)
        await subscriptions.change_status(actor, sub.id, "active", "демо")
    account = await ledger.open_account(actor, made[0].id)
    await ledger.post(actor, account.id, [Entry(EntryKind.PAYMENT, PAYMENT, first_day,
                                                "Оплата по счёту 71475, п/п № 27")], idempotency_key="demo:payment:1")


def history_start(today: date, months: int = MONTHS_OF_HISTORY) -> date:
    """Where the demo's history begins: the first day of the month ``months`` before ``today``'s."""
    return add_months(today.replace(day=1), -months)


async def create_with_history(actor: Actor, registry: PluginRegistry, *, today: date | None = None,
                              months: int = MONTHS_OF_HISTORY,
                              progress: scheduler.SimulationProgress | None = None) -> list[RunRecord]:
    """Seed an empty demo tenant ``months`` back and live through the time since: its clock
    is put on :func:`history_start` of ``today`` (today's real date in the tenant's time
    zone by default), the data is made then, and the clock is moved day by day to ``today``,
    closing every day on the way. See :func:`finish_history` for where the clock ends."""
    tenant = await tenants.get(actor.tenant_id)
    today = today or TenantClock(tenant.timezone).today()
    start = history_start(today, months)
    await tenants.set_clock(actor, mode=SIMULATED, on=start)
    await seed(actor, start)
    return await finish_history(actor, registry, today=today, progress=progress)


async def finish_history(actor: Actor, registry: PluginRegistry, *, today: date | None = None,
                         progress: scheduler.SimulationProgress | None = None) -> list[RunRecord]:
    """Simulate the demo tenant's days up to ``today`` (the real date by default; every day
    before it closed), then put it on the real clock, so that from then on the server's
    schedule closes each new day like any tenant's. Safe to run again after an interruption:
    it goes on from the day the simulated clock reached (nothing to do on a real clock)."""
    tenant = await tenants.get(actor.tenant_id)
    if tenant.clock_mode != SIMULATED:
        return []
    today = today or TenantClock(tenant.timezone).today()
    runs = await scheduler.simulate(actor, registry, max(today, tenants.clock_of(tenant).today()), progress=progress)
    await tenants.set_clock(actor, mode="real")
    return runs

"""Helpers of the billing pages' tests: signing in through the form, and a catalog, a client and
a subscription made through the services (as a manager would through the pages)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money
from core.plugins.manager import PluginRegistry
from core.services import catalog, catalog_prices, clients, day_close, ledger, subscriptions, tenants, users

LOGIN_TOKEN = re.compile(r'name="_login" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')


async def signed_in(client, tenant, email=None) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    page = await client.get("/login")
    token = LOGIN_TOKEN.search(page.text).group(1)
    response = await client.post("/login", data={
        "_login": token, "next": "/", "organisation": tenant.slug, "email": email or tenant.owner.email,
        "password": tenant.password}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return CSRF_TOKEN.search((await client.get("/")).text).group(1)


async def staff(tenant, role: str):
    """A user of ``role``; sign in with ``signed_in(client, tenant, user.email)``."""
    return await users.create(tenant.actor, email=f"{role}@{tenant.slug}.test", password=tenant.password, role=role,
                              name=role.title())


async def on_day(tenant, day: date) -> None:
    await tenants.set_clock(tenant.actor, mode="simulated", on=day)


async def access_product(tenant, *, code="access-std", price="4800", cycle="semiannual"):
    """Seed 001's «Доступ на пользователя «Стандарт»»: 4800 per user for half a year."""
    product = await catalog.create(tenant.actor, code=code, name="Доступ на пользователя «Стандарт»",
                                   kind="recurring", vat_rate="none")
    await catalog_prices.add_product_price(tenant.actor, product.id, cycle=cycle, unit_price=price,
                                           effective_from=date(2018, 1, 1))
    return product


async def customer(tenant, email="buh@fabrika.ru"):
    return await clients.create(tenant.actor, type="legal", company_name="ООО «Фабрика Бизнеса»", email=email,
                                inn="7708305901", kpp="770801001")


async def seed_001(tenant):
    """Seed 001's case up to 4 March 2019: 5 users of a semiannual plan active since 1 February."""
    product = await access_product(tenant)
    client = await customer(tenant)
    await on_day(tenant, date(2019, 2, 1))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=product.id, cycle="semiannual",
                                     quantity="5")
    sub = await subscriptions.change_status(tenant.actor, sub.id, "active", "оплачен счёт 71475")
    sub = await billed_and_paid(tenant, sub)
    await on_day(tenant, date(2019, 3, 4))
    return product, client, sub


async def billed_and_paid(tenant, sub):
    """The day close bills the subscription's first period and the client pays the invoice
    at once (seed 001: «оплачен счёт 71475»); the clock is left the day after."""
    day = sub.period.start
    await on_day(tenant, day + timedelta(days=1))
    await day_close.close_day(tenant.actor, PluginRegistry.build(load_entrypoints=False), day, mode="auto")
    [account] = await ledger.accounts_of(tenant.actor, sub.client_id)
    if account.balance.amount < 0:
        await ledger.post(tenant.actor, account.id, [Entry(EntryKind.PAYMENT, Money(-account.balance.amount,
                                                                                      account.currency), day)])
    return await subscriptions.get(tenant.actor, sub.id)

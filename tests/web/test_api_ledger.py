"""Current accounts over the API and the database: balances, statements, adjustments,
exactly-once postings, concurrency and the append-only guard."""

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db.tables import AuditEvent, LedgerEntry
from core.domain.ledger import Entry, EntryKind
from core.domain.money import Money
from core.services import clients, ledger, tenants


async def new_account(tenant, currency=None):
    client = await clients.create(tenant.actor, type="legal", company_name="ООО «Ромашка»",
                                  email=f"c{id(object())}@romashka.ru", inn="7707083893", kpp="773601001")
    return client, await ledger.open_account(tenant.actor, client.id, currency)


def entry(kind, amount, day=date(2026, 3, 1)):
    return Entry(kind, Money.of(amount), day)


async def test_balance_statement_and_entries(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    owner, account = await new_account(tenant)
    await ledger.post(tenant.actor, account.id, [entry(EntryKind.PAYMENT, "10000", date(2026, 2, 20))])
    await ledger.post(tenant.actor, account.id, [entry(EntryKind.CHARGE, "4800", date(2026, 3, 1)),
                                                 entry(EntryKind.CHARGE, "344", date(2026, 3, 1))])
    await ledger.post(tenant.actor, account.id, [entry(EntryKind.LATE_FEE, "12.34", date(2026, 4, 2))])

    shown = (await client.get(f"/api/v1/accounts/{account.id}", headers=headers)).json()
    assert Decimal(shown["balance"]) == Decimal("4843.66")  # 10000 - 4800 - 344 - 12.34
    assert (Decimal(shown["credit_limit"]), Decimal(shown["available"])) == (Decimal("0.00"), Decimal("4843.66"))
    await client.patch(f"/api/v1/clients/{owner.id}", headers=headers, json={"credit_limit": "5000.00"})
    shown = (await client.get(f"/api/v1/accounts/{account.id}", headers=headers)).json()
    assert (Decimal(shown["credit_limit"]), Decimal(shown["available"])) == (Decimal("5000.00"), Decimal("9843.66"))
    statement = (await client.get(f"/api/v1/accounts/{account.id}/statement", headers=headers,
                                  params={"start": "2026-03-01", "end": "2026-03-31"})).json()
    assert (Decimal(statement["opening"]), Decimal(statement["debits"]), Decimal(statement["closing"])) == (
        Decimal("10000.00"), Decimal("5144.00"), Decimal("4856.00"))
    assert [l["balance_after"] for l in statement["lines"]] == ["5200.00", "4856.00"]
    listed = (await client.get(f"/api/v1/clients/{owner.id}/accounts", headers=headers)).json()
    assert [a["id"] for a in listed] == [account.id]
    rows = (await client.get(f"/api/v1/accounts/{account.id}/entries", headers=headers)).json()
    assert [r["amount"] for r in rows] == ["10000.00", "-4800.00", "-344.00", "-12.34"]
    assert await ledger.balance_matches_entries(tenant.id, account.id)


async def test_adjustment_takes_effect_when_confirmed_on_the_business_date(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    await tenants.set_clock(tenant.actor, mode="simulated", on=date(2026, 5, 14))
    _, account = await new_account(tenant)
    made = await client.post(f"/api/v1/accounts/{account.id}/adjustments", headers=headers,
                             json={"amount": "-150.50", "reason": "Перерасчёт за простой"})
    assert made.status_code == 201 and made.json()["state"] == "pending"
    assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("0")
    confirmed = await client.post(f"/api/v1/adjustments/{made.json()['id']}/confirm", headers=headers)
    assert confirmed.status_code == 200
    assert confirmed.json()["state"] == "confirmed" and confirmed.json()["confirmed_on"] == "2026-05-14"
    assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("-150.50")
    rows = (await client.get(f"/api/v1/accounts/{account.id}/entries", headers=headers)).json()
    assert [(r["kind"], r["amount"], r["booked_on"]) for r in rows] == [("adjustment_debit", "-150.50", "2026-05-14")]
    again = await client.post(f"/api/v1/adjustments/{made.json()['id']}/confirm", headers=headers)
    assert again.status_code == 409
    assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("-150.50")


async def test_adjustment_rules(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers, manager = await api_headers(tenant), await api_headers(tenant, role="manager")
    _, account = await new_account(tenant)
    for body, field in (({"amount": "0", "reason": "x"}, "amount"), ({"amount": "10", "reason": " "}, "reason"),
                        ({"amount": "1.005", "reason": "x"}, "amount")):
        bad = await client.post(f"/api/v1/accounts/{account.id}/adjustments", headers=headers, json=body)
        assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == field
    made = await client.post(f"/api/v1/accounts/{account.id}/adjustments", headers=manager,
                             json={"amount": "99.99", "reason": "Бонус"})
    assert made.status_code == 201
    assert (await client.post(f"/api/v1/adjustments/{made.json()['id']}/confirm", headers=manager)).status_code == 403
    cancelled = await client.post(f"/api/v1/adjustments/{made.json()['id']}/cancel", headers=manager)
    assert cancelled.json()["state"] == "cancelled"
    assert (await client.post(f"/api/v1/adjustments/{made.json()['id']}/confirm", headers=headers)).status_code == 409
    assert await LedgerEntry.count().where(LedgerEntry.account == account.id) == 0


async def test_posting_under_a_key_happens_once_even_concurrently(make_tenant):
    tenant = await make_tenant()
    _, account = await new_account(tenant)
    items = [entry(EntryKind.PAYMENT, "500")]
    results = await asyncio.gather(*[ledger.post(tenant.actor, account.id, items, idempotency_key="robokassa:77")
                                     for _ in range(10)])
    assert sum(r.applied for r in results) == 1
    assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("500")
    assert await LedgerEntry.count().where(LedgerEntry.account == account.id) == 1


async def test_concurrent_postings_lose_no_update(make_tenant):
    tenant = await make_tenant()
    _, account = await new_account(tenant)
    await asyncio.gather(*[ledger.post(tenant.actor, account.id, [entry(EntryKind.CHARGE, "0.01")])
                           for _ in range(25)])
    assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("-0.25")
    assert await ledger.balance_matches_entries(tenant.id, account.id)


async def test_ledger_and_audit_rows_cannot_be_changed_or_removed(make_tenant):
    tenant = await make_tenant()
    _, account = await new_account(tenant)
    await ledger.post(tenant.actor, account.id, [entry(EntryKind.PAYMENT, "1")])
    with pytest.raises(Exception, match="append-only"):
        await LedgerEntry.update({LedgerEntry.amount_minor: 100000}).where(LedgerEntry.account == account.id)
    with pytest.raises(Exception, match="append-only"):
        await LedgerEntry.delete().where(LedgerEntry.account == account.id)
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.delete().where(AuditEvent.tenant == tenant.id)
    assert (await ledger.account(tenant.actor, account.id)).balance == Money.of("1")


async def test_another_tenants_account_and_adjustment_are_not_found(client, make_tenant, api_headers):
    victim, intruder = await make_tenant(), await make_tenant()
    owner, account = await new_account(victim)
    made = await ledger.propose_adjustment(victim.actor, account.id, Money.of("10"), "test")
    headers = await api_headers(intruder)
    for method, path in (("GET", f"/api/v1/accounts/{account.id}"), ("GET", f"/api/v1/accounts/{account.id}/entries"),
                         ("GET", f"/api/v1/clients/{owner.id}/accounts"),
                         ("POST", f"/api/v1/clients/{owner.id}/accounts"),
                         ("POST", f"/api/v1/adjustments/{made.id}/confirm"),
                         ("POST", f"/api/v1/adjustments/{made.id}/cancel")):
        response = await client.request(method, path, headers=headers, json={} if method == "POST" else None)
        assert response.status_code == 404, path
    assert (await ledger.adjustments_of(victim.actor, account.id))[0].state == "pending"


kinds = st.sampled_from(list(EntryKind))
operations = st.lists(st.tuples(kinds, st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"),
                                                   places=2)), min_size=1, max_size=12)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
async def test_cached_balance_always_equals_the_sum_of_entries(make_tenant, ops):
    tenant = await make_tenant()
    _, account = await new_account(tenant)
    for kind, amount in ops:
        await ledger.post(tenant.actor, account.id, [Entry(kind, Money(amount), date(2026, 1, 1))])
    expected = sum((a if k.is_credit else -a for k, a in ops), Decimal("0.00"))
    assert (await ledger.account(tenant.actor, account.id)).balance.amount == expected
    assert await ledger.balance_matches_entries(tenant.id, account.id)

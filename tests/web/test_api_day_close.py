"""The day close API: starting runs, reading their accounts, and confirming, cancelling and
retrying accounts of a confirm-mode run; tenants never see each other's runs."""

from __future__ import annotations

from datetime import date

from core.db.tables import Document, LedgerEntry
from core.domain.money import Money
from core.services import subscriptions, tenants
from tests.web.test_subscriptions import balance, customer, on_day, product

RUNS = "/api/v1/day-close/runs"


async def due_vps(tenant, email="buh@fabrika.ru", client=None):
    """A VPS at 3100 a month active since 10 March 2026: 2200.00 (22 of 31 days) falls due on
    10 March; the tenant clock is then on 11 March, so 10 March may be closed."""
    vps = await product(tenant, f"VPS {email}", {"monthly": "3100"}, code=f"vps-{email.split('@')[0]}")
    client = client or await customer(tenant, email=email)
    await on_day(tenant, date(2026, 3, 10))
    sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
    await subscriptions.change_status(tenant.actor, sub.id, "active")
    await on_day(tenant, date(2026, 3, 11))
    return client, sub


async def confirm_run(client, headers):
    started = await client.post(RUNS, headers=headers, json={"business_date": "2026-03-10", "mode": "confirm"})
    assert started.status_code == 201, started.text
    return started.json()


async def pending(client, headers, run_id, **params):
    found = await client.get(f"{RUNS}/{run_id}/accounts", headers=headers, params=params)
    assert found.status_code == 200, found.text
    return found.json()


async def test_a_confirm_run_waits_and_confirmation_posts_the_charge(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, _ = await due_vps(tenant)

    run = await confirm_run(client, headers)
    assert (run["business_date"], run["mode"], run["state"]) == ("2026-03-10", "confirm", "awaiting_confirmation")
    assert run["totals"]["pending"] == {"accounts": 1, "charges_minor": 220000, "credits_minor": 0, "documents": 1}
    assert run["started_by"] and run["finished_at"]
    assert await balance(tenant, buyer.id) == Money.of("0")  # nothing written while it waits

    listed = await client.get(RUNS, headers=headers)
    assert listed.status_code == 200
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["id"] == run["id"]
    assert (await client.get(f"{RUNS}/{run['id']}", headers=headers)).json()["state"] == "awaiting_confirmation"

    page = await pending(client, headers, run["id"], state="pending")
    assert page["total"] == 1
    [result] = page["items"]
    assert (result["client_id"], result["state"], result["charges"], result["documents"]) == (
        buyer.id, "pending", "2200.00", 1)
    assert result["client_name"] == buyer.display_name
    [line] = result["result"]["lines"]
    assert (line["total"], line["period_start"], line["period_end"]) == ("2200.00", "2026-03-10", "2026-03-31")
    assert [d["type"] for d in result["result"]["documents"]] == ["invoice"]
    assert (await pending(client, headers, run["id"], state="done"))["total"] == 0
    assert (await pending(client, headers, run["id"], search="Фабрика"))["total"] == 1
    assert (await pending(client, headers, run["id"], search="фабрика"))["total"] == 1  # any case, Cyrillic too
    assert (await pending(client, headers, run["id"], search="нет такого"))["total"] == 0

    one = await client.get(f"/api/v1/day-close/accounts/{result['id']}", headers=headers)
    assert one.status_code == 200 and one.json()["result"] == result["result"]

    confirmed = await client.post(f"{RUNS}/{run['id']}/confirm", headers=headers, json={"result_ids": [result["id"]]})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["state"] == "done"
    assert confirmed.json()["totals"]["done"]["charges_minor"] == 220000
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")
    assert await Document.count().where(Document.tenant == tenant.id) == 1
    done = (await client.get(f"/api/v1/day-close/accounts/{result['id']}", headers=headers)).json()
    assert done["state"] == "done" and done["decided_by"]

    again = await client.post(f"{RUNS}/{run['id']}/confirm", headers=headers, json={"result_ids": [result["id"]]})
    assert again.status_code == 409  # already done
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")
    audit = await client.get("/api/v1/audit", headers=headers)
    assert {"day_close.run", "day_close.confirm"} <= {e["action"] for e in audit.json()}


async def test_confirm_all_with_an_empty_body(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    first, _ = await due_vps(tenant)
    second, _ = await due_vps(tenant, email="second@fabrika.ru")
    run = await confirm_run(client, headers)
    assert run["totals"]["pending"]["accounts"] == 2
    confirmed = await client.post(f"{RUNS}/{run['id']}/confirm", headers=headers, json={})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["totals"]["done"]["accounts"] == 2 and confirmed.json()["state"] == "done"
    assert await balance(tenant, first.id) == await balance(tenant, second.id) == Money.of("-2200.00")


async def test_cancel_then_retry_a_cancelled_account(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, _ = await due_vps(tenant)
    run = await confirm_run(client, headers)
    [result] = (await pending(client, headers, run["id"]))["items"]

    cancelled = await client.post(f"{RUNS}/{run['id']}/cancel", headers=headers,
                                  json={"result_ids": [result["id"]], "reason": "клиент оспаривает"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "done" and cancelled.json()["totals"]["cancelled"]["accounts"] == 1
    shown = (await client.get(f"/api/v1/day-close/accounts/{result['id']}", headers=headers)).json()
    assert (shown["state"], shown["error"]) == ("cancelled", "клиент оспаривает")
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0

    # Retrying all retries parked accounts only; a cancelled one is retried by its id.
    none = await client.post(f"{RUNS}/{run['id']}/retry", headers=headers, json={})
    assert none.status_code == 200 and none.json()["totals"]["cancelled"]["accounts"] == 1
    retried = await client.post(f"{RUNS}/{run['id']}/retry", headers=headers, json={"result_ids": [result["id"]]})
    assert retried.status_code == 200, retried.text
    assert retried.json()["state"] == "awaiting_confirmation"
    assert retried.json()["totals"]["pending"]["accounts"] == 1
    assert (await client.get(f"/api/v1/day-close/accounts/{result['id']}", headers=headers)).json()["state"] == "pending"
    await client.post(f"{RUNS}/{run['id']}/confirm", headers=headers, json={})
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")


async def test_retry_parked_accounts_after_the_data_is_fixed(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, sub = await due_vps(tenant)
    run = await confirm_run(client, headers)
    [result] = (await pending(client, headers, run["id"]))["items"]
    # A parked account (as a failing plugin step would leave it) runs again by «retry parked».
    from core.db.tables import DayCloseAccount
    await DayCloseAccount.update({DayCloseAccount.state: "parked", DayCloseAccount.error: "RuntimeError: boom"}).where(
        DayCloseAccount.id == result["id"])
    parked = (await pending(client, headers, run["id"], state="parked"))["items"]
    assert [(p["id"], p["error"]) for p in parked] == [(result["id"], "RuntimeError: boom")]
    retried = await client.post(f"{RUNS}/{run['id']}/retry", headers=headers, json={})
    assert retried.status_code == 200, retried.text
    assert retried.json()["totals"]["pending"]["accounts"] == 1
    assert "parked" not in retried.json()["totals"]


async def test_starting_runs_validates_the_date_and_the_mode(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    await due_vps(tenant)
    today = await client.post(RUNS, headers=headers, json={"business_date": "2026-03-11", "mode": "auto"})
    assert today.status_code == 422
    assert today.json()["error"]["fields"][0]["field"] == "date"
    assert (await client.post(RUNS, headers=headers, json={"business_date": "2026-03-10", "mode": "x"})).status_code == 400
    assert (await client.post(RUNS, headers=headers, json={"mode": "auto"})).status_code == 400

    sandbox = await client.post(RUNS, headers=headers, json={"business_date": "2026-03-10", "mode": "sandbox"})
    assert sandbox.status_code == 201 and sandbox.json()["state"] == "done"
    assert sandbox.json()["totals"]["preview"]["charges_minor"] == 220000
    nothing = await client.post(f"{RUNS}/{sandbox.json()['id']}/confirm", headers=headers, json={})
    assert nothing.status_code == 409
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0

    await tenants.update_settings(tenant.actor, rules={"day_close_mode": "auto"})
    auto = await client.post(RUNS, headers=headers, json={"business_date": "2026-03-10"})
    assert auto.status_code == 201 and (auto.json()["mode"], auto.json()["state"]) == ("auto", "done")
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 1
    assert (await client.get(f"{RUNS}/{auto.json()['id']}/accounts", headers=headers,
                             params={"state": "nonsense"})).status_code == 400
    page = await client.get(RUNS, headers=headers, params={"limit": 1})
    assert page.json()["total"] == 2 and len(page.json()["items"]) == 1


async def test_another_tenants_runs_and_results_are_not_found(client, make_tenant, api_headers):
    tenant = await make_tenant()
    other = await make_tenant()
    headers = await api_headers(tenant)
    other_headers = await api_headers(other)
    await due_vps(tenant)
    run = await confirm_run(client, headers)
    [result] = (await pending(client, headers, run["id"]))["items"]
    await on_day(other, date(2026, 3, 11))

    assert (await client.get(RUNS, headers=other_headers)).json()["total"] == 0
    assert (await client.get(f"{RUNS}/{run['id']}", headers=other_headers)).status_code == 404
    assert (await client.get(f"{RUNS}/{run['id']}/accounts", headers=other_headers)).status_code == 404
    assert (await client.get(f"/api/v1/day-close/accounts/{result['id']}", headers=other_headers)).status_code == 404
    for action in ("confirm", "cancel", "retry"):
        answer = await client.post(f"{RUNS}/{run['id']}/{action}", headers=other_headers, json={})
        assert answer.status_code == 404, action
    # Their own run cannot name this tenant's result either.
    own = await client.post(RUNS, headers=other_headers, json={"business_date": "2026-03-10", "mode": "confirm"})
    assert own.status_code == 201
    stolen = await client.post(f"{RUNS}/{own.json()['id']}/confirm", headers=other_headers,
                               json={"result_ids": [result["id"]]})
    assert stolen.status_code == 404
    assert (await client.get(f"/api/v1/day-close/accounts/{result['id']}", headers=headers)).json()["state"] == "pending"


async def test_a_viewer_reads_but_cannot_run_or_decide(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    viewer = await api_headers(tenant, role="viewer")
    await due_vps(tenant)
    run = await confirm_run(client, headers)
    assert (await client.get(RUNS, headers=viewer)).status_code == 200
    assert (await client.get(f"{RUNS}/{run['id']}/accounts", headers=viewer)).status_code == 200
    assert (await client.post(RUNS, headers=viewer, json={"business_date": "2026-03-10"})).status_code == 403
    for action in ("confirm", "cancel", "retry"):
        answer = await client.post(f"{RUNS}/{run['id']}/{action}", headers=viewer, json={})
        assert answer.status_code == 403, action
    assert (await client.get(f"{RUNS}/{run['id']}", headers=headers)).json()["state"] == "awaiting_confirmation"


async def test_the_tenant_api_sets_the_day_close_rules(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    saved = await client.patch("/api/v1/tenant", headers=headers,
                               json={"rules": {"day_close_mode": "confirm", "day_close_time": "03:30"}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["rules"]["day_close_mode"] == "confirm"
    assert saved.json()["rules"]["day_close_time"] == "03:30"
    for wrong in ({"day_close_mode": "manual"}, {"day_close_time": "25:00"}):
        assert (await client.patch("/api/v1/tenant", headers=headers, json={"rules": wrong})).status_code == 400

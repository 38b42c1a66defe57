"""Discounts and promo codes: managed over the API, applied by the core to plan-change lines."""

from datetime import date

from core.db.tables import Discount, Subscription
from core.domain.money import Money
from core.services import subscriptions

from tests.web.billing_pages import billed_and_paid
from tests.web.test_subscriptions import balance, customer, on_day, product


async def test_client_discount_applies_to_that_client_only(client, make_tenant, api_headers, plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    vps = await product(tenant, "VPS", {"monthly": "1000"})
    favoured, plain = await customer(tenant, "a@x.ru"), await customer(tenant, "b@x.ru")
    made = await client.post("/api/v1/discounts", headers=headers, json={
        "kind": "percent", "value": "10", "description": "Партнёрская скидка", "client_id": favoured.id})
    assert made.status_code == 201 and made.json()["value"] == "10.0000"
    await on_day(tenant, date(2026, 3, 1))
    subs = {}
    for who in (favoured, plain):
        sub = await subscriptions.create(tenant.actor, client_id=who.id, product_id=vps, cycle="monthly")
        subs[who.id] = await billed_and_paid(tenant, await subscriptions.change_status(tenant.actor, sub.id, "active"))
    await on_day(tenant, date(2026, 3, 17))
    favoured_preview = await subscriptions.preview_change(tenant.actor, plugin_registry, subs[favoured.id].id,
                                                          quantity="2")
    plain_preview = await subscriptions.preview_change(tenant.actor, plugin_registry, subs[plain.id].id,
                                                       quantity="2")
    # one more unit for 15 of 31 days: 1000 × 15/31 = 483.870… → 483.87;
    # with 10 % off: 483.87 − 48.387 → 48.39 = 435.48
    assert plain_preview.total == Money.of("483.87")
    assert favoured_preview.total == Money.of("435.48")
    await subscriptions.apply_change(tenant.actor, plugin_registry, subs[favoured.id].id, quantity="2")
    assert await balance(tenant, favoured.id) == Money.of("-435.48")


async def test_promo_code_rules(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    vps = await product(tenant, "VPS", {"monthly": "1000"})
    other = await product(tenant, "Mail", {"monthly": "100"})
    await on_day(tenant, date(2026, 3, 1))
    made = await client.post("/api/v1/discounts", headers=headers, json={
        "kind": "fixed", "value": "200", "description": "Весенний промокод", "promo_code": "spring-26",
        "product_id": vps, "valid_to": "2026-03-31", "max_uses": 1})
    assert made.json()["promo_code"] == "SPRING-26"
    taken = await client.post("/api/v1/discounts", headers=headers, json={
        "kind": "percent", "value": "5", "description": "x", "promo_code": "SPRING-26"})
    assert taken.status_code == 409 and taken.json()["error"]["fields"][0]["field"] == "promo_code"
    first, second = await customer(tenant, "p1@x.ru"), await customer(tenant, "p2@x.ru")

    async def order(who, product_id, code):
        return await client.post("/api/v1/subscriptions", headers=headers, json={
            "client_id": who.id, "product_id": product_id, "cycle": "monthly", "promo_code": code})

    wrong_product = await order(first, other, "spring-26")
    assert wrong_product.status_code == 422 and "another product" in wrong_product.json()["error"]["message"]
    assert (await order(first, vps, "NOPE")).json()["error"]["fields"][0]["field"] == "promo_code"
    ok = await order(first, vps, "spring-26")
    assert ok.status_code == 201 and ok.json()["promo_code"] == "SPRING-26"
    used_up = await order(second, vps, "SPRING-26")
    assert used_up.status_code == 422 and "used up" in used_up.json()["error"]["message"]
    assert await Subscription.count().where(Subscription.tenant == tenant.id) == 1


async def test_bad_discounts_name_the_field_and_change_nothing(client, make_tenant, api_headers):
    tenant, intruder = await make_tenant(), await make_tenant()
    headers = await api_headers(tenant)
    foreign = await customer(intruder, "f@x.ru")
    for body, field in (
        ({"kind": "percent", "value": "120", "description": "x"}, "value"),
        ({"kind": "percent", "value": "1.00001", "description": "x"}, "value"),
        ({"kind": "fixed", "value": "10", "description": " "}, "description"),
        ({"kind": "fixed", "value": "10", "description": "x", "client_id": foreign.id}, "client_id"),
        ({"kind": "fixed", "value": "10", "description": "x", "valid_from": "2026-02-01", "valid_to": "2026-01-01"},
         "valid_to"),
        ({"kind": "fixed", "value": "10", "description": "x", "promo_code": "a b"}, "promo_code"),
    ):
        response = await client.post("/api/v1/discounts", headers=headers, json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["fields"][0]["field"] == field
    assert await Discount.count().where(Discount.tenant == tenant.id) == 0
    viewer = await api_headers(tenant, role="viewer")
    denied = await client.post("/api/v1/discounts", headers=viewer,
                               json={"kind": "fixed", "value": "10", "description": "x"})
    assert denied.status_code == 403
    theirs = await client.post("/api/v1/discounts", headers=await api_headers(intruder),
                               json={"kind": "fixed", "value": "10", "description": "их"})
    assert (await client.get(f"/api/v1/discounts/{theirs.json()['id']}", headers=headers)).status_code == 404
    assert (await client.patch(f"/api/v1/discounts/{theirs.json()['id']}", headers=headers,
                               json={"is_active": False})).status_code == 404

"""The «Скидки и правила» page: discounts and promo codes, business rules."""

from core.db.tables import Discount
from core.services import tenants
from core.services.auth import user_actor
from core.services.users import create as create_user

from tests.web.test_ui_pages import signed_in


async def test_discount_is_added_with_field_errors_first(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    page = await client.get("/pricing")
    assert page.status_code == 200 and "Скидки и промокоды" in page.text
    bad = await client.post("/pricing/discounts", data={"_csrf": csrf, "kind": "percent", "value": "150",
                                                        "description": "Партнёрам"})
    assert bad.status_code == 422 and "has-error" in bad.text
    assert await Discount.count().where(Discount.tenant == tenant.id) == 0
    good = await client.post("/pricing/discounts", data={"_csrf": csrf, "kind": "percent", "value": "7,5",
                                                         "description": "Партнёрам", "promo_code": "partner"},
                             follow_redirects=False)
    assert good.status_code == 303
    shown = await client.get("/pricing")
    assert "Партнёрам" in shown.text and "PARTNER" in shown.text and "Действует" in shown.text
    [row] = await Discount.select(Discount.id, Discount.value_e4).where(Discount.tenant == tenant.id)
    assert row["value_e4"] == 75000
    off = await client.post(f"/pricing/discounts/{row['id']}/active", data={"_csrf": csrf, "active": "0"},
                            follow_redirects=False)
    assert off.status_code == 303
    assert (await Discount.select(Discount.is_active).where(Discount.id == row["id"]).first())["is_active"] is False


async def test_rules_are_saved_by_managers_of_the_tenant_only(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    saved = await client.post("/pricing/rules", data={"_csrf": csrf, "allow_duplicate_products": "1",
                                                      "plan_change_policy": "next_period"}, follow_redirects=False)
    assert saved.status_code == 303
    rules = (await tenants.get(tenant.id)).settings["rules"]
    assert rules == {"allow_duplicate_products": True, "plan_change_policy": "next_period",
                     "day_close_mode": "auto", "day_close_time": "04:00", "invoice_posting": "auto"}
    assert "Allow a client a second subscription" in (await client.get("/pricing?lang=en")).text
    client.cookies.clear()
    manager = await create_user(tenant.actor, email="m@x.ru", password=tenant.password, role="manager")
    assert user_actor(manager).role == "manager"
    csrf = await signed_in(client, tenant, email="m@x.ru")
    denied = await client.post("/pricing/rules", data={"_csrf": csrf, "plan_change_policy": "at_once"})
    assert denied.status_code == 403
    assert (await tenants.get(tenant.id)).settings["rules"]["plan_change_policy"] == "next_period"


async def test_another_tenants_discount_is_not_found(client, make_tenant):
    from core.services import discounts

    victim, intruder = await make_tenant(), await make_tenant()
    theirs = await discounts.create(victim.actor, kind="fixed", value="10", description="их")
    csrf = await signed_in(client, intruder)
    response = await client.post(f"/pricing/discounts/{theirs.discount.id}/active", data={"_csrf": csrf, "active": "0"})
    assert response.status_code == 404
    assert (await discounts.get(victim.actor, theirs.discount.id)).is_active is True

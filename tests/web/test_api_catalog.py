"""The catalog over the API: product groups, products, add-ons, prices per cycle that are only ever
added (taking effect at once or from the next period), configurable options with their prices,
bad input refused whole, roles, and tenant walls."""

from datetime import date
from decimal import Decimal

import pytest

from core.db.tables import AuditEvent, ConfigurableOption, OptionPrice, Product, ProductGroup, ProductPrice
from core.domain.catalog import PriceApply, price_on
from core.domain.periods import BillingCycle
from core.services import catalog, tenants

API = "/api/v1"
SELLER = {"name": "ООО «Тайф-технологии»", "inn": "7709983032", "kpp": "770901001", "vat_status": "vat22"}
USN_SELLER = {"name": "ИП Петров Пётр", "inn": "500100732259", "vat_status": "no_vat"}
VPS = {"code": "vps-s", "name": "Виртуальный сервер S", "kind": "recurring"}


async def _counts(tenant_id):
    tables = (ProductGroup, Product, ProductPrice, ConfigurableOption, OptionPrice, AuditEvent)
    return [await table.count().where(table.tenant == tenant_id) for table in tables]


async def _post(client, headers, path, body, status=201):
    response = await client.post(f"{API}{path}", headers=headers, json=body)
    assert response.status_code == status, response.text
    return response.json()


async def _product(client, headers, **changes):
    return await _post(client, headers, "/products", VPS | changes)


def _fields(response):
    return sorted(f["field"] for f in response.json()["error"]["fields"])


async def test_a_product_with_monthly_and_annual_prices(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    await _post(client, headers, "/seller-entities", SELLER)
    group = await _post(client, headers, "/product-groups", {"name": "VPS"})
    product = await _product(client, headers, group_id=group["id"], unit_okei="362",
                             description="2 vCPU, 4 ГБ RAM")
    assert product["unit"] == "мес" and product["unit_okei"] == "362"
    assert product["vat_rate"] == "22"  # from the tenant's default seller entity
    assert (product["kind"], product["payment_model"], product["vat_included"]) == ("recurring", "prepaid", True)
    assert (product["group_id"], product["seller_id"], product["addon_of"]) == (group["id"], None, None)

    base = f"/products/{product['id']}"
    monthly = await _post(client, headers, f"{base}/prices", {"cycle": "monthly", "unit_price": "1500.5",
                                                               "setup_fee": "500", "effective_from": "2026-01-01"})
    assert (monthly["unit_price"], monthly["setup_fee"], monthly["apply_mode"]) == ("1500.5000", "500.00",
                                                                                   "next_period")
    annual = await _post(client, headers, f"{base}/prices", {"cycle": "annual", "unit_price": 15000,
                                                              "effective_from": "2026-01-01"})
    assert annual["unit_price"] == "15000.0000" and annual["setup_fee"] == "0.00"
    stored = await ProductPrice.select(ProductPrice.unit_price_e4, ProductPrice.setup_fee_minor).where(
        ProductPrice.id == monthly["id"]).first()
    assert stored == {"unit_price_e4": 15005000, "setup_fee_minor": 50000}

    history = (await client.get(f"{API}{base}/prices", headers=headers)).json()
    assert [(p["cycle"], p["unit_price"]) for p in history] == [("annual", "15000.0000"), ("monthly", "1500.5000")]
    for cycle, expected in (("monthly", "1500.5000"), ("annual", "15000.0000")):
        answer = await client.get(f"{API}{base}/price", headers=headers, params={"cycle": cycle, "on": "2026-02-10"})
        assert answer.status_code == 200 and answer.json()["price"]["unit_price"] == expected
        assert answer.json()["period"] is None and answer.json()["segments"] == []
    before = await client.get(f"{API}{base}/price", headers=headers, params={"cycle": "monthly", "on": "2025-12-31"})
    assert before.status_code == 404
    assert before.json()["error"]["message"] == "product vps-s has no monthly price in effect on 2025-12-31"
    quarterly = await client.get(f"{API}{base}/price", headers=headers,
                                 params={"cycle": "quarterly", "on": "2026-02-01"})
    assert quarterly.status_code == 404

    events = (await client.get(f"{API}/audit", headers=headers,
                               params={"object_type": "product", "object_id": str(product["id"])})).json()
    assert sorted(e["action"] for e in events) == ["product.create", "product.price", "product.price"]
    shown = (await client.get(f"{API}{base}", headers=headers)).json()
    assert shown == product


async def test_a_price_change_at_once_or_from_the_next_period(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    paths = {}
    for mode in ("prorate_now", "next_period"):
        made = await _product(client, headers, code=f"plan-{mode}")
        paths[mode] = f"/products/{made['id']}"
        await _post(client, headers, f"{paths[mode]}/prices", {"cycle": "monthly", "unit_price": "1000",
                                                               "effective_from": "2026-01-01"})
        change = await _post(client, headers, f"{paths[mode]}/prices", {
            "cycle": "monthly", "unit_price": "1200", "effective_from": "2026-03-10", "apply_mode": mode})
        assert change["apply_mode"] == mode

    async def price(mode, on, period_start=None):
        params = {"cycle": "monthly", "on": on} | ({"period_start": period_start} if period_start else {})
        response = await client.get(f"{API}{paths[mode]}/price", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    for mode in paths:
        assert (await price(mode, "2026-03-09"))["price"]["unit_price"] == "1000.0000"
        on_the_day = (await price(mode, "2026-03-10"))["price"]
        assert (on_the_day["unit_price"], on_the_day["apply_mode"]) == ("1200.0000", mode)
    # March (a period started on the 1st): at once splits it on the 10th, the other waits for April.
    march = await price("prorate_now", "2026-03-15", "2026-03-01")
    assert march["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert [(s["start"], s["end"], s["unit_price"]) for s in march["segments"]] == [
        ("2026-03-01", "2026-03-09", "1000.0000"), ("2026-03-10", "2026-03-31", "1200.0000")]
    waiting = await price("next_period", "2026-03-15", "2026-03-01")
    assert [(s["start"], s["end"], s["unit_price"]) for s in waiting["segments"]] == [
        ("2026-03-01", "2026-03-31", "1000.0000")]
    april = await price("next_period", "2026-04-01", "2026-04-01")
    assert [(s["start"], s["end"], s["unit_price"]) for s in april["segments"]] == [
        ("2026-04-01", "2026-04-30", "1200.0000")]

    # Without a date the tenant's business date is used, for the answer and for a new price.
    await tenants.set_clock(tenant.actor, mode="simulated", on=date(2026, 5, 14))
    today = await client.get(f"{API}{paths['next_period']}/price", headers=headers, params={"cycle": "monthly"})
    assert today.json()["on"] == "2026-05-14" and today.json()["price"]["unit_price"] == "1200.0000"
    dated = await _post(client, headers, f"{paths['next_period']}/prices",
                        {"cycle": "monthly", "unit_price": "1300", "apply_mode": "next_period"})
    assert dated["effective_from"] == "2026-05-14"


async def test_bad_input_names_the_field_and_changes_nothing(client, make_tenant, api_headers):
    tenant, other = await make_tenant(), await make_tenant()
    headers, other_headers = await api_headers(tenant), await api_headers(other)
    foreign_seller = await _post(client, other_headers, "/seller-entities", SELLER)
    foreign_group = await _post(client, other_headers, "/product-groups", {"name": "VPS"})
    foreign_product = await _product(client, other_headers)
    await _post(client, headers, "/product-groups", {"name": "VPS"})
    product = await _product(client, headers)
    prices = f"/products/{product['id']}/prices"
    await _post(client, headers, prices, {"cycle": "monthly", "unit_price": "1000", "effective_from": "2026-01-01"})
    before = await _counts(tenant.id)

    price_cases = [
        ({"cycle": "monthly", "unit_price": "10.12345", "apply_mode": "next_period"}, 422, ["unit_price"]),
        ({"cycle": "one_time", "unit_price": "100"}, 422, ["cycle"]),
        ({"cycle": "monthly", "unit_price": "1200", "effective_from": "2026-04-01"}, 422, ["apply_mode"]),
        ({"cycle": "annual", "unit_price": "100", "setup_fee": "1.001"}, 422, ["setup_fee"]),
        ({"cycle": "annual", "unit_price": "-1"}, 422, ["unit_price"]),
        ({"cycle": "annual", "unit_price": "1e30"}, 422, ["unit_price"]),
        ({"cycle": "weekly", "unit_price": "1"}, 422, ["cycle"]),
        ({"cycle": "monthly", "unit_price": "1", "apply_mode": "tomorrow"}, 422, ["apply_mode"]),
        ({"cycle": "one_time", "unit_price": "1.00001", "setup_fee": "0.001"}, 422,
         ["cycle", "setup_fee", "unit_price"]),
        ({"cycle": "monthly", "unit_price": "900", "effective_from": "2026-01-01", "apply_mode": "prorate_now"},
         409, ["effective_from"]),
    ]
    for body, status, fields in price_cases:
        response = await client.post(f"{API}{prices}", headers=headers, json=body)
        assert response.status_code == status, (body, response.text)
        assert _fields(response) == fields, body
    missing_mode = await client.post(f"{API}{prices}", headers=headers,
                                     json={"cycle": "monthly", "unit_price": "1200", "effective_from": "2026-04-01"})
    assert "prorate_now" in missing_mode.json()["error"]["fields"][0]["message"]

    product_cases = [
        ({"unit_okei": "79"}, 422, ["unit_okei"]),
        ({"unit_okei": "79a6"}, 422, ["unit_okei"]),
        ({"unit": "Мбит/с"}, 422, ["unit_okei"]),
        ({"unit_okei": "9999"}, 422, ["unit"]),
        ({"seller_id": foreign_seller["id"]}, 422, ["seller_id"]),
        ({"addon_of": foreign_product["id"]}, 422, ["addon_of"]),
        ({"group_id": foreign_group["id"]}, 422, ["group_id"]),
        ({"kind": "monthly", "vat_rate": "20", "payment_model": "credit"}, 422, ["kind", "payment_model", "vat_rate"]),
        ({"code": "vps s", "name": " "}, 422, ["code", "name"]),
        ({}, 409, ["code"]),
    ]
    for change, status, fields in product_cases:
        body = VPS | {"code": "vps-m"} | change if change else VPS
        response = await client.post(f"{API}/products", headers=headers, json=body)
        assert response.status_code == status, (change, response.text)
        assert _fields(response) == fields, change
    okei = await client.post(f"{API}/products", headers=headers, json=VPS | {"code": "x", "unit_okei": "12"})
    assert "796 (шт)" in okei.json()["error"]["fields"][0]["message"]

    patch_cases = [
        ({"seller_id": foreign_seller["id"]}, ["seller_id"]),
        ({"group_id": foreign_group["id"]}, ["group_id"]),
        ({"kind": "one_time"}, ["kind"]),
        ({"code": "vps-x"}, ["code"]),
        ({"addon_of": foreign_product["id"]}, ["addon_of"]),
        ({"unit_okei": "12345"}, ["unit_okei"]),
        ({"name": None, "vat_rate": "18"}, ["name", "vat_rate"]),
    ]
    for change, fields in patch_cases:
        response = await client.patch(f"{API}/products/{product['id']}", headers=headers, json=change)
        assert response.status_code == 422, (change, response.text)
        assert _fields(response) == fields, change
    duplicate_group = await client.post(f"{API}/product-groups", headers=headers, json={"name": " VPS "})
    assert duplicate_group.status_code == 409 and _fields(duplicate_group) == ["name"]

    assert await _counts(tenant.id) == before
    assert (await client.get(f"{API}/products/{product['id']}", headers=headers)).json() == product
    assert (await client.get(f"{API}/products/{foreign_product['id']}", headers=other_headers)).json() == (
        foreign_product)


async def test_add_ons_belong_to_a_base_product(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    base = await _product(client, headers)
    addon = await _product(client, headers, code="backup", name="Резервное копирование", addon_of=base["id"],
                           unit="Гбайт")
    assert addon["addon_of"] == base["id"] and addon["unit_okei"] == "2553"
    before = await _counts(tenant.id)
    nested = await client.post(f"{API}/products", headers=headers,
                               json=VPS | {"code": "backup-plus", "addon_of": addon["id"]})
    assert nested.status_code == 422 and _fields(nested) == ["addon_of"]
    assert "itself an add-on" in nested.json()["error"]["fields"][0]["message"]
    assert await _counts(tenant.id) == before
    listed = (await client.get(f"{API}/products", headers=headers, params={"addon_of": base["id"]})).json()
    assert [p["code"] for p in listed["items"]] == ["backup"] and listed["total"] == 1
    same = await client.patch(f"{API}/products/{addon['id']}", headers=headers,
                              json={"addon_of": base["id"], "name": "Бэкап"})
    assert same.status_code == 200 and same.json()["name"] == "Бэкап"


async def test_groups_are_listed_by_position_and_renamed(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    hosting = await _post(client, headers, "/product-groups", {"name": "Хостинг", "position": 2})
    await _post(client, headers, "/product-groups", {"name": "VPS", "position": 1})
    await _post(client, headers, "/product-groups", {"name": "Домены", "position": 2})
    names = [g["name"] for g in (await client.get(f"{API}/product-groups", headers=headers)).json()]
    assert names == ["VPS", "Домены", "Хостинг"]
    renamed = await client.patch(f"{API}/product-groups/{hosting['id']}", headers=headers,
                                 json={"name": "Виртуальный хостинг", "position": 0})
    assert renamed.status_code == 200 and renamed.json() == {"id": hosting["id"], "name": "Виртуальный хостинг",
                                                             "position": 0}
    taken = await client.patch(f"{API}/product-groups/{hosting['id']}", headers=headers, json={"name": "VPS"})
    assert taken.status_code == 409 and _fields(taken) == ["name"]
    empty = await client.patch(f"{API}/product-groups/{hosting['id']}", headers=headers, json={"name": "  "})
    assert empty.status_code == 422 and _fields(empty) == ["name"]
    events = (await client.get(f"{API}/audit", headers=headers, params={"object_type": "product_group"})).json()
    assert sorted(e["action"] for e in events) == ["product_group.create"] * 3 + ["product_group.update"]


async def test_products_are_filtered_searched_and_changed(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    usn = await _post(client, headers, "/seller-entities", USN_SELLER)
    group = await _post(client, headers, "/product-groups", {"name": "Облако"})
    vps = await _product(client, headers, name="Виртуальный СЕРВЕР S", group_id=group["id"])
    await _product(client, headers, code="VPS-M", name="Виртуальный сервер M", group_id=group["id"])
    setup = await _product(client, headers, code="setup", name="Настройка сервера", kind="one_time",
                           is_active=False)
    traffic = await _product(client, headers, code="traffic", name="Трафик", kind="usage", unit="Гбайт",
                             payment_model="postpaid")
    assert vps["vat_rate"] == "none"  # the default seller works «без НДС»
    assert (traffic["unit_okei"], traffic["payment_model"]) == ("2553", "postpaid")

    async def codes(**params):
        page = (await client.get(f"{API}/products", headers=headers, params=params)).json()
        return sorted(p["code"] for p in page["items"]), page["total"]

    assert await codes(search="сервер") == (["VPS-M", "setup", "vps-s"], 3)
    assert await codes(search="вирт СЕРВЕР m") == (["VPS-M"], 1)
    assert await codes(search="vps-m") == (["VPS-M"], 1)
    assert await codes(group_id=group["id"]) == (["VPS-M", "vps-s"], 2)
    assert await codes(kind="usage") == (["traffic"], 1)
    assert await codes(active="false") == (["setup"], 1)
    assert await codes(active="true", search="сервер") == (["VPS-M", "vps-s"], 2)
    page = (await client.get(f"{API}/products", headers=headers, params={"limit": 2, "offset": 2})).json()
    assert page["total"] == 4 and len(page["items"]) == 2
    searched = (await client.get(f"{API}/products", headers=headers,
                                 params={"search": "сервер", "limit": 1, "offset": 1})).json()
    assert searched["total"] == 3 and len(searched["items"]) == 1

    changed = await client.patch(f"{API}/products/{vps['id']}", headers=headers, json={
        "name": "VPS S", "description": "2 vCPU", "group_id": None, "unit_okei": "356", "vat_rate": "10",
        "vat_included": False, "payment_model": "postpaid", "seller_id": usn["id"], "is_active": False,
        "code": "vps-s", "kind": "recurring"})
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert (after["name"], after["group_id"], after["unit"], after["unit_okei"]) == ("VPS S", None, "ч", "356")
    assert (after["vat_rate"], after["vat_included"], after["payment_model"]) == ("10", False, "postpaid")
    assert (after["seller_id"], after["is_active"], after["description"]) == (usn["id"], False, "2 vCPU")
    events = (await client.get(f"{API}/audit", headers=headers,
                               params={"object_type": "product", "object_id": str(vps["id"])})).json()
    update = next(e for e in events if e["action"] == "product.update")
    assert update["before"]["unit_okei"] == "796" and update["after"]["unit_okei"] == "356"
    assert (await client.patch(f"{API}/products/{setup['id']}", headers=headers, json={})).status_code == 200


async def test_options_with_their_prices(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    product = await _product(client, headers, code="1c-cloud", name="1С в облаке")
    base = f"/products/{product['id']}"
    await _post(client, headers, f"{base}/prices", {"cycle": "monthly", "unit_price": "1000",
                                                    "effective_from": "2026-01-01"})
    users = await _post(client, headers, f"{base}/options", {"code": "users", "name": "Пользователи",
                                                             "min_quantity": 1, "max_quantity": 100})
    disk = await _post(client, headers, f"{base}/options", {"code": "disk5", "name": "Диск, пакет 5 ГБ",
                                                            "unit": "пакет 5 ГБ", "unit_okei": "796",
                                                            "position": 1})
    assert (users["unit"], users["unit_okei"], users["min_quantity"], users["max_quantity"]) == ("шт", "796", 1, 100)
    assert disk["max_quantity"] is None
    await _post(client, headers, f"/options/{users['id']}/prices", {"cycle": "monthly", "unit_price": "4800",
                                                                    "effective_from": "2026-01-01"})
    await _post(client, headers, f"/options/{disk['id']}/prices", {"cycle": "monthly", "unit_price": "300",
                                                                   "effective_from": "2026-01-01"})
    raised = await _post(client, headers, f"/options/{users['id']}/prices", {
        "cycle": "monthly", "unit_price": "5200", "effective_from": "2026-06-01", "apply_mode": "next_period"})
    assert "setup_fee" not in raised

    before = await _counts(tenant.id)
    bad = [
        (f"{base}/options", {"code": "users", "name": "Ещё"}, 409, ["code"]),
        (f"{base}/options", {"code": "x", "name": "X", "min_quantity": 5, "max_quantity": 2}, 422, ["max_quantity"]),
        (f"{base}/options", {"code": "x", "name": "X", "unit_okei": "1"}, 422, ["unit_okei"]),
        (f"/options/{users['id']}/prices", {"cycle": "monthly", "unit_price": "1", "setup_fee": "10"}, 422,
         ["apply_mode", "setup_fee"]),
        (f"/options/{users['id']}/prices", {"cycle": "one_time", "unit_price": "1"}, 422, ["cycle"]),
        (f"/options/{disk['id']}/prices", {"cycle": "monthly", "unit_price": "0.00001", "apply_mode": "next_period"},
         422, ["unit_price"]),
        (f"/options/{disk['id']}/prices", {"cycle": "monthly", "unit_price": "310", "effective_from": "2026-01-01",
                                            "apply_mode": "prorate_now"}, 409, ["effective_from"]),
    ]
    for path, body, status, fields in bad:
        response = await client.post(f"{API}{path}", headers=headers, json=body)
        assert response.status_code == status, (path, body, response.text)
        assert _fields(response) == fields, body
    limits = await client.patch(f"{API}/options/{users['id']}", headers=headers, json={"min_quantity": 200})
    assert limits.status_code == 422 and _fields(limits) == ["max_quantity"]
    fixed = await client.patch(f"{API}/options/{users['id']}", headers=headers, json={"code": "seats"})
    assert fixed.status_code == 422 and _fields(fixed) == ["code"]
    assert await _counts(tenant.id) == before

    changed = await client.patch(f"{API}/options/{users['id']}", headers=headers,
                                 json={"name": "Рабочие места", "min_quantity": 2, "max_quantity": None})
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["min_quantity"], changed.json()["max_quantity"]) == (
        "Рабочие места", 2, None)
    listed = (await client.get(f"{API}{base}/options", headers=headers)).json()
    assert [o["code"] for o in listed] == ["users", "disk5"]
    history = (await client.get(f"{API}/options/{users['id']}/prices", headers=headers)).json()
    assert [(p["unit_price"], p["effective_from"]) for p in history] == [("4800.0000", "2026-01-01"),
                                                                        ("5200.0000", "2026-06-01")]
    in_effect = await client.get(f"{API}/options/{users['id']}/price", headers=headers,
                                 params={"cycle": "monthly", "on": "2026-03-10"})
    assert in_effect.json()["price"]["unit_price"] == "4800.0000"
    none = await client.get(f"{API}/options/{disk['id']}/price", headers=headers,
                            params={"cycle": "annual", "on": "2026-03-10"})
    assert none.status_code == 404 and "option disk5 has no annual price" in none.json()["error"]["message"]
    events = (await client.get(f"{API}/audit", headers=headers, params={"object_type": "configurable_option"})).json()
    assert sorted({e["action"] for e in events}) == ["option.create", "option.price", "option.update"]

    # The view the subscription code uses.
    found, points, options = await catalog.product_pricing(tenant.id, product["id"])
    assert found.code == "1c-cloud"
    assert [(p.cycle, p.unit_price) for p in points] == [(BillingCycle.MONTHLY, Decimal("1000.0000"))]
    assert list(options) == ["users", "disk5"]
    option, option_points = options["users"]
    assert option.name == "Рабочие места"
    assert price_on(option_points, BillingCycle.MONTHLY, date(2026, 6, 1)).unit_price == Decimal("5200")
    assert option_points[1].apply_mode is PriceApply.NEXT_PERIOD
    assert options["disk5"][1][0].unit_price == Decimal("300")


async def test_product_pricing_is_scoped_to_the_tenant(make_tenant):
    from core.services.errors import NotFound

    tenant, other = await make_tenant(), await make_tenant()
    product = await catalog.create(tenant.actor, **VPS)
    found, points, options = await catalog.product_pricing(tenant.id, product.id)
    assert (found.id, points, options) == (product.id, [], {})
    with pytest.raises(NotFound):
        await catalog.product_pricing(other.id, product.id)


async def test_readers_read_and_only_billing_roles_write(client, make_tenant, api_headers):
    tenant = await make_tenant()
    owner = await api_headers(tenant)
    group = await _post(client, owner, "/product-groups", {"name": "VPS"})
    product = await _product(client, owner)
    option = await _post(client, owner, f"/products/{product['id']}/options", {"code": "users", "name": "Users"})
    await _post(client, owner, f"/products/{product['id']}/prices", {"cycle": "monthly", "unit_price": "1",
                                                                     "effective_from": "2026-01-01"})
    before = await _counts(tenant.id)
    price = {"cycle": "monthly", "unit_price": "2", "effective_from": "2026-02-01", "apply_mode": "next_period"}
    writes = [
        ("POST", "/product-groups", {"name": "Другая"}),
        ("PATCH", f"/product-groups/{group['id']}", {"name": "Другая"}),
        ("POST", "/products", VPS | {"code": "other"}),
        ("PATCH", f"/products/{product['id']}", {"name": "Другой"}),
        ("POST", f"/products/{product['id']}/prices", price),
        ("POST", f"/products/{product['id']}/options", {"code": "disk", "name": "Disk"}),
        ("PATCH", f"/options/{option['id']}", {"name": "Другая"}),
        ("POST", f"/options/{option['id']}/prices", price),
    ]
    for role in ("viewer", "accountant"):
        headers = await api_headers(tenant, role=role)
        for method, path, body in writes:
            response = await client.request(method, f"{API}{path}", headers=headers, json=body)
            assert response.status_code == 403, (role, method, path, response.text)
        for path in ("/product-groups", "/products", f"/products/{product['id']}", f"/products/{product['id']}/prices",
                     f"/products/{product['id']}/options", f"/options/{option['id']}", "/okei-units"):
            assert (await client.get(f"{API}{path}", headers=headers)).status_code == 200, path
    assert await _counts(tenant.id) == before[:-1] + [before[-1] + 2]  # only the two API keys were audited
    manager = await api_headers(tenant, role="manager")
    assert (await client.post(f"{API}/products/{product['id']}/prices", headers=manager, json=price)).status_code == 201


MATRIX = [
    ("GET", "/product-groups/{group}", None),
    ("PATCH", "/product-groups/{group}", {"name": "hijacked"}),
    ("GET", "/products/{product}", None),
    ("PATCH", "/products/{product}", {"name": "hijacked", "is_active": False}),
    ("GET", "/products/{product}/prices", None),
    ("POST", "/products/{product}/prices", {"cycle": "monthly", "unit_price": "1", "effective_from": "2026-02-01",
                                            "apply_mode": "prorate_now"}),
    ("GET", "/products/{product}/price?cycle=monthly&on=2026-03-01", None),
    ("GET", "/products/{product}/options", None),
    ("POST", "/products/{product}/options", {"code": "planted", "name": "planted"}),
    ("GET", "/options/{option}", None),
    ("PATCH", "/options/{option}", {"name": "hijacked", "max_quantity": 1}),
    ("GET", "/options/{option}/prices", None),
    ("POST", "/options/{option}/prices", {"cycle": "monthly", "unit_price": "1", "effective_from": "2026-02-01",
                                          "apply_mode": "prorate_now"}),
    ("GET", "/options/{option}/price?cycle=monthly&on=2026-03-01", None),
]


@pytest.mark.parametrize("method,path,body", MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
async def test_another_tenants_catalog_answers_404(client, make_tenant, api_headers, method, path, body):
    victim, intruder = await make_tenant(), await make_tenant()
    victim_headers, intruder_headers = await api_headers(victim), await api_headers(intruder)
    group = await _post(client, victim_headers, "/product-groups", {"name": "VPS"})
    product = await _product(client, victim_headers, group_id=group["id"])
    option = await _post(client, victim_headers, f"/products/{product['id']}/options", {"code": "users", "name": "U"})
    for owner in (f"/products/{product['id']}", f"/options/{option['id']}"):
        await _post(client, victim_headers, f"{owner}/prices", {"cycle": "monthly", "unit_price": "100",
                                                                "effective_from": "2026-01-01"})
    ids = {"group": group["id"], "product": product["id"], "option": option["id"]}
    before = await _counts(victim.id)
    response = await client.request(method, f"{API}{path.format(**ids)}", headers=intruder_headers, json=body)
    assert response.status_code == 404, response.text
    assert await _counts(victim.id) == before
    assert (await client.get(f"{API}/products/{product['id']}", headers=victim_headers)).json() == product
    assert (await client.get(f"{API}/options/{option['id']}", headers=victim_headers)).json() == option
    assert (await client.get(f"{API}/product-groups/{group['id']}", headers=victim_headers)).json() == group


async def test_concurrent_prices_of_one_cycle_are_serialised(make_tenant):
    """Racing first prices: one is the first, the others are changes that must name their mode;
    racing prices of the same date: one is stored, the others are conflicts."""
    import asyncio

    from core.services import catalog_prices
    from core.services.errors import Conflict, InvalidInput

    tenant = await make_tenant()
    product = await catalog.create(tenant.actor, **VPS)
    results = await asyncio.gather(*[
        catalog_prices.add_product_price(tenant.actor, product.id, cycle="monthly", unit_price="100",
                                         effective_from=date(2026, 1, day)) for day in range(1, 6)],
        return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, InvalidInput) for r in results if isinstance(r, Exception))
    same_day = await asyncio.gather(*[
        catalog_prices.add_product_price(tenant.actor, product.id, cycle="annual", unit_price=str(1000 + n),
                                         effective_from=date(2026, 1, 1), apply_mode="next_period")
        for n in range(5)], return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in same_day) == 1
    assert all(isinstance(r, Conflict) for r in same_day if isinstance(r, Exception))
    assert await ProductPrice.count().where(ProductPrice.product == product.id) == 2

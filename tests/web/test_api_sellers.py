"""Seller entities over the API: requisites checked, one default per tenant, tenant admins only."""

from core.db.tables import AuditEvent, SellerEntity

# ООО «Тайф-технологии», the payee of the payment order in seed 001.
TAIF = {
    "name": "Общество с ограниченной ответственностью «Тайф-технологии»", "short_name": "ООО «Тайф-технологии»",
    "inn": "7709983032", "kpp": "770901001", "ogrn": "1027700132195", "legal_address": "г. Москва",
    "bank_name": "АО «АЛЬФА-БАНК»", "bik": "044525593", "correspondent_account": "30101810200000000593",
    "settlement_account": "40702810502080001823", "director_name": "Иванов И. И.",
    "chief_accountant_name": "Петрова П. П.", "vat_status": "no_vat",
}
IP = {"name": "Индивидуальный предприниматель Петров Пётр", "inn": "500100732259", "vat_status": "vat22",
      "ogrn": "304500116000157"}


async def _counts(tenant_id):
    return (await SellerEntity.count().where(SellerEntity.tenant == tenant_id),
            await AuditEvent.count().where(AuditEvent.tenant == tenant_id))


async def test_the_first_seller_is_the_default_and_the_default_can_move(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    first = await client.post("/api/v1/seller-entities", headers=headers, json=TAIF)
    assert first.status_code == 201
    assert first.json()["is_default"] is True and first.json()["vat_status"] == "no_vat"
    second = (await client.post("/api/v1/seller-entities", headers=headers, json=IP)).json()
    assert second["is_default"] is False and second["kpp"] == ""
    moved = await client.patch(f"/api/v1/seller-entities/{second['id']}", headers=headers, json={"is_default": True})
    assert moved.status_code == 200 and moved.json()["is_default"] is True
    listed = (await client.get("/api/v1/seller-entities", headers=headers)).json()
    assert [s["is_default"] for s in listed] == [False, True]
    unmark = await client.patch(f"/api/v1/seller-entities/{second['id']}", headers=headers,
                                json={"is_default": False})
    assert unmark.status_code == 422 and unmark.json()["error"]["fields"][0]["field"] == "is_default"
    third = await client.post("/api/v1/seller-entities", headers=headers,
                              json=TAIF | {"short_name": "Тайф-2", "is_default": True})
    assert third.json()["is_default"] is True
    assert sum(s["is_default"] for s in (await client.get("/api/v1/seller-entities", headers=headers)).json()) == 1
    events = (await client.get("/api/v1/audit", headers=headers, params={"object_type": "seller_entity"})).json()
    assert {"seller.create", "seller.update", "seller.default"} <= {e["action"] for e in events}


async def test_bad_requisites_name_the_field_and_change_nothing(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    created = (await client.post("/api/v1/seller-entities", headers=headers, json=TAIF)).json()
    before = await _counts(tenant.id)
    cases = [
        ({"inn": "7709983033"}, ["inn"]),
        ({"kpp": ""}, ["kpp"]),
        ({"vat_status": "vat18"}, ["vat_status"]),
        ({"settlement_account": "40702810502080001824"}, ["settlement_account"]),
        ({"correspondent_account": "30101810200000000594", "bik": "04452559"}, ["bik"]),
        ({"ogrn": "304500116000157"}, ["ogrn"]),
        ({"name": " "}, ["name"]),
    ]
    for change, fields in cases:
        response = await client.post("/api/v1/seller-entities", headers=headers, json=TAIF | change)
        assert response.status_code == 422, change
        assert [f["field"] for f in response.json()["error"]["fields"]] == fields, change
        patched = await client.patch(f"/api/v1/seller-entities/{created['id']}", headers=headers, json=change)
        assert patched.status_code == 422, change
    ip_with_kpp = await client.post("/api/v1/seller-entities", headers=headers, json=IP | {"kpp": "770901001"})
    assert [f["field"] for f in ip_with_kpp.json()["error"]["fields"]] == ["kpp"]
    assert await _counts(tenant.id) == before
    assert (await client.get(f"/api/v1/seller-entities/{created['id']}", headers=headers)).json() == created


async def test_clients_sell_through_their_seller_or_the_default(client, make_tenant, api_headers):
    from core.services import clients, sellers

    tenant = await make_tenant()
    headers = await api_headers(tenant)
    default = (await client.post("/api/v1/seller-entities", headers=headers, json=TAIF)).json()
    other = (await client.post("/api/v1/seller-entities", headers=headers, json=IP)).json()
    plain = await client.post("/api/v1/clients", headers=headers, json={
        "type": "individual", "last_name": "Иванов", "email": "i@x.ru"})
    own = await client.post("/api/v1/clients", headers=headers, json={
        "type": "individual", "last_name": "Петров", "email": "p@x.ru", "seller_id": other["id"]})
    assert plain.json()["seller_id"] is None and own.json()["seller_id"] == other["id"]
    assert (await sellers.seller_for_client(await clients.get(tenant.actor, plain.json()["id"]))).id == default["id"]
    assert (await sellers.seller_for_client(await clients.get(tenant.actor, own.json()["id"]))).id == other["id"]
    filtered = (await client.get("/api/v1/clients", headers=headers, params={"seller_id": other["id"]})).json()
    assert [c["id"] for c in filtered["items"]] == [own.json()["id"]]


async def test_only_tenant_admins_manage_sellers(client, make_tenant, api_headers):
    tenant = await make_tenant()
    owner = await api_headers(tenant)
    created = (await client.post("/api/v1/seller-entities", headers=owner, json=TAIF)).json()
    for role in ("manager", "accountant", "viewer"):
        headers = await api_headers(tenant, role=role)
        assert (await client.get("/api/v1/seller-entities", headers=headers)).status_code == 200
        assert (await client.post("/api/v1/seller-entities", headers=headers, json=IP)).status_code == 403
        denied = await client.patch(f"/api/v1/seller-entities/{created['id']}", headers=headers,
                                    json={"vat_status": "vat22"})
        assert denied.status_code == 403
    admin = await api_headers(tenant, role="admin")
    allowed = await client.patch(f"/api/v1/seller-entities/{created['id']}", headers=admin,
                                 json={"vat_status": "vat22"})
    assert allowed.status_code == 200 and allowed.json()["vat_status"] == "vat22"

"""Clients over the API: create, validate, search, change, custom fields, notes, contacts, groups, roles."""

from core.db.tables import AuditEvent, Client

# The client card of seed 001: ООО «Фабрика Бизнеса», with the seed's real ИНН and bank details.
CARD = {
    "type": "legal", "first_name": "Сергей", "last_name": "Саркисов", "company_name": "ООО «Фабрика Бизнеса»",
    "email": "s.sarkisov@oteli-apelsin.ru", "phone": "9169939985",
    "legal_address": "101000, Москва, Уланский пер, дом № 14, корпус А, пом.11",
    "inn": "7708305901", "kpp": "770801001", "bank_name": "АО «АЛЬФА-БАНК»", "bik": "044525593",
    "correspondent_account": "30101810200000000593", "settlement_account": "40702810502080001823",
    "no_late_fees": True, "auto_block_exempt": True, "block_exempt_until": "2018-08-10",
}


async def _counts(tenant_id):
    return (await Client.count().where(Client.tenant == tenant_id),
            await AuditEvent.count().where(AuditEvent.tenant == tenant_id))


async def _audit(client, headers, object_id):
    response = await client.get("/api/v1/audit", headers=headers,
                                params={"object_type": "client", "object_id": str(object_id)})
    return response.json()


async def _make(client, headers, **changes):
    response = await client.post("/api/v1/clients", headers=headers, json=CARD | changes)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_client_card_is_created_with_defaults_and_audited(client, make_tenant, api_headers):
    tenant = await make_tenant(currency="RUB", language="ru")
    headers = await api_headers(tenant)
    created = await _make(client, headers, email="  S.Sarkisov@Oteli-Apelsin.RU ", credit_limit="15000.50")
    assert created["email"] == "s.sarkisov@oteli-apelsin.ru"
    assert created["display_name"] == "ООО «Фабрика Бизнеса»"
    assert created["currency"] == "RUB" and created["language"] == "ru" and created["country"] == "RU"
    assert created["status"] == "active" and created["merged_into"] is None
    assert created["auto_block_exempt"] is True and created["no_late_fees"] is True
    assert created["tax_exempt"] is False and created["block_exempt_until"] == "2018-08-10"
    assert created["credit_limit"] == "15000.50"
    stored = await Client.select(Client.credit_limit_minor).where(Client.id == created["id"]).first()
    assert stored["credit_limit_minor"] == 1500050
    shown = (await client.get(f"/api/v1/clients/{created['id']}", headers=headers)).json()
    assert shown == created
    events = await _audit(client, headers, created["id"])
    assert [e["action"] for e in events] == ["client.create"]
    assert events[0]["after"]["inn"] == "7708305901"


async def test_a_duplicate_email_is_a_conflict_on_email_and_changes_nothing(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    first = await _make(client, headers)
    before = await _counts(tenant.id)
    response = await client.post("/api/v1/clients", headers=headers,
                                 json=CARD | {"email": "S.SARKISOV@oteli-apelsin.ru", "inn": "7708318386"})
    assert response.status_code == 409
    assert response.json()["error"]["fields"] == [{"field": "email", "message": "another client has this e-mail"}]
    other = await _make(client, headers, email="other@oteli-apelsin.ru", inn="7708318386")
    before = await _counts(tenant.id)
    taken = await client.patch(f"/api/v1/clients/{other['id']}", headers=headers,
                               json={"email": "S.Sarkisov@oteli-apelsin.ru", "phone": "1"})
    assert taken.status_code == 409 and taken.json()["error"]["fields"][0]["field"] == "email"
    assert await _counts(tenant.id) == before
    assert (await client.get(f"/api/v1/clients/{other['id']}", headers=headers)).json()["phone"] == CARD["phone"]
    # the same e-mail in another tenant is fine
    elsewhere = await make_tenant()
    assert (await client.post("/api/v1/clients", headers=await api_headers(elsewhere), json=CARD)).status_code == 201
    assert first["email"] == CARD["email"]


async def test_a_bad_inn_checksum_names_inn_and_changes_nothing(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    before = await _counts(tenant.id)
    response = await client.post("/api/v1/clients", headers=headers, json=CARD | {"inn": "7708305902"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == [{"field": "inn", "message": "check digit is wrong"}]
    assert await _counts(tenant.id) == before


async def test_a_kpp_on_an_individual_names_kpp_and_changes_nothing(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    before = await _counts(tenant.id)
    individual = {"type": "individual", "first_name": "Вадим", "last_name": "Петров", "email": "asm-12@bk.ru",
                  "kpp": "770801001"}
    response = await client.post("/api/v1/clients", headers=headers, json=individual)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["kpp"]
    assert await _counts(tenant.id) == before

    legal = await _make(client, headers)
    before = await _counts(tenant.id)
    retyped = await client.patch(f"/api/v1/clients/{legal['id']}", headers=headers,
                                 json={"type": "individual", "inn": None})
    assert retyped.status_code == 422
    assert [f["field"] for f in retyped.json()["error"]["fields"]] == ["kpp"]
    assert await _counts(tenant.id) == before
    assert (await client.get(f"/api/v1/clients/{legal['id']}", headers=headers)).json() == legal


async def test_every_problem_is_reported_at_once(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    body = CARD | {"email": "nope", "ogrn": "123", "settlement_account": "40702810502080001824",
                   "credit_limit": "1.234", "country": "Russia"}
    response = await client.post("/api/v1/clients", headers=headers, json=body)
    assert response.status_code == 422
    assert sorted(f["field"] for f in response.json()["error"]["fields"]) == [
        "country", "credit_limit", "email", "ogrn", "settlement_account"]


async def test_references_must_belong_to_the_tenant(client, make_tenant, api_headers):
    tenant, other = await make_tenant(), await make_tenant()
    headers, other_headers = await api_headers(tenant), await api_headers(other)
    group = (await client.post("/api/v1/client-groups", headers=other_headers, json={"name": "Чужие"})).json()
    body = CARD | {"manager_id": other.owner.id, "group_id": group["id"], "seller_id": 10**9}
    before = await _counts(tenant.id)
    response = await client.post("/api/v1/clients", headers=headers, json=body)
    assert response.status_code == 422
    assert sorted(f["field"] for f in response.json()["error"]["fields"]) == ["group_id", "manager_id", "seller_id"]
    assert await _counts(tenant.id) == before
    mine = (await client.post("/api/v1/client-groups", headers=headers, json={"name": "Сопровождение"})).json()
    created = await _make(client, headers, manager_id=tenant.owner.id, group_id=mine["id"])
    assert created["manager_id"] == tenant.owner.id and created["group_id"] == mine["id"]
    cleared = await client.patch(f"/api/v1/clients/{created['id']}", headers=headers, json={"manager_id": None})
    assert cleared.status_code == 200 and cleared.json()["manager_id"] is None
    assert cleared.json()["group_id"] == mine["id"]


async def test_list_filters_searches_and_pages(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    group = (await client.post("/api/v1/client-groups", headers=headers, json={"name": "Отели"})).json()
    await _make(client, headers, group_id=group["id"])
    await _make(client, headers, company_name="ООО «Сеть Отелей»", inn="7725381772", email="net@oteli.ru",
                group_id=group["id"])
    await _make(client, headers, company_name="ООО «ОТЕЛЬ АПЕЛЬСИН»", inn="7708318386", email="a@apelsin.ru",
                status="inactive")
    await client.post("/api/v1/clients", headers=headers, json={
        "type": "individual", "last_name": "Кучеренко", "first_name": "Диана", "email": "d.k@example.ru"})

    async def names(**params):
        body = (await client.get("/api/v1/clients", headers=headers, params=params)).json()
        return [c["display_name"] for c in body["items"]], body["total"]

    assert (await names())[1] == 4
    assert await names(search="отел") == (["ООО «ОТЕЛЬ АПЕЛЬСИН»", "ООО «Сеть Отелей»"], 2)
    assert await names(search="ФАБРИКА") == (["ООО «Фабрика Бизнеса»"], 1)
    assert await names(search="7725381772") == (["ООО «Сеть Отелей»"], 1)
    assert await names(search="D.K@EXAMPLE") == (["Кучеренко Диана"], 1)
    assert await names(search="сеть отелей") == (["ООО «Сеть Отелей»"], 1)
    assert await names(search="100%") == ([], 0)
    assert await names(status="inactive") == (["ООО «ОТЕЛЬ АПЕЛЬСИН»"], 1)
    assert await names(type="individual") == (["Кучеренко Диана"], 1)
    assert (await names(group_id=group["id"]))[1] == 2
    page = (await client.get("/api/v1/clients", headers=headers, params={"limit": 2, "offset": 2})).json()
    assert page["total"] == 4 and page["limit"] == 2 and page["offset"] == 2 and len(page["items"]) == 2
    all_names = (await names())[0]
    assert [c["display_name"] for c in page["items"]] == all_names[2:]
    assert (await client.get("/api/v1/clients", headers=headers, params={"limit": 0})).status_code == 400


async def test_patch_changes_only_what_is_given_and_is_audited(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    created = await _make(client, headers)
    response = await client.patch(f"/api/v1/clients/{created['id']}", headers=headers, json={
        "tax_exempt": True, "block_exempt_until": None, "credit_limit": 1000, "company_name": "ООО «ФБ»",
        "status": "inactive"})
    assert response.status_code == 200
    after = response.json()
    assert after["tax_exempt"] is True and after["block_exempt_until"] is None
    assert after["credit_limit"] == "1000.00" and after["display_name"] == "ООО «ФБ»"
    assert after["status"] == "inactive" and after["inn"] == CARD["inn"] and after["auto_block_exempt"] is True
    events = await _audit(client, headers, created["id"])
    assert events[0]["action"] == "client.update"
    assert events[0]["before"]["company_name"] == "ООО «Фабрика Бизнеса»"
    assert events[0]["after"]["company_name"] == "ООО «ФБ»"
    search = (await client.get("/api/v1/clients", headers=headers, params={"search": "фб"})).json()
    assert search["total"] == 1


async def test_custom_fields_are_typed_required_and_validated(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    for body in (
        {"code": "union_code", "label": "Код контрагента в Юнион", "type": "text", "required": True},
        {"code": "license_form", "label": "Форма собственности лицензий 1С", "type": "choice",
         "choices": ["Неизвестно", "Аренда", "Собственность"], "position": 1},
        {"code": "users", "label": "Пользователей", "type": "number"},
        {"code": "since", "label": "На сопровождении с", "type": "date"},
        {"code": "reporting", "label": "Наличие опции «1С Отчетность»", "type": "flag"},
    ):
        assert (await client.post("/api/v1/custom-fields", headers=headers, json=body)).status_code == 201
    duplicate = await client.post("/api/v1/custom-fields", headers=headers,
                                  json={"code": "users", "label": "x", "type": "text"})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["fields"][0]["field"] == "code"

    before = await _counts(tenant.id)
    missing = await client.post("/api/v1/clients", headers=headers, json=CARD)
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"] == [{"field": "custom_fields.union_code", "message": "is required"}]
    bad = await client.post("/api/v1/clients", headers=headers, json=CARD | {"custom_fields": {
        "union_code": "00123", "license_form": "Купил", "users": "много", "since": "26.02.2019", "nope": 1}})
    assert sorted(f["field"] for f in bad.json()["error"]["fields"]) == [
        "custom_fields.license_form", "custom_fields.nope", "custom_fields.since", "custom_fields.users"]
    assert await _counts(tenant.id) == before

    created = await _make(client, headers, custom_fields={
        "union_code": " 00123 ", "license_form": "Аренда", "users": "6", "since": "2014-12-18", "reporting": True})
    assert created["custom_fields"] == {"union_code": "00123", "license_form": "Аренда", "users": "6",
                                        "since": "2014-12-18", "reporting": True}
    patched = await client.patch(f"/api/v1/clients/{created['id']}", headers=headers,
                                 json={"custom_fields": {"users": "6,5", "since": None}})
    assert patched.json()["custom_fields"] == {"union_code": "00123", "license_form": "Аренда", "users": "6.5",
                                               "reporting": True}
    cleared = await client.patch(f"/api/v1/clients/{created['id']}", headers=headers,
                                 json={"custom_fields": {"union_code": ""}})
    assert cleared.status_code == 422
    fields = (await client.get("/api/v1/custom-fields", headers=headers)).json()
    assert [f["code"] for f in fields] == ["union_code", "users", "since", "reporting", "license_form"]
    license_id = next(f["id"] for f in fields if f["code"] == "license_form")
    in_use = await client.patch(f"/api/v1/custom-fields/{license_id}", headers=headers,
                                json={"choices": ["Неизвестно", "Собственность"]})
    assert in_use.status_code == 409 and in_use.json()["error"]["fields"][0]["field"] == "choices"
    listed = (await client.get("/api/v1/clients", headers=headers)).json()["items"]
    assert listed[0]["custom_fields"]["license_form"] == "Аренда"
    removed = await client.delete(f"/api/v1/custom-fields/{license_id}", headers=headers)
    assert removed.status_code == 200
    shown = (await client.get(f"/api/v1/clients/{created['id']}", headers=headers)).json()
    assert "license_form" not in shown["custom_fields"]


async def test_notes_list_important_first_and_contacts_decide_recipients(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    card = await _make(client, headers)
    base = f"/api/v1/clients/{card['id']}"
    for text, important in (("На сопровождении", False), ("старый КПП 772101001", True),
                            ("Клиент теперь арендник", False)):
        assert (await client.post(f"{base}/notes", headers=headers,
                                  json={"text": text, "important": important})).status_code == 201
    notes = (await client.get(f"{base}/notes", headers=headers)).json()
    assert [n["text"] for n in notes] == ["старый КПП 772101001", "Клиент теперь арендник", "На сопровождении"]
    assert notes[0]["author"]["label"].startswith("key:")
    empty = await client.post(f"{base}/notes", headers=headers, json={"text": "  "})
    assert empty.status_code == 422 and empty.json()["error"]["fields"][0]["field"] == "text"
    marked = await client.patch(f"{base}/notes/{notes[2]['id']}", headers=headers, json={"important": True})
    assert marked.json()["important"] is True
    deleted = await client.delete(f"{base}/notes/{notes[1]['id']}", headers=headers)
    assert deleted.status_code == 200
    assert len((await client.get(f"{base}/notes", headers=headers)).json()) == 2

    buh = await client.post(f"{base}/contacts", headers=headers,
                            json={"name": "Бухгалтер", "email": "Buh@Oteli.ru", "roles": ["billing"]})
    assert buh.status_code == 201 and buh.json()["email"] == "buh@oteli.ru"
    admin = await client.post(f"{base}/contacts", headers=headers,
                              json={"name": "Админ", "email": "it@oteli.ru", "roles": ["technical", "general"]})
    assert admin.json()["roles"] == ["technical", "general"]
    renamed = await client.patch(f"{base}/contacts/{admin.json()['id']}", headers=headers,
                                 json={"phone": "+7 495 540-61-51", "roles": ["general"]})
    assert renamed.json()["phone"] == "+7 495 540-61-51" and renamed.json()["roles"] == ["general"]
    assert renamed.json()["email"] == "it@oteli.ru"
    no_email = await client.post(f"{base}/contacts", headers=headers, json={"name": "X", "roles": ["billing"]})
    assert no_email.status_code == 422 and no_email.json()["error"]["fields"][0]["field"] == "email"
    bad_role = await client.post(f"{base}/contacts", headers=headers, json={"name": "X", "roles": ["boss"]})
    assert bad_role.status_code == 422 and bad_role.json()["error"]["fields"][0]["field"] == "roles"
    recipients = (await client.get(f"{base}/recipients", headers=headers)).json()
    assert recipients == ["s.sarkisov@oteli-apelsin.ru", "buh@oteli.ru"]
    gone = await client.delete(f"{base}/contacts/{buh.json()['id']}", headers=headers)
    assert gone.status_code == 200
    assert (await client.get(f"{base}/recipients", headers=headers)).json() == ["s.sarkisov@oteli-apelsin.ru"]
    actions = [e["action"] for e in await _audit(client, headers, card["id"])]
    assert {"client.note_add", "client.note_update", "client.note_delete", "client.contact_add",
            "client.contact_delete"} <= set(actions)


async def test_roles_limit_who_writes_clients(client, make_tenant, api_headers):
    tenant = await make_tenant()
    owner = await api_headers(tenant)
    created = await _make(client, owner)
    viewer, manager, accountant = [await api_headers(tenant, role=r) for r in ("viewer", "manager", "accountant")]
    for headers in (viewer, manager, accountant):
        assert (await client.get(f"/api/v1/clients/{created['id']}", headers=headers)).status_code == 200
        assert (await client.get("/api/v1/clients", headers=headers)).status_code == 200
    for headers in (viewer, accountant):
        assert (await client.post("/api/v1/clients", headers=headers,
                                  json=CARD | {"email": "z@x.ru"})).status_code == 403
        assert (await client.patch(f"/api/v1/clients/{created['id']}", headers=headers,
                                   json={"phone": "1"})).status_code == 403
        assert (await client.post(f"/api/v1/clients/{created['id']}/notes", headers=headers,
                                  json={"text": "x"})).status_code == 403
    assert (await client.post("/api/v1/clients", headers=manager, json=CARD | {"email": "m@x.ru"})).status_code == 201
    assert (await client.post("/api/v1/client-groups", headers=manager, json={"name": "G"})).status_code == 201
    field = {"code": "c", "label": "C", "type": "text"}
    assert (await client.post("/api/v1/custom-fields", headers=manager, json=field)).status_code == 403
    assert (await client.get("/api/v1/custom-fields", headers=viewer)).status_code == 200


async def test_client_groups_are_unique_and_kept_while_used(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    group = (await client.post("/api/v1/client-groups", headers=headers, json={"name": "Партнёры"})).json()
    duplicate = await client.post("/api/v1/client-groups", headers=headers, json={"name": " Партнёры "})
    assert duplicate.status_code == 409 and duplicate.json()["error"]["fields"][0]["field"] == "name"
    await _make(client, headers, group_id=group["id"])
    assert (await client.delete(f"/api/v1/client-groups/{group['id']}", headers=headers)).status_code == 409
    renamed = await client.patch(f"/api/v1/client-groups/{group['id']}", headers=headers, json={"name": "VIP"})
    assert renamed.json()["name"] == "VIP"
    empty = (await client.post("/api/v1/client-groups", headers=headers, json={"name": "Пустая"})).json()
    assert (await client.delete(f"/api/v1/client-groups/{empty['id']}", headers=headers)).status_code == 200
    assert [g["name"] for g in (await client.get("/api/v1/client-groups", headers=headers)).json()] == ["VIP"]

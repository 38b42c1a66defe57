"""Tenants are walls for clients too: another tenant's clients, contacts, notes, groups, custom fields
and seller entities answer 404 to GET, PATCH, DELETE and merge, and stay unchanged."""

import pytest

from core.db.tables import AuditEvent, ClientContact, ClientFieldValue, ClientNote
from core.services import auth

CLIENT = {"type": "legal", "company_name": "ООО «Фабрика Бизнеса»", "email": "victim@oteli.ru",
          "inn": "7708305901", "kpp": "770801001"}
SELLER = {"name": "ООО «Тайф-технологии»", "inn": "7709983032", "kpp": "770901001", "vat_status": "no_vat"}


async def _victim_objects(client, headers):
    """One object of every kind in the victim's tenant; returns their ids by kind."""
    seller = (await client.post("/api/v1/seller-entities", headers=headers, json=SELLER)).json()
    group = (await client.post("/api/v1/client-groups", headers=headers, json={"name": "Отели"})).json()
    field = (await client.post("/api/v1/custom-fields", headers=headers,
                               json={"code": "union_code", "label": "Код контрагента", "type": "text"})).json()
    body = CLIENT | {"group_id": group["id"], "seller_id": seller["id"], "custom_fields": {"union_code": "U-1"}}
    victim = (await client.post("/api/v1/clients", headers=headers, json=body)).json()
    base = f"/api/v1/clients/{victim['id']}"
    note = (await client.post(f"{base}/notes", headers=headers, json={"text": "старый КПП", "important": True})).json()
    contact = (await client.post(f"{base}/contacts", headers=headers,
                                 json={"name": "Бухгалтер", "email": "buh@oteli.ru", "roles": ["billing"]})).json()
    return {"client": victim["id"], "note": note["id"], "contact": contact["id"], "group": group["id"],
            "field": field["id"], "seller": seller["id"]}


MATRIX = [
    ("GET", "/api/v1/clients/{client}", None),
    ("PATCH", "/api/v1/clients/{client}", {"phone": "hijacked", "status": "closed"}),
    ("POST", "/api/v1/clients/{client}/merge", {"into": "{own}"}),
    ("POST", "/api/v1/clients/{own}/merge", {"into": "{client}"}),
    ("GET", "/api/v1/clients/{client}/recipients", None),
    ("GET", "/api/v1/clients/{client}/notes", None),
    ("POST", "/api/v1/clients/{client}/notes", {"text": "planted"}),
    ("PATCH", "/api/v1/clients/{client}/notes/{note}", {"text": "hijacked", "important": False}),
    ("DELETE", "/api/v1/clients/{client}/notes/{note}", None),
    ("PATCH", "/api/v1/clients/{own}/notes/{note}", {"text": "hijacked"}),
    ("DELETE", "/api/v1/clients/{own}/notes/{note}", None),
    ("GET", "/api/v1/clients/{client}/contacts", None),
    ("POST", "/api/v1/clients/{client}/contacts", {"name": "planted", "email": "p@x.ru", "roles": ["billing"]}),
    ("PATCH", "/api/v1/clients/{client}/contacts/{contact}", {"email": "thief@x.ru"}),
    ("DELETE", "/api/v1/clients/{client}/contacts/{contact}", None),
    ("PATCH", "/api/v1/clients/{own}/contacts/{contact}", {"email": "thief@x.ru"}),
    ("DELETE", "/api/v1/clients/{own}/contacts/{contact}", None),
    ("GET", "/api/v1/client-groups/{group}", None),
    ("PATCH", "/api/v1/client-groups/{group}", {"name": "hijacked"}),
    ("DELETE", "/api/v1/client-groups/{group}", None),
    ("GET", "/api/v1/custom-fields/{field}", None),
    ("PATCH", "/api/v1/custom-fields/{field}", {"label": "hijacked", "required": True}),
    ("DELETE", "/api/v1/custom-fields/{field}", None),
    ("GET", "/api/v1/seller-entities/{seller}", None),
    ("PATCH", "/api/v1/seller-entities/{seller}", {"vat_status": "vat22", "is_default": False}),
]


def _fill(value, ids):
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    return value


async def _intruder_credentials(kind, intruder, api_headers):
    if kind == "api_key":
        return await api_headers(intruder), {}
    login = await auth.login(intruder.slug, intruder.owner.email, intruder.password, hours=1)
    return {"X-CSRF-Token": login.csrf_token}, {"saldo_session": login.token}


@pytest.mark.parametrize("credential", ["api_key", "session"])
async def test_another_tenants_client_objects_are_not_found(client, make_tenant, api_headers, credential):
    victim, intruder = await make_tenant(), await make_tenant()
    victim_headers = await api_headers(victim)
    ids = await _victim_objects(client, victim_headers)
    own = await client.post("/api/v1/clients", headers=await api_headers(intruder),
                            json=CLIENT | {"email": "own@intruder.ru"})
    ids["own"] = own.json()["id"]
    snapshot = {
        "client": (await client.get(f"/api/v1/clients/{ids['client']}", headers=victim_headers)).json(),
        "notes": (await client.get(f"/api/v1/clients/{ids['client']}/notes", headers=victim_headers)).json(),
        "contacts": (await client.get(f"/api/v1/clients/{ids['client']}/contacts", headers=victim_headers)).json(),
        "group": (await client.get(f"/api/v1/client-groups/{ids['group']}", headers=victim_headers)).json(),
        "field": (await client.get(f"/api/v1/custom-fields/{ids['field']}", headers=victim_headers)).json(),
        "seller": (await client.get(f"/api/v1/seller-entities/{ids['seller']}", headers=victim_headers)).json(),
    }
    victim_events = await AuditEvent.count().where(AuditEvent.tenant == victim.id)

    headers, cookies = await _intruder_credentials(credential, intruder, api_headers)
    for name, value in cookies.items():
        client.cookies.set(name, value)
    try:
        for method, template, body in MATRIX:
            path = template.format(**ids)
            response = await client.request(method, path, headers=headers, json=_fill(body, ids))
            assert response.status_code == 404, (credential, method, path, response.text)
            assert response.json()["error"]["code"] == "not_found"
        listed = (await client.get("/api/v1/clients", headers=headers, params={"search": "victim"})).json()
        assert listed == {"items": [], "total": 0, "limit": 50, "offset": 0}
        everything = (await client.get("/api/v1/clients", headers=headers)).json()["items"]
        assert [c["id"] for c in everything] == [ids["own"]]
        for path, key in (("/api/v1/client-groups", "group"), ("/api/v1/custom-fields", "field"),
                          ("/api/v1/seller-entities", "seller")):
            assert ids[key] not in [o["id"] for o in (await client.get(path, headers=headers)).json()]
        borrowed = await client.patch(f"/api/v1/clients/{ids['own']}", headers=headers, json={
            "group_id": ids["group"], "seller_id": ids["seller"], "manager_id": victim.owner.id,
            "custom_fields": {"union_code": "stolen"}})
        assert borrowed.status_code == 422
        assert sorted(f["field"] for f in borrowed.json()["error"]["fields"]) == [
            "custom_fields.union_code", "group_id", "manager_id", "seller_id"]
    finally:
        client.cookies.clear()

    assert (await client.get(f"/api/v1/clients/{ids['client']}", headers=victim_headers)).json() == snapshot["client"]
    assert (await client.get(f"/api/v1/clients/{ids['client']}/notes",
                             headers=victim_headers)).json() == snapshot["notes"]
    assert (await client.get(f"/api/v1/clients/{ids['client']}/contacts",
                             headers=victim_headers)).json() == snapshot["contacts"]
    assert (await client.get(f"/api/v1/client-groups/{ids['group']}",
                             headers=victim_headers)).json() == snapshot["group"]
    assert (await client.get(f"/api/v1/custom-fields/{ids['field']}",
                             headers=victim_headers)).json() == snapshot["field"]
    assert (await client.get(f"/api/v1/seller-entities/{ids['seller']}",
                             headers=victim_headers)).json() == snapshot["seller"]
    assert snapshot["client"]["custom_fields"] == {"union_code": "U-1"}
    assert await AuditEvent.count().where(AuditEvent.tenant == victim.id) == victim_events
    assert await ClientNote.count().where(ClientNote.tenant == victim.id) == 1
    assert await ClientContact.count().where(ClientContact.tenant == victim.id) == 1
    assert await ClientFieldValue.count().where(ClientFieldValue.tenant == victim.id) == 1
    assert await ClientNote.count().where(ClientNote.tenant == intruder.id) == 0
    assert await ClientContact.count().where(ClientContact.tenant == intruder.id) == 0

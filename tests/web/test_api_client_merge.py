"""Merging clients over the API: what moves, what is refused, and that nothing is left behind."""

from core.db.tables import AuditEvent, Client, ClientContact, ClientFieldValue, ClientNote

CARD = {
    "type": "legal", "company_name": "ООО «Фабрика Бизнеса»", "email": "s.sarkisov@oteli-apelsin.ru",
    "inn": "7708305901", "kpp": "770801001",
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


async def test_merge_moves_notes_contacts_and_values_and_is_audited(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    await client.post("/api/v1/custom-fields", headers=headers,
                      json={"code": "union_code", "label": "Код контрагента", "type": "text"})
    await client.post("/api/v1/custom-fields", headers=headers,
                      json={"code": "office", "label": "Офис", "type": "text"})
    source = await _make(client, headers, email="old@oteli.ru", custom_fields={"union_code": "OLD", "office": "М"})
    target = await _make(client, headers, email="new@oteli.ru", inn="7708318386",
                         custom_fields={"union_code": "NEW"})
    await client.post(f"/api/v1/clients/{source['id']}/notes", headers=headers, json={"text": "привели id 12460"})
    await client.post(f"/api/v1/clients/{source['id']}/contacts", headers=headers,
                      json={"name": "Бухгалтер", "email": "buh@oteli.ru", "roles": ["billing"]})
    await client.post(f"/api/v1/clients/{target['id']}/notes", headers=headers, json={"text": "основной"})

    response = await client.post(f"/api/v1/clients/{source['id']}/merge", headers=headers,
                                 json={"into": target["id"]})
    assert response.status_code == 200
    merged = response.json()
    assert merged["id"] == target["id"]
    assert merged["custom_fields"] == {"union_code": "NEW", "office": "М"}
    notes = (await client.get(f"/api/v1/clients/{target['id']}/notes", headers=headers)).json()
    assert sorted(n["text"] for n in notes) == ["основной", "привели id 12460"]
    contacts = (await client.get(f"/api/v1/clients/{target['id']}/contacts", headers=headers)).json()
    assert [c["name"] for c in contacts] == ["Бухгалтер"]
    assert await ClientNote.count().where(ClientNote.client == source["id"]) == 0
    assert await ClientContact.count().where(ClientContact.client == source["id"]) == 0
    assert await ClientFieldValue.count().where(ClientFieldValue.client == source["id"]) == 0
    closed = (await client.get(f"/api/v1/clients/{source['id']}", headers=headers)).json()
    assert closed["status"] == "closed" and closed["merged_into"] == target["id"]
    for object_id in (source["id"], target["id"]):
        event = (await _audit(client, headers, object_id))[0]
        assert event["action"] == "client.merge"
        assert event["after"]["source_id"] == source["id"] and event["after"]["target_id"] == target["id"]
        assert event["after"]["moved"] == {"contacts": 1, "notes": 1, "custom_values": 1, "subscriptions": 0,
                                           "accounts": 0, "portal_access": 0, "merged_clients": 0}

    reopened = await client.patch(f"/api/v1/clients/{source['id']}", headers=headers, json={"status": "active"})
    assert reopened.status_code == 409
    again = await client.post(f"/api/v1/clients/{source['id']}/merge", headers=headers, json={"into": target["id"]})
    assert again.status_code == 409
    freed = await client.patch(f"/api/v1/clients/{source['id']}", headers=headers, json={"email": "x-old@oteli.ru"})
    assert freed.status_code == 200


async def test_merge_refuses_itself_other_currencies_and_changes_nothing(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    rub = await _make(client, headers)
    usd = await _make(client, headers, email="usd@oteli.ru", inn="7708318386", currency="USD")
    await client.post(f"/api/v1/clients/{rub['id']}/notes", headers=headers, json={"text": "x"})
    before = await _counts(tenant.id)
    itself = await client.post(f"/api/v1/clients/{rub['id']}/merge", headers=headers, json={"into": rub["id"]})
    assert itself.status_code == 422 and itself.json()["error"]["fields"][0]["field"] == "into"
    currencies = await client.post(f"/api/v1/clients/{rub['id']}/merge", headers=headers, json={"into": usd["id"]})
    assert currencies.status_code == 409
    assert "USD" in currencies.json()["error"]["message"] and "RUB" in currencies.json()["error"]["message"]
    assert currencies.json()["error"]["fields"][0]["field"] == "into"
    missing = await client.post(f"/api/v1/clients/{rub['id']}/merge", headers=headers, json={"into": 10**9})
    assert missing.status_code == 404
    assert await _counts(tenant.id) == before
    assert (await client.get(f"/api/v1/clients/{rub['id']}", headers=headers)).json()["status"] == "active"
    assert len((await client.get(f"/api/v1/clients/{rub['id']}/notes", headers=headers)).json()) == 1


async def test_a_second_merge_repoints_earlier_merges(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    a = await _make(client, headers, email="a@x.ru")
    b = await _make(client, headers, email="b@x.ru")
    c = await _make(client, headers, email="c@x.ru")
    await client.post(f"/api/v1/clients/{a['id']}/merge", headers=headers, json={"into": b["id"]})
    second = await client.post(f"/api/v1/clients/{b['id']}/merge", headers=headers, json={"into": c["id"]})
    assert second.status_code == 200
    assert (await client.get(f"/api/v1/clients/{a['id']}", headers=headers)).json()["merged_into"] == c["id"]


async def test_merge_refuses_to_leave_rows_no_step_moves(client, make_tenant, api_headers, saldo_db):
    """A table with a foreign key to clients but no merge step blocks the merge instead of being left
    pointing at a closed client; registering a step for it lets the merge through."""
    from piccolo.columns import ForeignKey, Varchar
    from piccolo.table import Table

    from core.db.tables import Tenant
    from core.services import client_merge

    class MergeProbe(Table):
        tenant = ForeignKey(Tenant, null=False)
        client = ForeignKey(Client, null=False)
        label = Varchar()

    async def move_probes(tenant_id, source_id, target_id):
        rows = await MergeProbe.update({MergeProbe.client: target_id}).where(
            (MergeProbe.tenant == tenant_id) & (MergeProbe.client == source_id)).returning(MergeProbe.id)
        return len(rows)

    await MergeProbe.create_table(if_not_exists=True)
    try:
        tenant = await make_tenant()
        headers = await api_headers(tenant)
        source = await _make(client, headers, email="probe-a@x.ru")
        target = await _make(client, headers, email="probe-b@x.ru")
        await client.post(f"/api/v1/clients/{source['id']}/notes", headers=headers, json={"text": "stays put"})
        await MergeProbe.insert(MergeProbe(tenant=tenant.id, client=source["id"], label="subscription-like"))
        before = await _counts(tenant.id)
        refused = await client.post(f"/api/v1/clients/{source['id']}/merge", headers=headers,
                                    json={"into": target["id"]})
        assert refused.status_code == 409 and "merge_probe (1)" in refused.json()["error"]["message"]
        assert await _counts(tenant.id) == before
        assert await ClientNote.count().where(ClientNote.client == source["id"]) == 1
        client_merge.register_merge_step("probes", move_probes)
        merged = await client.post(f"/api/v1/clients/{source['id']}/merge", headers=headers,
                                   json={"into": target["id"]})
        assert merged.status_code == 200
        assert await MergeProbe.count().where(MergeProbe.client == target["id"]) == 1
        assert (await _audit(client, headers, source["id"]))[0]["after"]["moved"]["probes"] == 1
    finally:
        client_merge.MERGE_STEPS.pop("probes", None)
        # the public foreign_key_references is a copy; columns overload ==, so compare identities
        references = Client._meta._foreign_key_references
        references[:] = [column for column in references if column is not MergeProbe.client]
        await MergeProbe.alter().drop_table(if_exists=True)

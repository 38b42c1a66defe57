"""Tenants are walls: another tenant's objects answer 404 and stay unchanged, over API keys and sessions."""

import pytest

from core.services import auth


async def _objects_of(tenant, api_headers, client):
    """Create one object of every kind in ``tenant``; return its ids by kind."""
    headers = await api_headers(tenant)
    user = await client.post("/api/v1/users", headers=headers,
                             json={"email": "victim@a.ru", "password": "long enough pw", "role": "viewer"})
    key = await client.post("/api/v1/api-keys", headers=headers, json={"name": "victim key", "role": "viewer"})
    return {"user": user.json()["id"], "api_key": key.json()["id"], "key_secret": key.json()["key"]}


MATRIX = [
    ("GET", "/api/v1/users/{user}", None),
    ("PATCH", "/api/v1/users/{user}", {"name": "hijacked", "role": "owner"}),
    ("PATCH", "/api/v1/users/{user}", {"is_active": False}),
    ("DELETE", "/api/v1/api-keys/{api_key}", None),
]


async def _intruder_credentials(kind, intruder, api_headers):
    if kind == "api_key":
        return await api_headers(intruder), {}
    login = await auth.login(intruder.slug, intruder.owner.email, intruder.password, hours=1)
    return {"X-CSRF-Token": login.csrf_token}, {"saldo_session": login.token}


@pytest.mark.parametrize("credential", ["api_key", "session"])
async def test_another_tenants_objects_are_not_found(client, make_tenant, api_headers, credential):
    victim, intruder = await make_tenant(), await make_tenant()
    ids = await _objects_of(victim, api_headers, client)
    headers, cookies = await _intruder_credentials(credential, intruder, api_headers)
    for name, value in cookies.items():
        client.cookies.set(name, value)
    try:
        for method, template, body in MATRIX:
            path = template.format(**ids)
            response = await client.request(method, path, headers=headers, json=body)
            assert response.status_code == 404, (credential, method, path)
            assert response.json()["error"]["code"] == "not_found"
        audit = await client.get("/api/v1/audit", headers=headers,
                                 params={"object_type": "user", "object_id": str(ids["user"])})
        assert audit.status_code == 200 and audit.json() == []
        listed = (await client.get("/api/v1/users", headers=headers)).json()
        assert ids["user"] not in [u["id"] for u in listed]
    finally:
        client.cookies.clear()

    victim_headers = await api_headers(victim)
    user = (await client.get(f"/api/v1/users/{ids['user']}", headers=victim_headers)).json()
    assert user["name"] == "" and user["role"] == "viewer" and user["is_active"] is True
    still_works = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {ids['key_secret']}"})
    assert still_works.status_code == 200 and still_works.json()["tenant"]["slug"] == victim.slug


async def test_a_key_only_ever_sees_its_own_tenant(client, make_tenant, api_headers):
    first, second = await make_tenant(), await make_tenant()
    first_me = (await client.get("/api/v1/me", headers=await api_headers(first))).json()
    second_me = (await client.get("/api/v1/me", headers=await api_headers(second))).json()
    assert first_me["tenant"]["id"] == first.id and second_me["tenant"]["id"] == second.id

"""Idempotency-Key on API POSTs: one effect however often a request is repeated."""

import asyncio

from core.db.tables import User


async def test_repeated_post_is_done_once_and_answered_the_same(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant) | {"Idempotency-Key": "create-buh-1"}
    body = {"email": "buh@x.ru", "password": "long enough pw", "role": "accountant"}
    first = await client.post("/api/v1/users", headers=headers, json=body)
    again = await client.post("/api/v1/users", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert await User.count().where((User.tenant == tenant.id) & (User.email == "buh@x.ru")) == 1


async def test_same_key_for_another_request_is_refused(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant) | {"Idempotency-Key": "k-1"}
    await client.post("/api/v1/users", headers=headers,
                      json={"email": "a@x.ru", "password": "long enough pw", "role": "viewer"})
    other = await client.post("/api/v1/users", headers=headers,
                              json={"email": "b@x.ru", "password": "long enough pw", "role": "viewer"})
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert await User.count().where((User.tenant == tenant.id) & (User.email == "b@x.ru")) == 0


async def test_keys_belong_to_their_tenant_and_errors_are_replayed(client, make_tenant, api_headers):
    first, second = await make_tenant(), await make_tenant()
    body = {"email": "same@x.ru", "password": "long enough pw", "role": "viewer"}
    for tenant in (first, second):
        response = await client.post("/api/v1/users", json=body,
                                     headers=await api_headers(tenant) | {"Idempotency-Key": "shared"})
        assert response.status_code == 201
    bad = await api_headers(first) | {"Idempotency-Key": "bad-1"}
    invalid = {"email": "nope", "password": "long enough pw", "role": "viewer"}
    assert (await client.post("/api/v1/users", headers=bad, json=invalid)).status_code == 422
    replay = await client.post("/api/v1/users", headers=bad, json=invalid)
    assert replay.status_code == 422 and replay.headers["idempotent-replayed"] == "true"


async def test_concurrent_repeats_create_once(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant) | {"Idempotency-Key": "burst"}
    body = {"email": "burst@x.ru", "password": "long enough pw", "role": "viewer"}
    answers = await asyncio.gather(*[client.post("/api/v1/users", headers=headers, json=body) for _ in range(8)])
    assert {a.status_code for a in answers} <= {201, 409}
    assert 201 in {a.status_code for a in answers}
    assert await User.count().where((User.tenant == tenant.id) & (User.email == "burst@x.ru")) == 1

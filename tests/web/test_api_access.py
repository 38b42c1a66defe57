"""Authentication, users, API keys and the error shape of the JSON API."""

from core.db.tables import ApiKey, AuditEvent, User


async def test_unauthenticated_request_gets_401_in_the_error_shape(client):
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "Traceback" not in response.text


async def test_api_key_authenticates_and_names_its_tenant(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["tenant"]["slug"] == tenant.slug
    assert body["actor"]["kind"] == "api_key"
    x_api_key = {"X-API-Key": headers["Authorization"].removeprefix("Bearer ")}
    assert (await client.get("/api/v1/me", headers=x_api_key)).status_code == 200


async def test_forged_and_revoked_keys_are_refused(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    key = headers["Authorization"].removeprefix("Bearer ")
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})).status_code == 401
    assert (await client.get("/api/v1/me", headers={"Authorization": "Bearer saldo_nope_x"})).status_code == 401

    key_id = (await client.get("/api/v1/api-keys", headers=headers)).json()[0]["id"]
    revoked = await client.delete(f"/api/v1/api-keys/{key_id}", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_new_key_is_shown_once_and_stored_hashed(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    created = await client.post("/api/v1/api-keys", json={"name": "1C exchange", "role": "accountant"},
                                headers=headers)
    assert created.status_code == 201
    secret = created.json()["key"]
    assert secret.startswith("saldo_")
    listed = (await client.get("/api/v1/api-keys", headers=headers)).json()
    assert all("key" not in k and "key_hash" not in k for k in listed)
    assert secret not in (await client.get("/api/v1/api-keys", headers=headers)).text
    stored = await ApiKey.select(ApiKey.key_hash).where(ApiKey.id == created.json()["id"]).first()
    assert stored["key_hash"] != secret and len(stored["key_hash"]) == 64
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["actor"]["role"] == "accountant"
    used = await client.get("/api/v1/api-keys", headers=headers)
    assert next(k for k in used.json() if k["id"] == created.json()["id"])["last_used_at"] is not None


async def test_user_is_created_with_a_hashed_password_and_audited(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    response = await client.post("/api/v1/users", headers=headers, json={
        "email": "  Buh@Example.RU ", "password": "a long enough secret", "role": "accountant", "name": "Бухгалтер"})
    assert response.status_code == 201
    user = response.json()
    assert user["email"] == "buh@example.ru" and user["role"] == "accountant"
    row = await User.select(User.password_hash).where(User.id == user["id"]).first()
    assert row["password_hash"].startswith("$argon2id$")
    events = (await client.get("/api/v1/audit", headers=headers, params={"object_type": "user",
                                                                         "object_id": str(user["id"])})).json()
    assert [e["action"] for e in events] == ["user.create"]
    assert events[0]["after"]["email"] == "buh@example.ru"
    assert events[0]["actor"]["kind"] == "api_key"
    assert "argon2" not in str(events[0]) and "secret" not in str(events[0]["after"])


async def test_bad_user_input_names_the_field_and_changes_nothing(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    before = await User.count().where(User.tenant == tenant.id)
    audit_before = await AuditEvent.count().where(AuditEvent.tenant == tenant.id)
    cases = [
        ({"email": "not-an-email", "password": "long enough pw", "role": "viewer"}, 422, "email"),
        ({"email": "a@b.ru", "password": "short", "role": "viewer"}, 422, "password"),
        ({"email": "a@b.ru", "password": "long enough pw", "role": "emperor"}, 422, "role"),
        ({"email": tenant.owner.email.upper(), "password": "long enough pw", "role": "viewer"}, 409, "email"),
    ]
    for body, status, field in cases:
        response = await client.post("/api/v1/users", headers=headers, json=body)
        assert response.status_code == status, body
        assert response.json()["error"]["fields"][0]["field"] == field
    assert await User.count().where(User.tenant == tenant.id) == before
    assert await AuditEvent.count().where(AuditEvent.tenant == tenant.id) == audit_before


async def test_roles_limit_what_a_key_may_do(client, make_tenant, api_headers):
    tenant = await make_tenant()
    viewer = await api_headers(tenant, role="viewer")
    admin = await api_headers(tenant, role="admin")
    body = {"email": "x@y.ru", "password": "long enough pw", "role": "viewer"}
    assert (await client.post("/api/v1/users", headers=viewer, json=body)).status_code == 403
    assert (await client.get("/api/v1/api-keys", headers=viewer)).status_code == 403
    assert (await client.get("/api/v1/users", headers=viewer)).status_code == 200
    owner_body = {"email": "o@y.ru", "password": "long enough pw", "role": "owner"}
    assert (await client.post("/api/v1/users", headers=admin, json=owner_body)).status_code == 403
    demote = await client.patch(f"/api/v1/users/{tenant.owner.id}", headers=admin, json={"role": "viewer"})
    assert demote.status_code == 403


async def test_last_owner_cannot_be_demoted_or_deactivated(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    for change in ({"role": "admin"}, {"is_active": False}):
        response = await client.patch(f"/api/v1/users/{tenant.owner.id}", headers=headers, json=change)
        assert response.status_code == 409
    assert (await client.get(f"/api/v1/users/{tenant.owner.id}", headers=headers)).json()["role"] == "owner"


async def test_session_requests_need_the_csrf_token(client, make_tenant):
    from core.services import auth

    tenant = await make_tenant()
    login = await auth.login(tenant.slug, tenant.owner.email, tenant.password, hours=1)
    client.cookies.set("saldo_session", login.token)
    body = {"name": "Renamed"}
    assert (await client.patch("/api/v1/tenant", json=body)).status_code == 403
    assert (await client.patch("/api/v1/tenant", json=body, headers={"X-CSRF-Token": "wrong"})).status_code == 403
    assert (await client.get("/api/v1/tenant")).json()["name"] != "Renamed"
    ok = await client.patch("/api/v1/tenant", json=body, headers={"X-CSRF-Token": login.csrf_token})
    assert ok.status_code == 200 and ok.json()["name"] == "Renamed"
    await auth.logout(login.token)
    assert (await client.get("/api/v1/tenant")).status_code == 401
    client.cookies.clear()


async def test_login_refuses_wrong_password_inactive_user_and_unknown_tenant(make_tenant):
    from core.services import auth, users

    tenant = await make_tenant()
    assert await auth.login(tenant.slug, tenant.owner.email, "wrong password!", hours=1) is None
    assert await auth.login("no-such-tenant", tenant.owner.email, tenant.password, hours=1) is None
    other = await users.create(tenant.actor, email="gone@x.ru", password="long enough pw", role="viewer")
    await users.update(tenant.actor, other.id, is_active=False)
    assert await auth.login(tenant.slug, "gone@x.ru", "long enough pw", hours=1) is None
    assert await auth.login(tenant.slug, tenant.owner.email.upper(), tenant.password, hours=1) is not None


async def test_expired_sessions_are_cleared_at_the_next_login(make_tenant):
    from datetime import timedelta

    from core.db.queries import sessions as sessions_q
    from core.db.tables import UserSession
    from core.domain.clock import utc_now
    from core.services import auth

    tenant = await make_tenant()
    await sessions_q.insert(token_hash="0" * 64, tenant_id=tenant.id, user_id=tenant.owner.id, csrf_token="x",
                            expires_at=utc_now() - timedelta(hours=1))
    assert await auth.session_principal("stale") is None
    await auth.login(tenant.slug, tenant.owner.email, tenant.password, hours=1)
    assert not await UserSession.exists().where(UserSession.token_hash == "0" * 64)
    assert await UserSession.count().where(UserSession.tenant == tenant.id) == 1

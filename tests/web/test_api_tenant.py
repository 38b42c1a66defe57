"""Tenant settings, the tenant clock, health and the OpenAPI document."""

from datetime import date


async def test_health(client):
    response = await client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_openapi_document_lists_the_api(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/users", "/api/v1/api-keys", "/api/v1/plugins/{plugin_id}", "/api/v1/clock",
                 "/api/v1/audit"):
        assert path in paths
    assert (await client.get("/schema/swagger")).status_code == 200


async def test_unknown_api_path_is_a_json_404(client, make_tenant, api_headers):
    headers = await api_headers(await make_tenant())
    response = await client.get("/api/v1/nothing-here", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_simulated_clock_gives_the_business_date_in_the_tenant_zone(client, make_tenant, api_headers):
    tenant = await make_tenant(timezone="Asia/Vladivostok")
    headers = await api_headers(tenant)
    real = (await client.get("/api/v1/clock", headers=headers)).json()
    assert real["mode"] == "real"
    response = await client.put("/api/v1/clock", headers=headers, json={"mode": "simulated", "date": "2026-01-31"})
    assert response.status_code == 200
    assert response.json()["today"] == "2026-01-31"
    assert response.json()["now"].endswith("+10:00")
    advanced = await client.post("/api/v1/clock/advance", headers=headers, json={"days": 29})
    assert advanced.json()["today"] == "2026-03-01"
    instant = await client.put("/api/v1/clock", headers=headers,
                               json={"mode": "simulated", "at": "2026-06-30T15:30:00+00:00"})
    assert instant.json()["today"] == "2026-07-01"  # 01:30 next day in Vladivostok
    back = await client.put("/api/v1/clock", headers=headers, json={"mode": "real"})
    assert back.json()["mode"] == "real" and back.json()["today"] == real["today"]
    actions = [e["action"] for e in (await client.get("/api/v1/audit", headers=headers,
                                                      params={"object_type": "tenant"})).json()]
    assert actions.count("tenant.clock") == 4


async def test_clock_rules(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    not_simulated = await client.post("/api/v1/clock/advance", headers=headers, json={"days": 1})
    assert not_simulated.status_code == 409
    assert (await client.post("/api/v1/clock/advance", headers=headers, json={"days": 0})).status_code == 400
    viewer = await api_headers(tenant, role="viewer")
    denied = await client.put("/api/v1/clock", headers=viewer, json={"mode": "simulated", "date": "2026-01-01"})
    assert denied.status_code == 403
    assert (await client.get("/api/v1/clock", headers=headers)).json()["mode"] == "real"


async def test_tenant_settings_are_validated(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    bad = await client.patch("/api/v1/tenant", headers=headers, json={"timezone": "Moon/Base"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "timezone"
    good = await client.patch("/api/v1/tenant", headers=headers, json={"timezone": "Asia/Yekaterinburg"})
    assert good.json()["timezone"] == "Asia/Yekaterinburg"
    assert date.fromisoformat(good.json()["clock"]["today"])

"""The client portal: signing in and out, the client's own issued documents and their PDFs,
sessions bound to one tenant and client, and the client card's form that grants the access."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from core.db.tables import AuditEvent, Document, PortalAccess, PortalSession
from core.services import client_merge, clients, day_close, portal, subscriptions, users
from core.services.auth import user_actor
from core.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.web.billing_pages import signed_in
from tests.web.test_subscriptions import customer, on_day, product

LOGIN_TOKEN = re.compile(r'name="_login" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="_csrf" value="([^"]+)"')
PORTAL_PASSWORD = "client secret 42"


async def billed(tenant, registry, emails=("buh@fabrika.ru",)):
    """Clients subscribed to a 3100 a month VPS from 10 March 2026; the day close of 10 March
    posts each an invoice of 2200.00 (22 of 31 days)."""
    vps = await product(tenant, "VPS", {"monthly": "3100"})
    await on_day(tenant, date(2026, 3, 10))
    made = []
    for email in emails:
        client = await customer(tenant, email)
        sub = await subscriptions.create(tenant.actor, client_id=client.id, product_id=vps, cycle="monthly")
        await subscriptions.change_status(tenant.actor, sub.id, "active")
        made.append(client)
    await on_day(tenant, date(2026, 3, 11))
    await day_close.close_day(tenant.actor, registry, date(2026, 3, 10), mode="auto")
    return made


async def invoice_of(tenant, client) -> dict:
    [invoice] = await Document.select().where((Document.tenant == tenant.id) & (Document.client == client.id)
                                              & (Document.type == "invoice"))
    assert (invoice["status"], invoice["total_minor"]) == ("posted", 220000)
    return invoice


async def draft_of(tenant, client) -> int:
    rows = await Document.insert(Document(tenant=tenant.id, type="invoice", status="draft", client=client.id,
                                          issue_date=date(2026, 3, 12), currency="RUB", net_minor=77700,
                                          total_minor=77700)).returning(Document.id)
    return rows[0]["id"]


async def portal_login(http, slug, email, password, *, with_token=True):
    page = await http.get(f"/portal/{slug}/login")
    assert page.status_code == 200
    form = {"email": email, "password": password}
    if with_token:
        form["_login"] = LOGIN_TOKEN.search(page.text).group(1)
    return await http.post(f"/portal/{slug}/login", data=form, follow_redirects=False)


async def signed_in_portal(http, tenant, email="buh@fabrika.ru") -> str:
    """Sign in to the tenant's portal; returns the session token (the cookie)."""
    response = await portal_login(http, tenant.slug, email, PORTAL_PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == f"/portal/{tenant.slug}/"
    return response.cookies["saldo_portal"]


async def test_a_client_signs_in_and_sees_its_issued_documents_only(make_tenant, plugin_registry, client):
    tenant = await make_tenant()
    ours, theirs = await billed(tenant, plugin_registry, ("buh@fabrika.ru", "info@apelsin.ru"))
    invoice, other = await invoice_of(tenant, ours), await invoice_of(tenant, theirs)
    await draft_of(tenant, ours)
    await portal.grant_access(tenant.actor, ours.id, " Buh@Fabrika.RU ", PORTAL_PASSWORD)

    response = await portal_login(client, tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == f"/portal/{tenant.slug}/"
    cookie = response.headers["set-cookie"]
    assert "saldo_portal=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert f"Path=/portal/{tenant.slug}" in cookie
    token = response.cookies["saldo_portal"]
    [session] = await PortalSession.select().where(PortalSession.tenant == tenant.id)
    assert session["client"] == ours.id and session["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    lasts = session["expires_at"] - session["created_at"]
    assert timedelta(hours=11, minutes=59) < lasts <= timedelta(hours=12, minutes=1)
    [access] = await PortalAccess.select().where(PortalAccess.client == ours.id)
    assert access["last_login_at"] is not None and access["password_hash"].startswith("$argon2id$")

    page = await client.get(f"/portal/{tenant.slug}/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    rows = re.findall(r'<tr class="document" data-id="(\d+)">(.*?)</tr>', html, re.S)
    assert [int(i) for i, _ in rows] == [invoice["id"]]  # no draft, nothing of the other client
    row = rows[0][1]
    assert "Счёт на оплату" in row and invoice["number_text"] in row and "10.03.2026" in row
    assert "10.03.2026 – 31.03.2026" in row and 'data-amount="2200.00"' in row and "2\xa0200,00 RUB" in row
    assert "Выставлен" in row and f'href="/portal/{tenant.slug}/documents/{invoice["id"]}/pdf"' in row
    assert "777,00" not in html and f'data-id="{other["id"]}"' not in html
    assert re.search(r'class="num balance"><span class="amount negative" data-amount="-2200.00">', html)
    assert "ООО «Фабрика Бизнеса»" in html

    english = (await client.get(f"/portal/{tenant.slug}/?lang=en")).text
    assert "Invoice" in english and "2,200.00 RUB" in english and "Issued" in english and "Sign out" in english

    # the portal's documents in order, through the service: newest first, issued only
    signed = await portal.session_client(tenant.slug, token)
    assert (signed.client_id, signed.email) == (ours.id, "buh@fabrika.ru")
    assert [d.id for d in await portal.documents(signed)] == [invoice["id"]]


async def test_a_wrong_password_an_unknown_email_and_a_closed_client_fail_alike(make_tenant, plugin_registry,
                                                                                client, monkeypatch):
    tenant = await make_tenant()
    ours, = await billed(tenant, plugin_registry)
    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    checked = []
    verify = portal.verify_password
    monkeypatch.setattr(portal, "verify_password", lambda hashed, password: checked.append(hashed) or verify(
        hashed, password))

    answers = [await portal_login(client, tenant.slug, "buh@fabrika.ru", "wrong password!"),
               await portal_login(client, tenant.slug, "nobody@fabrika.ru", PORTAL_PASSWORD),
               await portal_login(client, "no-such-tenant", "buh@fabrika.ru", PORTAL_PASSWORD)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert all("Неверная электронная почта или пароль." in a.text and "saldo_portal=" not in
               a.headers.get("set-cookie", "") for a in answers)
    # an unknown e-mail or organisation costs an Argon2 verification too (against a dummy hash)
    assert len(checked) == 3 and checked[0].startswith("$argon2id$") and checked[1:] == [None, None]
    assert await PortalSession.count().where(PortalSession.tenant == tenant.id) == 0

    await clients.update(tenant.actor, ours.id, status="closed")
    assert (await portal_login(client, tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD)).status_code == 401
    assert await portal.sign_in(tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD) is None


async def test_a_closed_clients_session_ends_and_a_merged_client_loses_its_access(make_tenant, client):
    tenant = await make_tenant()
    source = await customer(tenant, "old@fabrika.ru")
    target = await customer(tenant, "new@fabrika.ru")
    await portal.grant_access(tenant.actor, source.id, "old@fabrika.ru", PORTAL_PASSWORD)
    await portal.grant_access(tenant.actor, target.id, "new@fabrika.ru", PORTAL_PASSWORD)
    token = await signed_in_portal(client, tenant, "old@fabrika.ru")
    assert await portal.session_client(tenant.slug, token) is not None

    await client_merge.merge(tenant.actor, source.id, target.id)
    assert (await client.get(f"/portal/{tenant.slug}/", follow_redirects=False)).headers["location"] == (
        f"/portal/{tenant.slug}/login")
    assert await portal.sign_in(tenant.slug, "old@fabrika.ru", PORTAL_PASSWORD) is None
    assert await PortalAccess.count().where(PortalAccess.client == source.id) == 0
    assert await PortalSession.count().where(PortalSession.client == source.id) == 0
    assert await portal.sign_in(tenant.slug, "new@fabrika.ru", PORTAL_PASSWORD) is not None

    await clients.update(tenant.actor, target.id, status="closed")
    assert await portal.sign_in(tenant.slug, "new@fabrika.ru", PORTAL_PASSWORD) is None
    with pytest.raises(Conflict, match="closed client cannot have portal access"):
        await portal.grant_access(tenant.actor, target.id, "new@fabrika.ru", PORTAL_PASSWORD)


async def test_pages_need_the_session_cookie_and_an_expired_session_is_over(make_tenant, plugin_registry, client):
    tenant = await make_tenant()
    ours, = await billed(tenant, plugin_registry)
    invoice = await invoice_of(tenant, ours)
    login = f"/portal/{tenant.slug}/login"
    for path in ("/", f"/documents/{invoice['id']}/pdf"):
        response = await client.get(f"/portal/{tenant.slug}{path}", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, login)
    forged = await client.get(f"/portal/{tenant.slug}/", headers={"cookie": "saldo_portal=forged"},
                              follow_redirects=False)
    assert forged.headers["location"] == login

    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    await signed_in_portal(client, tenant)
    assert (await client.get(f"/portal/{tenant.slug}/login", follow_redirects=False)).headers["location"] == (
        f"/portal/{tenant.slug}/")
    await PortalSession.update({PortalSession.expires_at: datetime.now(timezone.utc) - timedelta(seconds=1)}).where(
        PortalSession.client == ours.id)
    assert (await client.get(f"/portal/{tenant.slug}/", follow_redirects=False)).headers["location"] == login


async def test_another_clients_document_a_draft_and_another_tenants_document_are_not_found(
        make_tenant, plugin_registry, client):
    tenant, elsewhere = await make_tenant(), await make_tenant()
    ours, theirs = await billed(tenant, plugin_registry, ("buh@fabrika.ru", "info@apelsin.ru"))
    foreign, = await billed(elsewhere, plugin_registry)
    invoice, other, far = (await invoice_of(tenant, ours), await invoice_of(tenant, theirs),
                           await invoice_of(elsewhere, foreign))
    draft = await draft_of(tenant, ours)
    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    token = await signed_in_portal(client, tenant)

    for document_id in (other["id"], draft, far["id"], 10**9):
        response = await client.get(f"/portal/{tenant.slug}/documents/{document_id}/pdf")
        assert response.status_code == 404, document_id
    signed = await portal.session_client(tenant.slug, token)
    for document_id in (other["id"], draft, far["id"]):
        with pytest.raises(NotFound):
            await portal.document_pdf(signed, document_id)

    own = await client.get(f"/portal/{tenant.slug}/documents/{invoice['id']}/pdf")
    assert own.status_code == 200 and own.headers["content-type"] == "application/pdf"
    assert own.content.startswith(b"%PDF") and own.headers["cache-control"] == "private, no-store"


async def test_a_session_belongs_to_its_tenants_portal(make_tenant, plugin_registry, client):
    tenant, other_tenant = await make_tenant(), await make_tenant()
    ours, = await billed(tenant, plugin_registry)
    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    token = await signed_in_portal(client, tenant)

    elsewhere = await client.get(f"/portal/{other_tenant.slug}/", headers={"cookie": f"saldo_portal={token}"},
                                 follow_redirects=False)
    assert (elsewhere.status_code, elsewhere.headers["location"]) == (303, f"/portal/{other_tenant.slug}/login")
    assert await portal.session_client(other_tenant.slug, token) is None
    assert (await portal.session_client(tenant.slug, token)).tenant_id == tenant.id
    # the client's e-mail and password open nothing on another tenant's portal
    assert (await portal_login(client, other_tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD)).status_code == 401


async def test_revoking_access_ends_the_session_and_is_audited(make_tenant, plugin_registry, client):
    tenant = await make_tenant()
    ours, = await billed(tenant, plugin_registry)
    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    token = await signed_in_portal(client, tenant)
    assert (await client.get(f"/portal/{tenant.slug}/")).status_code == 200

    await portal.revoke_access(tenant.actor, ours.id)
    response = await client.get(f"/portal/{tenant.slug}/", follow_redirects=False)
    assert response.headers["location"] == f"/portal/{tenant.slug}/login"
    assert await portal.session_client(tenant.slug, token) is None
    assert await PortalSession.count().where(PortalSession.client == ours.id) == 0
    assert await portal.sign_in(tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD) is None
    with pytest.raises(Conflict, match="has no portal access"):
        await portal.revoke_access(tenant.actor, ours.id)

    events = await AuditEvent.select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id,
                                     AuditEvent.before, AuditEvent.after).where(
        (AuditEvent.tenant == tenant.id) & AuditEvent.action.like("portal.%")).order_by(AuditEvent.id)
    assert [(e["action"], e["object_type"], e["object_id"]) for e in events] == [
        ("portal.grant", "client", str(ours.id)), ("portal.revoke", "client", str(ours.id))]
    assert "buh@fabrika.ru" in str(events[0]["after"]) and "argon2" not in str(events)


async def test_forms_without_their_anti_forgery_token_are_refused(make_tenant, plugin_registry, client):
    tenant = await make_tenant()
    ours, = await billed(tenant, plugin_registry)
    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)

    refused = await portal_login(client, tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD, with_token=False)
    assert refused.status_code == 403 and "saldo_portal=" not in refused.headers.get("set-cookie", "")
    token = await signed_in_portal(client, tenant)

    assert (await client.post(f"/portal/{tenant.slug}/logout", data={})).status_code == 403
    assert (await client.post(f"/portal/{tenant.slug}/logout", data={"_csrf": "wrong"})).status_code == 403
    assert await portal.session_client(tenant.slug, token) is not None
    csrf = CSRF_TOKEN.search((await client.get(f"/portal/{tenant.slug}/")).text).group(1)
    assert csrf == portal.csrf_token(token) != token
    response = await client.post(f"/portal/{tenant.slug}/logout", data={"_csrf": csrf}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/portal/{tenant.slug}/login?bye=1")
    assert await portal.session_client(tenant.slug, token) is None
    assert await PortalSession.count().where(PortalSession.client == ours.id) == 0


async def test_granting_access_checks_its_input_and_a_new_password_ends_sessions(make_tenant):
    tenant, other_tenant = await make_tenant(), await make_tenant()
    ours = await customer(tenant, "buh@fabrika.ru")
    theirs = await customer(tenant, "info@apelsin.ru")
    with pytest.raises(InvalidInput) as short:
        await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", "short pw")
    assert short.value.fields == [{"field": "password", "message": "must be at least 10 characters"}]
    with pytest.raises(InvalidInput) as bad:
        await portal.grant_access(tenant.actor, ours.id, "not an e-mail", PORTAL_PASSWORD)
    assert bad.value.fields[0]["field"] == "email"
    with pytest.raises(NotFound):
        await portal.grant_access(other_tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    viewer = await users.create(tenant.actor, email=f"viewer@{tenant.slug}.test", password=tenant.password,
                                role="viewer")
    with pytest.raises(Forbidden):
        await portal.grant_access(user_actor(viewer), ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    assert await PortalAccess.count().where(PortalAccess.tenant == tenant.id) == 0

    await portal.grant_access(tenant.actor, ours.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    with pytest.raises(Conflict) as taken:
        await portal.grant_access(tenant.actor, theirs.id, "BUH@fabrika.ru", PORTAL_PASSWORD)
    assert taken.value.fields == [{"field": "email", "message": "another client has this e-mail"}]
    # the same e-mail on another tenant's portal is another sign-in
    foreign = await customer(other_tenant, "buh@fabrika.ru")
    await portal.grant_access(other_tenant.actor, foreign.id, "buh@fabrika.ru", "another secret 7")

    token = await portal.sign_in(tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD)
    changed = await portal.grant_access(tenant.actor, ours.id, "director@fabrika.ru", "a new secret 99")
    assert changed.email == "director@fabrika.ru"
    assert await portal.session_client(tenant.slug, token) is None
    assert await portal.sign_in(tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD) is None
    assert await portal.sign_in(tenant.slug, "director@fabrika.ru", "a new secret 99") is not None
    assert await portal.sign_in(other_tenant.slug, "buh@fabrika.ru", "another secret 7") is not None


async def test_a_manager_grants_and_revokes_access_on_the_client_card(make_tenant, client):
    tenant = await make_tenant()
    ours = await customer(tenant, "buh@fabrika.ru")
    csrf = await signed_in(client, tenant)
    card = await client.get(f"/clients/{ours.id}")
    assert 'id="portal"' in card.text and "Доступа в личный кабинет нет." in card.text

    refused = await client.post(f"/clients/{ours.id}/portal", data={"_csrf": csrf, "email": "buh@fabrika.ru",
                                                                    "password": "short"})
    assert refused.status_code == 422 and "не короче 10 символов" in refused.text
    assert await PortalAccess.count().where(PortalAccess.tenant == tenant.id) == 0
    assert (await client.post(f"/clients/{ours.id}/portal", data={"email": "buh@fabrika.ru",
                                                                  "password": PORTAL_PASSWORD})).status_code == 403

    granted = await client.post(f"/clients/{ours.id}/portal", data={
        "_csrf": csrf, "email": "buh@fabrika.ru", "password": PORTAL_PASSWORD}, follow_redirects=False)
    assert (granted.status_code, granted.headers["location"]) == (303, f"/clients/{ours.id}#portal")
    card = await client.get(f"/clients/{ours.id}")
    assert '<dd class="portal-email">buh@fabrika.ru</dd>' in card.text
    assert f"/portal/{tenant.slug}/login" in card.text and 'id="portal-revoke"' in card.text
    assert await portal.sign_in(tenant.slug, "buh@fabrika.ru", PORTAL_PASSWORD) is not None

    revoked = await client.post(f"/clients/{ours.id}/portal/revoke", data={"_csrf": csrf}, follow_redirects=False)
    assert revoked.status_code == 303
    assert await PortalAccess.count().where(PortalAccess.tenant == tenant.id) == 0
    assert "Доступа в личный кабинет нет." in (await client.get(f"/clients/{ours.id}")).text

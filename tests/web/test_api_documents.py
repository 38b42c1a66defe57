"""The documents API: the list with its filters, one document with its lines, subscriptions
and credit notes, the PDF, a manual draft invoice edited line by line and posted, credit
notes of a day-close invoice (seed 004), e-mails queued again; another tenant's documents
are not found and a viewer may only read."""

from __future__ import annotations

from datetime import date

import pytest

from core.db.tables import Document, DocumentLine, DocumentMail, LedgerEntry
from core.domain.money import Money
from core.services import day_close, tenants
from tests.web.test_api_day_close import due_vps
from tests.web.test_subscriptions import balance, on_day

DOCS = "/api/v1/documents"
SETUP = {"description": "Настройка сервера", "quantity": "2", "unit_price": "1500.50", "vat_rate": "22"}


async def closed_invoice(tenant, registry, email="buh@fabrika.ru"):
    """A VPS billed by the day close of 10 March 2026: a posted invoice of 2200.00."""
    buyer, sub = await due_vps(tenant, email=email)
    await day_close.close_day(tenant.actor, registry, date(2026, 3, 10), mode="auto")
    [invoice] = await Document.select().where((Document.tenant == tenant.id) & (Document.client == buyer.id))
    return buyer, sub, invoice["id"]


async def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def test_a_manual_invoice_is_edited_line_by_line_then_posted(client, make_tenant, api_headers,
                                                                    plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, _ = await due_vps(tenant)

    draft = await ok(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": [SETUP]}), 201)
    assert (draft["type"], draft["status"], draft["number"], draft["client_id"]) == ("invoice", "draft", "", buyer.id)
    # 2 × 1500.50 including 22 % VAT: 3001.00, of which VAT 3001 × 22 / 122 = 541.16.
    assert (draft["total"], draft["vat"], draft["net"]) == ("3001.00", "541.16", "2459.84")
    [line] = draft["lines"]
    assert (line["position"], line["quantity"], line["unit_price"], line["vat_rate"], line["total"]) == (
        1, "2.000", "1500.5000", "22", "3001.00")

    added = await ok(await client.post(f"{DOCS}/{draft['id']}/lines", headers=headers, json={
        "description": "Лицензия", "quantity": "1.5", "unit_price": "1000", "discount": "100.00"}), 201)
    assert [l["total"] for l in added["lines"]] == ["3001.00", "1400.00"]  # 1.5 × 1000 − 100, без НДС
    assert (added["total"], added["vat"]) == ("4401.00", "541.16")
    extra = added["lines"][1]
    assert (extra["position"], extra["discount"], extra["vat_rate"]) == (2, "100.00", "none")

    changed = await ok(await client.patch(f"{DOCS}/{draft['id']}/lines/{line['id']}", headers=headers, json={
        "description": "Настройка сервера", "quantity": "1", "unit_price": "1220", "vat_rate": "22"}))
    assert [l["total"] for l in changed["lines"]] == ["1220.00", "1400.00"]
    assert (changed["total"], changed["vat"]) == ("2620.00", "220.00")  # 1220 × 22 / 122

    removed = await ok(await client.delete(f"{DOCS}/{draft['id']}/lines/{extra['id']}", headers=headers))
    assert [(l["position"], l["total"]) for l in removed["lines"]] == [(1, "1220.00")]
    assert removed["total"] == "1220.00"
    assert await LedgerEntry.count().where(LedgerEntry.tenant == tenant.id) == 0  # a draft books nothing

    posted = await ok(await client.post(f"{DOCS}/{draft['id']}/post", headers=headers))
    assert posted["status"] == "posted" and posted["number"] and posted["posted_at"]
    assert posted["buyer"]["inn"] == "7708305901"
    assert await balance(tenant, buyer.id) == Money.of("-1220.00")
    [mail] = await ok(await client.get(f"{DOCS}/{draft['id']}/deliveries", headers=headers))
    assert (mail["status"], mail["document_id"]) == ("queued", draft["id"])

    # A posted document is neither edited nor deleted: it is corrected by a credit note.
    assert (await client.delete(f"{DOCS}/{draft['id']}", headers=headers)).status_code == 409
    assert (await client.delete(f"{DOCS}/{draft['id']}/lines/{line['id']}", headers=headers)).status_code == 409
    assert (await client.post(f"{DOCS}/{draft['id']}/lines", headers=headers, json=SETUP)).status_code == 409
    assert (await client.post(f"{DOCS}/{draft['id']}/post", headers=headers)).status_code == 409
    assert (await ok(await client.get(f"{DOCS}/{draft['id']}", headers=headers)))["total"] == "1220.00"


async def test_deleting_a_draft_removes_it(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, _ = await due_vps(tenant)
    draft = await ok(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": [SETUP]}), 201)
    await ok(await client.delete(f"{DOCS}/{draft['id']}", headers=headers), 204)
    assert (await client.get(f"{DOCS}/{draft['id']}", headers=headers)).status_code == 404
    assert await DocumentLine.count().where(DocumentLine.tenant == tenant.id) == 0  # manual lines go with it


async def test_a_day_close_invoice_is_credited_whole(client, make_tenant, api_headers, plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, sub, invoice_id = await closed_invoice(tenant, plugin_registry)
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")

    shown = await ok(await client.get(f"{DOCS}/{invoice_id}", headers=headers))
    assert (shown["status"], shown["total"], shown["creditable"], shown["credit_refusal"]) == (
        "posted", "2200.00", True, None)
    [line] = shown["lines"]
    assert (line["kind"], line["period_start"], line["period_end"], line["subscription_id"]) == (
        "charge", "2026-03-10", "2026-03-31", sub.id)
    assert shown["subscriptions"] == [{"id": sub.id, "name": "VPS buh@fabrika.ru", "status": "active"}]

    note = await ok(await client.post(f"{DOCS}/{invoice_id}/credit", headers=headers, json={}), 201)
    assert (note["type"], note["status"], note["credits_id"], note["total"]) == (
        "credit_note", "draft", invoice_id, "-2200.00")
    assert [(l["reverses"], l["total"]) for l in note["lines"]] == [(line["id"], "-2200.00")]
    assert note["credits"]["id"] == invoice_id
    # The same lines cannot be credited twice while the draft exists.
    assert (await client.post(f"{DOCS}/{invoice_id}/credit", headers=headers)).status_code == 409

    posted = await ok(await client.post(f"{DOCS}/{note['id']}/post", headers=headers))
    assert posted["status"] == "posted" and posted["number"]
    assert await balance(tenant, buyer.id) == Money.of("0.00")
    invoice = await ok(await client.get(f"{DOCS}/{invoice_id}", headers=headers))
    assert invoice["status"] == "credited" and not invoice["creditable"]
    assert [(n["id"], n["status"], n["total"]) for n in invoice["credit_notes"]] == [
        (note["id"], "posted", "-2200.00")]
    assert (await client.post(f"{DOCS}/{invoice_id}/credit", headers=headers)).status_code == 409


async def test_chosen_lines_are_credited_and_only_the_latest_invoice(client, make_tenant, api_headers,
                                                                     plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, sub, march = await closed_invoice(tenant, plugin_registry)
    await on_day(tenant, date(2026, 4, 2))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 4, 1), mode="auto")
    april = (await ok(await client.get(DOCS, headers=headers, params={"from": "2026-04-01"})))["items"][0]
    assert (april["total"], april["period_start"]) == ("3100.00", "2026-04-01")

    earlier = await ok(await client.get(f"{DOCS}/{march}", headers=headers))
    assert not earlier["creditable"]
    assert f"invoice {april['number']} of subscription {sub.id} is later" in earlier["credit_refusal"]
    refused = await client.post(f"{DOCS}/{march}/credit", headers=headers, json={})
    assert refused.status_code == 409 and "is later" in refused.json()["error"]["message"]

    [line] = (await ok(await client.get(f"{DOCS}/{april['id']}", headers=headers)))["lines"]
    foreign = await client.post(f"{DOCS}/{april['id']}/credit", headers=headers, json={"line_ids": [line["id"] + 999]})
    assert foreign.status_code == 422
    assert [f["field"] for f in foreign.json()["error"]["fields"]] == ["line_ids"]
    note = await ok(await client.post(f"{DOCS}/{april['id']}/credit", headers=headers,
                                      json={"line_ids": [line["id"]]}), 201)
    assert note["total"] == "-3100.00"
    await ok(await client.post(f"{DOCS}/{note['id']}/post", headers=headers))
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")


async def test_the_filters_find_the_right_documents(client, make_tenant, api_headers, plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    first, _, first_invoice = await closed_invoice(tenant, plugin_registry)
    second, _ = await due_vps(tenant, email="second@fabrika.ru")
    await on_day(tenant, date(2026, 3, 12))
    await day_close.close_day(tenant.actor, plugin_registry, date(2026, 3, 11), mode="auto")
    [second_invoice] = await Document.select(Document.id).where(Document.client == second.id)
    draft = await ok(await client.post(DOCS, headers=headers, json={"client_id": second.id, "lines": [SETUP]}), 201)
    number = (await ok(await client.get(f"{DOCS}/{first_invoice}", headers=headers)))["number"]

    async def ids(**params):
        return [d["id"] for d in (await ok(await client.get(DOCS, headers=headers, params=params)))["items"]]

    everything = await ids()
    assert everything == [draft["id"], second_invoice["id"], first_invoice]  # newest first
    assert await ids(type="invoice") == everything
    assert await ids(type="act") == []
    assert await ids(status="draft") == [draft["id"]]
    assert await ids(status="posted") == [second_invoice["id"], first_invoice]
    assert await ids(client_id=first.id) == [first_invoice]
    assert await ids(client_id=second.id, status="posted") == [second_invoice["id"]]
    assert await ids(**{"from": "2026-03-11"}) == [draft["id"], second_invoice["id"]]
    assert await ids(**{"to": "2026-03-10"}) == [first_invoice]
    assert await ids(**{"from": "2026-03-11", "to": "2026-03-11"}) == [second_invoice["id"]]
    assert await ids(number=number) == [first_invoice]
    assert await ids(limit=1, offset=1) == [second_invoice["id"]]
    note = await ok(await client.post(f"{DOCS}/{first_invoice}/credit", headers=headers), 201)
    assert await ids(type="credit_note") == [note["id"]]


async def test_the_pdf_is_a_download(client, make_tenant, api_headers, plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    _, _, invoice_id = await closed_invoice(tenant, plugin_registry)
    number = (await ok(await client.get(f"{DOCS}/{invoice_id}", headers=headers)))["number"]
    response = await client.get(f"{DOCS}/{invoice_id}/pdf", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith(f'attachment; filename="invoice_{number}.pdf"')


async def test_resending_queues_the_mail_again(client, make_tenant, api_headers, plugin_registry):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, _, invoice_id = await closed_invoice(tenant, plugin_registry)
    before = await ok(await client.get(f"{DOCS}/{invoice_id}/deliveries", headers=headers))
    again = await ok(await client.post(f"{DOCS}/{invoice_id}/resend", headers=headers), 202)
    assert len(again) == len(before) + 1 and again[0]["status"] == "queued"
    assert await DocumentMail.count().where(DocumentMail.document == invoice_id) == len(before) + 1
    draft = await ok(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": [SETUP]}), 201)
    assert (await client.post(f"{DOCS}/{draft['id']}/resend", headers=headers)).status_code == 409


async def test_bad_lines_are_refused_with_their_fields(client, make_tenant, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    buyer, _ = await due_vps(tenant)

    async def fields(response):
        assert response.status_code == 422, response.text
        return sorted(f["field"] for f in response.json()["error"]["fields"])

    assert await fields(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": []})) == [
        "lines"]
    assert await fields(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": [
        SETUP, {**SETUP, "quantity": "два", "unit_price": "x"}]})) == ["lines[1].quantity", "lines[1].unit_price"]
    assert await fields(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": [
        {**SETUP, "vat_rate": "18"}]})) == ["lines[0].vat_rate"]
    assert await fields(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": [
        {**SETUP, "description": " "}]})) == ["lines[0].description"]
    draft = await ok(await client.post(DOCS, headers=headers, json={"client_id": buyer.id, "lines": [SETUP]}), 201)
    # One line's fields are named as its own.
    assert await fields(await client.post(f"{DOCS}/{draft['id']}/lines", headers=headers, json={
        **SETUP, "discount": "5000"})) == ["discount"]
    assert await fields(await client.patch(f"{DOCS}/{draft['id']}/lines/{draft['lines'][0]['id']}", headers=headers,
                                           json={**SETUP, "quantity": "abc"})) == ["quantity"]
    assert (await ok(await client.get(f"{DOCS}/{draft['id']}", headers=headers)))["total"] == "3001.00"
    assert (await client.post(DOCS, headers=headers, json={"client_id": buyer.id + 999, "lines": [SETUP]})
            ).status_code == 404


async def test_another_tenants_documents_are_not_found(client, make_tenant, api_headers, plugin_registry):
    owner = await make_tenant()
    buyer, _, invoice_id = await closed_invoice(owner, plugin_registry)
    draft = await ok(await client.post(DOCS, headers=await api_headers(owner),
                                       json={"client_id": buyer.id, "lines": [SETUP]}), 201)
    line_id = draft["lines"][0]["id"]
    stranger = await make_tenant()
    headers = await api_headers(stranger)
    for method, path, body in [
        ("GET", f"{DOCS}/{invoice_id}", None), ("GET", f"{DOCS}/{invoice_id}/pdf", None),
        ("GET", f"{DOCS}/{invoice_id}/deliveries", None), ("POST", f"{DOCS}/{invoice_id}/credit", {}),
        ("POST", f"{DOCS}/{invoice_id}/resend", None), ("POST", f"{DOCS}/{draft['id']}/post", None),
        ("DELETE", f"{DOCS}/{draft['id']}", None), ("POST", f"{DOCS}/{draft['id']}/lines", SETUP),
        ("PATCH", f"{DOCS}/{draft['id']}/lines/{line_id}", SETUP),
        ("DELETE", f"{DOCS}/{draft['id']}/lines/{line_id}", None),
        ("POST", DOCS, {"client_id": buyer.id, "lines": [SETUP]}),
        ("POST", f"/api/v1/clients/{buyer.id}/invoice-unbilled", None),
    ]:
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await ok(await client.get(DOCS, headers=headers)))["items"] == []
    assert (await ok(await client.get(DOCS, headers=headers, params={"client_id": buyer.id})))["items"] == []
    # Nothing of the owner's changed.
    assert (await ok(await client.get(f"{DOCS}/{draft['id']}", headers=await api_headers(owner))))["status"] == "draft"


@pytest.mark.parametrize("role", ["viewer", "manager"])
async def test_a_role_without_finance_only_reads(client, make_tenant, api_headers, plugin_registry, role):
    tenant = await make_tenant()
    buyer, _, invoice_id = await closed_invoice(tenant, plugin_registry)
    draft = await ok(await client.post(DOCS, headers=await api_headers(tenant),
                                       json={"client_id": buyer.id, "lines": [SETUP]}), 201)
    headers = await api_headers(tenant, role=role)
    assert (await ok(await client.get(DOCS, headers=headers)))["items"][0]["id"] == draft["id"]
    assert (await ok(await client.get(f"{DOCS}/{invoice_id}", headers=headers)))["total"] == "2200.00"
    assert (await client.get(f"{DOCS}/{invoice_id}/pdf", headers=headers)).status_code == 200
    line_id = draft["lines"][0]["id"]
    for method, path, body in [
        ("POST", DOCS, {"client_id": buyer.id, "lines": [SETUP]}), ("POST", f"{DOCS}/{draft['id']}/post", None),
        ("DELETE", f"{DOCS}/{draft['id']}", None), ("POST", f"{DOCS}/{draft['id']}/lines", SETUP),
        ("PATCH", f"{DOCS}/{draft['id']}/lines/{line_id}", SETUP),
        ("DELETE", f"{DOCS}/{draft['id']}/lines/{line_id}", None),
        ("POST", f"{DOCS}/{invoice_id}/credit", {}), ("POST", f"{DOCS}/{invoice_id}/resend", None),
        ("POST", f"/api/v1/clients/{buyer.id}/invoice-unbilled", None),
    ]:
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code == 403, (method, path, response.text)
    assert await Document.count().where(Document.tenant == tenant.id) == 2
    assert (await ok(await client.get(f"{DOCS}/{draft['id']}", headers=headers)))["status"] == "draft"


async def test_unbilled_lines_of_a_deleted_draft_are_invoiced_again(client, make_tenant, api_headers,
                                                                    plugin_registry):
    tenant = await make_tenant()
    await tenants.update_settings(tenant.actor, rules={"invoice_posting": "draft"})
    headers = await api_headers(tenant)
    buyer, sub, draft_id = await closed_invoice(tenant, plugin_registry)
    draft = await ok(await client.get(f"{DOCS}/{draft_id}", headers=headers))
    assert (draft["status"], draft["total"]) == ("draft", "2200.00")
    nothing = await client.post(f"/api/v1/clients/{buyer.id}/invoice-unbilled", headers=headers)
    assert nothing.status_code == 409  # its lines are on the draft

    await ok(await client.delete(f"{DOCS}/{draft_id}", headers=headers), 204)
    [pooled] = await DocumentLine.select().where(DocumentLine.tenant == tenant.id)
    assert (pooled["document"], pooled["subscription"], pooled["total_minor"]) == (None, sub.id, 220000)

    again = await ok(await client.post(f"/api/v1/clients/{buyer.id}/invoice-unbilled", headers=headers), 201)
    assert (again["status"], again["total"], again["client_id"]) == ("draft", "2200.00", buyer.id)
    assert [(l["id"], l["period_start"]) for l in again["lines"]] == [(pooled["id"], "2026-03-10")]
    await ok(await client.post(f"{DOCS}/{again['id']}/post", headers=headers))
    assert await balance(tenant, buyer.id) == Money.of("-2200.00")

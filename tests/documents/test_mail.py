"""Posted documents are e-mailed to the client and its billing contacts with the PDF attached,
over a real SMTP server on loopback; a failure is kept, tried again later and finally given up."""

import asyncio
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.db.queries.documents import DocumentFilter
from core.db.tables import AuditEvent, Client, DocumentMail
from core.services import client_details, day_close, document_mail, document_render, document_templates, \
    documents, scheduler, tenants
from core.services.errors import Conflict, NotFound
from core.settings import get_settings
from tests.day_close.test_close_day import _vps
from tests.day_close.test_notice import _free_port, _smtp, inbox, settings_restored  # noqa: F401  (fixtures)
from tests.web.test_subscriptions import on_day

DAY = date(2026, 3, 10)  # _vps starts on 10 March: its first invoice, 2200.00, is posted by the close of that day


async def _posted_invoice(tenant, plugin_registry):
    """The client (buh@fabrika.ru; billing contacts zakaz@ and buh@ again, a technical one) and
    the invoice the day close posted and queued for e-mail."""
    client, _ = await _vps(tenant, start=DAY)
    await client_details.add_contact(tenant.actor, client.id, name="Бухгалтерия", email="Zakaz@Fabrika.ru",
                                     roles=["billing", "general"])
    await client_details.add_contact(tenant.actor, client.id, name="Админ", email="admin@fabrika.ru",
                                     roles=["technical"])
    await client_details.add_contact(tenant.actor, client.id, name="Главбух", email="BUH@fabrika.ru",
                                     roles=["billing"])  # the client's own address again
    await on_day(tenant, DAY + timedelta(days=1))
    await day_close.close_day(tenant.actor, plugin_registry, DAY)
    [invoice] = await documents.search(tenant.actor, DocumentFilter(type="invoice"))
    assert (invoice.status, invoice.total.minor) == ("posted", 220000)
    return client, invoice


async def _mails(tenant) -> list[dict]:
    return await DocumentMail.select().where(DocumentMail.tenant == tenant.id).order_by(DocumentMail.id)


async def test_a_posted_invoice_is_mailed_to_the_client_and_its_billing_contacts_with_the_pdf(
        make_tenant, plugin_registry, inbox):
    tenant = await make_tenant()
    client, invoice = await _posted_invoice(tenant, plugin_registry)
    [queued] = await document_mail.deliveries(tenant.actor, invoice.id)
    assert (queued["status"], queued["attempts"], queued["recipients"], queued["requested_by"]) == (
        "queued", 0, [], "day close")

    report = await document_mail.deliver_due(tenant_id=tenant.id)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)

    [(recipients, message)] = inbox.messages
    assert recipients == ["buh@fabrika.ru", "zakaz@fabrika.ru"]  # not the technical contact, nobody twice
    assert message["To"] == "buh@fabrika.ru, zakaz@fabrika.ru"
    assert message["From"] == "saldo@billing.test"
    assert invoice.number and invoice.number in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"invoice_{invoice.number}.pdf"
    content = attachment.get_content()
    assert content.startswith(b"%PDF")
    assert content == await document_render.pdf(tenant.id, invoice.id)
    assert invoice.number in message.get_body(("plain",)).get_content()

    [sent] = await document_mail.deliveries(tenant.actor, invoice.id)
    assert (sent["status"], sent["attempts"], sent["last_error"], sent["recipients"]) == (
        "sent", 0, "", ["buh@fabrika.ru", "zakaz@fabrika.ru"])
    assert sent["sent_at"] is not None

    # A second pass sends nothing more.
    again = await document_mail.deliver_due(tenant_id=tenant.id)
    assert again.total == 0
    assert len(inbox.messages) == 1


async def test_the_tenants_own_mail_template_makes_the_subject(make_tenant, plugin_registry, inbox):
    tenant = await make_tenant()
    _, invoice = await _posted_invoice(tenant, plugin_registry)
    await document_templates.save(tenant.actor, "mail_subject", "Ваш счёт №{{ document.number }} от Фабрики\n")
    await document_mail.deliver_due(tenant_id=tenant.id)
    [(_, message)] = inbox.messages
    assert message["Subject"] == f"Ваш счёт №{invoice.number} от Фабрики"


async def test_a_refused_connection_is_kept_and_retried_later_then_given_up(
        make_tenant, plugin_registry, monkeypatch, settings_restored):
    tenant = await make_tenant()
    _, invoice = await _posted_invoice(tenant, plugin_registry)
    port = _free_port()
    _smtp(monkeypatch, "127.0.0.1", port)  # nothing listens there
    now = datetime.now(timezone.utc)

    report = await document_mail.deliver_due(now=now, tenant_id=tenant.id)
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    [row] = await _mails(tenant)
    assert (row["status"], row["attempts"], row["recipients"]) == ("queued", 1, "buh@fabrika.ru,zakaz@fabrika.ru")
    assert f"127.0.0.1 on port {port}" in row["last_error"]
    assert row["next_attempt_at"] == now + timedelta(minutes=1)
    assert (await document_mail.deliver_due(now=now + timedelta(seconds=59), tenant_id=tenant.id)).total == 0

    delays = []
    while row["status"] == "queued":
        at = row["next_attempt_at"]
        await document_mail.deliver_due(now=at, tenant_id=tenant.id)
        [row] = await _mails(tenant)
        delays.append(row["next_attempt_at"] - at if row["status"] == "queued" else row["status"])
    assert delays == [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6), "failed"]
    assert row["attempts"] == 6 and "127.0.0.1" in row["last_error"]
    [failed] = await document_mail.deliveries(tenant.actor, invoice.id)
    assert (failed["status"], failed["attempts"], failed["next_attempt_at"]) == ("failed", 6, None)
    assert (await document_mail.deliver_due(now=now + timedelta(days=30), tenant_id=tenant.id)).total == 0


async def test_a_client_without_an_address_fails_at_once(make_tenant, plugin_registry, inbox):
    tenant = await make_tenant()
    client, invoice = await _posted_invoice(tenant, plugin_registry)
    await Client.update({Client.email: ""}).where(Client.id == client.id)  # as a legacy import may leave it
    for contact in await client_details.contacts(tenant.actor, client.id):
        if "billing" in contact.roles:
            await client_details.delete_contact(tenant.actor, client.id, contact.id)

    report = await document_mail.deliver_due(tenant_id=tenant.id)
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    [row] = await document_mail.deliveries(tenant.actor, invoice.id)
    assert (row["status"], row["recipients"]) == ("failed", [])
    assert row["last_error"] == "client ООО «Фабрика Бизнеса» has no e-mail address to send documents to"
    assert inbox.messages == []


async def test_nothing_is_sent_while_mail_is_off(make_tenant, plugin_registry, inbox, monkeypatch):
    tenant = await make_tenant()
    _, invoice = await _posted_invoice(tenant, plugin_registry)
    monkeypatch.setenv("SALDO_SMTP_HOST", "")  # the server runs, but mail is off
    get_settings.cache_clear()
    assert (await document_mail.deliver_due(tenant_id=tenant.id)).total == 0
    [row] = await document_mail.deliveries(tenant.actor, invoice.id)
    assert (row["status"], row["attempts"]) == ("queued", 0)
    assert inbox.messages == []


async def test_resend_queues_the_mail_again(make_tenant, plugin_registry, inbox):
    tenant = await make_tenant()
    _, invoice = await _posted_invoice(tenant, plugin_registry)
    await document_mail.deliver_due(tenant_id=tenant.id)

    await document_mail.resend(tenant.actor, invoice.id)
    newest, first = await document_mail.deliveries(tenant.actor, invoice.id)
    assert (newest["status"], newest["requested_by"], first["status"]) == ("queued", tenant.owner.email, "sent")
    [event] = await AuditEvent.select(AuditEvent.action, AuditEvent.object_id).where(
        (AuditEvent.tenant == tenant.id) & (AuditEvent.action == "document.resend"))
    assert event["object_id"] == str(invoice.id)

    assert (await document_mail.deliver_due(tenant_id=tenant.id)).sent == 1
    assert len(inbox.messages) == 2
    assert [m["status"] for m in await document_mail.deliveries(tenant.actor, invoice.id)] == ["sent", "sent"]


async def test_resend_refuses_a_draft_and_another_tenants_document(make_tenant, plugin_registry):
    tenant, other = await make_tenant(), await make_tenant()
    client, invoice = await _posted_invoice(tenant, plugin_registry)
    draft = await documents.create_invoice(tenant.actor, client.id, [
        documents.LineInput(description="Настройка сервера", quantity=Decimal("1"), unit_price=Decimal("1500"))])
    with pytest.raises(Conflict):
        await document_mail.resend(tenant.actor, draft.id)
    with pytest.raises(NotFound):
        await document_mail.resend(other.actor, invoice.id)
    with pytest.raises(NotFound):
        await document_mail.deliveries(other.actor, invoice.id)
    assert len(await _mails(tenant)) == 1  # only the day close's


async def test_concurrent_passes_send_each_mail_once(make_tenant, plugin_registry, inbox):
    tenant = await make_tenant()
    _, invoice = await _posted_invoice(tenant, plugin_registry)
    await document_mail.queue(tenant.id, [invoice.id, invoice.id], "test")  # one more mail (ids are de-duplicated)
    await document_mail.queue(tenant.id, [invoice.id], "test")
    reports = await asyncio.gather(*[document_mail.deliver_due(tenant_id=tenant.id, limit=2) for _ in range(3)])
    assert sum(r.sent for r in reports) == 3
    assert len(inbox.messages) == 3
    assert [m["status"] for m in await _mails(tenant)] == ["sent"] * 3


async def test_the_servers_background_task_sends_due_mail_batch_after_batch(
        make_tenant, plugin_registry, inbox, monkeypatch):
    tenant = await make_tenant()
    _, invoice = await _posted_invoice(tenant, plugin_registry)
    await document_mail.queue(tenant.id, [invoice.id], "test")

    async def only_this_tenant():
        return [await tenants.get(tenant.id)]

    monkeypatch.setattr(tenants, "all_tenants", only_this_tenant)
    monkeypatch.setattr(scheduler, "MAIL_BATCH", 1)
    report = await scheduler.deliver_mail(plugin_registry)
    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    assert len(inbox.messages) == 2

    await document_mail.resend(tenant.actor, invoice.id)
    async with scheduler.running(plugin_registry, 0.02) as task:
        for _ in range(500):
            if [m["status"] for m in await _mails(tenant)] == ["sent"] * 3:
                break
            await asyncio.sleep(0.02)
    assert task.done()
    assert [m["status"] for m in await _mails(tenant)] == ["sent"] * 3
    assert len(inbox.messages) == 3

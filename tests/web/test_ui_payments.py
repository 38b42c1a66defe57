"""The «Платежи» pages through the test client: a payment of an invoice entered by hand from the
document's page (amounts typed the Russian way, to the kopeck), a repeated reference, refused
forms; the queue with its assignment by an invoice number or a suggested client; refunds; what a
viewer and another tenant get. Then the client portal's «Оплатить» button: a redirect to the
payment provider for an open invoice, and its refusals."""

from __future__ import annotations

import re
from datetime import date

from core.db.tables import Payment
from core.domain.money import Money
from core.domain.payments import PaymentError, PaymentStatus
from core.hookspecs import hookimpl
from core.plugins.meta import PluginMeta
from core.plugins.testing import declared_plugin
from core.services import payments, plugins, portal
from core.services.payments import Incoming
from tests.payments.test_payments import FakeProvider, _invoice
from tests.web.billing_pages import CSRF_TOKEN, signed_in, staff
from tests.web.test_portal import PORTAL_PASSWORD, draft_of, signed_in_portal
from tests.web.test_subscriptions import balance, customer

NBSP = "\u00a0"


def section(html: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to the end of its section."""
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</section>", start)]


async def test_an_accountant_enters_a_payment_of_an_invoice_from_its_page(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    accountant = await staff(tenant, "accountant")
    buyer = await customer(tenant)
    older = await _invoice(tenant, plugin_registry, buyer, "500.00", date(2026, 3, 1))
    invoice = await _invoice(tenant, plugin_registry, buyer, "1220.00", date(2026, 3, 2))
    csrf = await signed_in(client, tenant, accountant.email)

    page = (await client.get(f"/documents/{invoice.id}")).text
    assert f'href="/payments/new?invoice_id={invoice.id}"' in page and 'id="no-document-payments"' in page
    assert 'id="document-paid"><span class="amount" data-amount="0.00">0,00 RUB' in page
    assert 'id="document-owed"><span class="amount" data-amount="1220.00">' in page

    form = (await client.get(f"/payments/new?invoice_id={invoice.id}")).text
    assert f'id="payment-client"><a href="/clients/{buyer.id}">ООО «Фабрика Бизнеса»</a>' in form
    assert f'name="invoice" type="text" value="{invoice.number}"' in form
    assert 'name="amount" type="text" value="1220.00"' in form and 'value="2026-03-02"' in form

    entered = {"_csrf": csrf, "client": str(buyer.id), "invoice": invoice.number, "amount": "1 000,50",
               "received_on": "2026-03-05", "reference": "п/п 17 от 05.03.2026"}
    response = await client.post("/payments", data=entered, follow_redirects=False)
    assert response.status_code == 303, response.text
    [payment] = await payments.search(tenant.actor)
    assert response.headers["location"] == f"/payments/{payment.id}?done=payments.done.created"
    assert (payment.status, payment.amount, payment.allocated, payment.invoice_id, payment.created_by) == (
        "succeeded", Money.of("1000.50"), Money.of("1000.50"), invoice.id, accountant.email)
    assert await balance(tenant, buyer.id) == Money.of("-719.50")  # 500.00 + 219.50 still owed

    shown = (await client.get(response.headers["location"])).text
    assert "Платёж зачислен." in shown and "Зачислен" in section(shown, "payment-general")
    assert f"1{NBSP}000,50 RUB" in section(shown, "payment-general")
    allocations = section(shown, "allocations")
    assert f'href="/documents/{invoice.id}"' in allocations and f"Счёт № {invoice.number}" in allocations
    assert f'href="/documents/{older.id}"' not in allocations and f"1{NBSP}000,50" in allocations

    page = (await client.get(f"/documents/{invoice.id}")).text
    assert 'id="document-paid"><span class="amount" data-amount="1000.50">' in page
    assert 'id="document-owed"><span class="amount" data-amount="219.50">219,50 RUB' in page
    paid_by = section(page, "document-payments")
    assert f'href="/payments/{payment.id}"' in paid_by and "п/п 17 от 05.03.2026" in paid_by
    assert "Проведён" in section(page, "document-general")

    again = await client.post("/payments", data=entered | {"amount": "5"}, follow_redirects=False)
    assert again.headers["location"] == f"/payments/{payment.id}?done=payments.done.duplicate"
    assert "уже был введён" in (await client.get(again.headers["location"])).text
    rest = await client.post("/payments", data=entered | {"client": "", "amount": "219,50", "reference": "п/п 18"},
                             follow_redirects=False)
    assert rest.status_code == 303  # the invoice alone names its client
    page = (await client.get(f"/documents/{invoice.id}")).text
    assert "Оплачен" in section(page, "document-general") and 'id="document-owed"' not in page
    assert 'id="enter-payment"' not in page and len(re.findall(r'class="document-payment"', page)) == 2
    assert await balance(tenant, buyer.id) == Money.of("-500.00")

    listed = (await client.get("/payments", params={"client": str(buyer.id), "status": "succeeded"})).text
    assert len(re.findall(r'<tr class="payment status-succeeded"', listed)) == 2
    assert "Введён вручную" in listed and f"1{NBSP}000,50" in listed
    assert 'id="no-payments"' in (await client.get("/payments", params={"status": "queued"})).text


async def test_a_refused_manual_payment_shows_the_reason_and_changes_nothing(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer = await customer(tenant)
    await customer(tenant, "info@fabrika.ru")  # the same company name: «Фабрика» fits both
    csrf = await signed_in(client, tenant)
    entered = {"_csrf": csrf, "client": str(buyer.id), "invoice": "", "amount": "100.00",
               "received_on": "2026-03-05", "reference": "п/п 1"}

    for change, message in (({"amount": "сто"}, "сумма, не больше двух знаков после запятой"),
                            ({"amount": "10,005"}, "сумма, не больше двух знаков после запятой"),
                            ({"amount": "-1"}, "сумма платежа должна быть больше нуля"),
                            ({"invoice": "СЧ-999"}, "нет проведённого счёта с таким номером"),
                            ({"reference": " "}, "укажите основание"),
                            ({"received_on": ""}, "обязательное поле"),
                            ({"client": ""}, "обязательное поле"),
                            ({"client": "Нет Такого"}, "нет такого клиента")):
        response = await client.post("/payments", data=entered | change)
        assert response.status_code == 422 and message in response.text, (change, response.text)
    ambiguous = await client.post("/payments", data=entered | {"client": "Фабрика"})
    assert ambiguous.status_code == 422 and len(re.findall(r'class="candidate"', ambiguous.text)) == 2
    assert await Payment.count().where(Payment.tenant == tenant.id) == 0


async def test_a_queued_payment_is_assigned_from_the_queue(client, make_tenant, plugin_registry):
    tenant = await make_tenant()
    buyer, neighbour = await customer(tenant), await customer(tenant, "info@apelsin.ru")
    invoice = await _invoice(tenant, plugin_registry, buyer, "1220.00", date(2026, 3, 1))
    theirs = await _invoice(tenant, plugin_registry, neighbour, "300.00", date(2026, 3, 1))
    first = (await payments.receive(tenant.id, Incoming(
        "bank", "stmt-1", Money.of("1220.00"), date(2026, 3, 3), PaymentStatus.SUCCEEDED,
        payer={"name": "ООО «ФБ»", "inn": "7708305901", "account": "40702810900000000001"},
        purpose="Оплата по сч. 1 от 01.03.2026"))).payment
    second = (await payments.receive(tenant.id, Incoming(
        "bank", "stmt-2", Money.of("300.00"), date(2026, 3, 3), PaymentStatus.SUCCEEDED,
        payer={"name": "Неизвестный", "inn": "500100732259"}, queue_reason="several invoices fit"))).payment
    csrf = await signed_in(client, tenant)

    listed = (await client.get("/payments")).text
    assert 'id="queue-count">2<' in listed
    queue = (await client.get("/payments/queue")).text
    card = section(queue, f"queued-{first.id}")
    assert "плательщик не найден среди клиентов" in card and "Оплата по сч. 1 от 01.03.2026" in card
    assert f"1{NBSP}220,00 RUB" in card and "40702810900000000001" in card
    # both clients have the payer's ИНН: each is offered
    assert sorted(int(c) for c in re.findall(r'data-client="(\d+)"', card)) == sorted([buyer.id, neighbour.id])
    assert "several invoices fit" in section(queue, f"queued-{second.id}")

    # the invoice of another client than the one named is refused next to the payment's form
    wrong = await client.post(f"/payments/{first.id}/assign", data={
        "_csrf": csrf, "back": "/payments/queue", "client": str(buyer.id), "invoice": theirs.number})
    assert wrong.status_code == 422 and "это не проведённый счёт этого клиента" in section(
        wrong.text, f"queued-{first.id}")
    assigned = await client.post(f"/payments/{first.id}/assign", data={
        "_csrf": csrf, "back": "/payments/queue", "client": "", "invoice": invoice.number}, follow_redirects=False)
    assert assigned.headers["location"] == "/payments/queue?done=payments.done.assigned"
    queue = (await client.get(assigned.headers["location"])).text
    assert "Платёж разнесён." in queue and f'id="queued-{first.id}"' not in queue
    assert (await payments.get(tenant.actor, first.id)).record.allocated == Money.of("1220.00")
    assert await balance(tenant, buyer.id) == Money.of("0.00")

    # from the payment's own page, by a suggested client
    response = await client.post(f"/payments/{second.id}/assign", data={
        "_csrf": csrf, "back": f"/payments/{second.id}", "client": str(neighbour.id), "invoice": ""},
        follow_redirects=False)
    assert response.headers["location"] == f"/payments/{second.id}?done=payments.done.assigned"
    assert await balance(tenant, neighbour.id) == Money.of("0.00")
    again = await client.post(f"/payments/{second.id}/assign", data={
        "_csrf": csrf, "back": f"/payments/{second.id}", "client": str(neighbour.id)})
    assert again.status_code == 409 and "платёж уже не в очереди" in again.text
    assert 'id="queue-empty"' in (await client.get("/payments/queue")).text


async def test_a_payment_is_refunded_through_the_form(client, make_tenant):
    tenant = await make_tenant()
    buyer = await customer(tenant)
    paid = (await payments.manual(tenant.actor, buyer.id, Money.of("1000.00"), date(2026, 3, 3), "п/п 1")).payment
    csrf = await signed_in(client, tenant)

    page = (await client.get(f"/payments/{paid.id}")).text
    assert 'name="amount" type="text" value="1000.00"' in section(page, "refunds")
    assert f"Можно вернуть до 1{NBSP}000,00 RUB." in page
    too_much = await client.post(f"/payments/{paid.id}/refund", data={"_csrf": csrf, "amount": "1000,01",
                                                                      "reason": "лишнее"})
    assert too_much.status_code == 422 and "больше, чем осталось вернуть" in too_much.text
    no_reason = await client.post(f"/payments/{paid.id}/refund", data={"_csrf": csrf, "amount": "1", "reason": ""})
    assert no_reason.status_code == 422 and "обязательное поле" in no_reason.text
    done = await client.post(f"/payments/{paid.id}/refund", data={"_csrf": csrf, "amount": "400,01",
                                                                  "reason": "ошибочный платёж"},
                             follow_redirects=False)
    assert done.headers["location"] == f"/payments/{paid.id}?done=payments.done.refunded"
    page = (await client.get(done.headers["location"])).text
    refunds = section(page, "refunds")
    assert "Возврат оформлен." in page and "ошибочный платёж" in refunds and "400,01" in refunds
    assert 'name="amount" type="text" value="599.99"' in refunds
    assert await balance(tenant, buyer.id) == Money.of("599.99")
    await client.post(f"/payments/{paid.id}/refund", data={"_csrf": csrf, "amount": "599,99", "reason": "остаток"})
    page = (await client.get(f"/payments/{paid.id}")).text
    assert "Возвращён" in section(page, "payment-general") and 'id="refund-form"' not in page
    assert await balance(tenant, buyer.id) == Money.of("0.00")


async def test_a_viewer_reads_and_another_tenant_finds_nothing(client, make_tenant):
    tenant, other = await make_tenant(), await make_tenant()
    viewer = await staff(tenant, "viewer")
    buyer = await customer(tenant)
    paid = (await payments.manual(tenant.actor, buyer.id, Money.of("10.00"), date(2026, 3, 3), "п/п 1")).payment
    queued = (await payments.receive(tenant.id, Incoming("bank", "stmt-1", Money.of("5.00"), date(2026, 3, 3),
                                                         PaymentStatus.SUCCEEDED))).payment

    csrf = await signed_in(client, tenant, viewer.email)
    listed = (await client.get("/payments")).text
    assert 'class="nav-payments active"' in listed and 'id="new-payment"' not in listed
    assert f'data-payment="{paid.id}"' in listed and f'data-payment="{queued.id}"' in listed
    assert 'class="inline-form assign-form"' not in (await client.get("/payments/queue")).text
    assert 'id="refund-form"' not in (await client.get(f"/payments/{paid.id}")).text
    assert (await client.get("/payments/new")).status_code == 403
    refund = await client.post(f"/payments/{paid.id}/refund", data={"_csrf": csrf, "amount": "1", "reason": "x"})
    assign = await client.post(f"/payments/{queued.id}/assign", data={"_csrf": csrf, "client": str(buyer.id)})
    entered = await client.post("/payments", data={"_csrf": csrf, "client": str(buyer.id), "amount": "1",
                                                   "received_on": "2026-03-05", "reference": "п/п 2"})
    assert (refund.status_code, assign.status_code, entered.status_code) == (403, 403, 403)

    client.cookies.clear()
    csrf = await signed_in(client, other)
    assert (await client.get(f"/payments/{paid.id}")).status_code == 404
    assert (await client.post(f"/payments/{queued.id}/assign", data={
        "_csrf": csrf, "back": "/payments/queue", "client": "1"})).status_code == 404
    assert (await client.post(f"/payments/{paid.id}/refund", data={
        "_csrf": csrf, "amount": "1", "reason": "x"})).status_code == 404
    assert 'id="no-payments"' in (await client.get("/payments")).text
    assert await balance(tenant, buyer.id) == Money.of("10.00")
    assert (await payments.get(tenant.actor, queued.id)).record.status == "queued"


# The client portal's «Оплатить»: the fake provider of the core's tests, recording what it was asked.

class RecordingProvider(FakeProvider):
    started: list = []

    async def start_payment(self, request):
        self.started.append(request)
        return await super().start_payment(request)


class BrokenProvider(FakeProvider):
    code, name = "broken", "Сломанная касса"

    async def start_payment(self, request):
        raise PaymentError("the shop is blocked")


FAKE_PAY = declared_plugin(PluginMeta("fake_pay", "Fake pay", "1.0", "A test payment provider"),
                           saldo_payment_providers=hookimpl(lambda self: [RecordingProvider, BrokenProvider]))


async def test_the_portal_pays_an_open_invoice_at_the_provider(client, make_tenant, plugin_registry,
                                                               register_plugin):
    register_plugin(FAKE_PAY)
    tenant = await make_tenant()
    await plugins.configure(tenant.actor, plugin_registry, "fake_pay", enabled=True)
    buyer, neighbour = await customer(tenant), await customer(tenant, "info@apelsin.ru")
    paid = await _invoice(tenant, plugin_registry, buyer, "500.00", date(2026, 3, 1))
    invoice = await _invoice(tenant, plugin_registry, buyer, "1220.00", date(2026, 3, 2))
    theirs = await _invoice(tenant, plugin_registry, neighbour, "300.00", date(2026, 3, 2))
    draft = await draft_of(tenant, buyer)
    await payments.manual(tenant.actor, buyer.id, Money.of("720.00"), date(2026, 3, 3), "п/п 1")  # 220.00 of it
    await portal.grant_access(tenant.actor, buyer.id, "buh@fabrika.ru", PORTAL_PASSWORD)
    await signed_in_portal(client, tenant)
    pay = f"/portal/{tenant.slug}/documents/{{}}/pay/{{}}"

    home = (await client.get(f"/portal/{tenant.slug}/")).text
    forms = re.findall(r'<form method="post" action="/portal/[^/]+/documents/(\d+)/pay/(\w+)"', home)
    assert forms == [(str(invoice.id), "broken"), (str(invoice.id), "fake")]  # the paid invoice has none
    assert "оплачено 220,00 RUB" in home and f"К оплате: 1{NBSP}000,00 RUB" in home
    csrf = CSRF_TOKEN.search(home).group(1)

    assert (await client.post(pay.format(invoice.id, "fake"), data={})).status_code == 403
    started = await client.post(pay.format(invoice.id, "fake"), data={"_csrf": csrf}, follow_redirects=False)
    [attempt] = await payments.search(tenant.actor, status="pending")
    assert started.status_code == 303
    assert started.headers["location"] == f"https://pay.example/{attempt.id}?sum=1000.00"
    request = RecordingProvider.started[-1]
    assert (request.payment_id, request.amount, request.client_id, request.invoice_number) == (
        attempt.id, Money.of("1000.00"), buyer.id, invoice.number)
    assert request.return_url == f"http://testserver.local/portal/{tenant.slug}/"
    assert (attempt.invoice_id, attempt.client_id, attempt.provider) == (invoice.id, buyer.id, "fake")

    already = await client.post(pay.format(paid.id, "fake"), data={"_csrf": csrf}, follow_redirects=False)
    assert already.status_code == 409 and "Этот счёт уже оплачен." in already.text
    broken = await client.post(pay.format(invoice.id, "broken"), data={"_csrf": csrf}, follow_redirects=False)
    assert broken.status_code == 502 and "платёжная система не ответила" in broken.text
    assert "the shop is blocked" not in broken.text
    for document_id, code in ((theirs.id, "fake"), (draft, "fake"), (invoice.id, "nope"), (10 ** 9, "fake")):
        response = await client.post(pay.format(document_id, code), data={"_csrf": csrf}, follow_redirects=False)
        assert response.status_code == 404, (document_id, code)

    await plugins.configure(tenant.actor, plugin_registry, "fake_pay", enabled=False)
    assert 'class="pay-form"' not in (await client.get(f"/portal/{tenant.slug}/")).text
    response = await client.post(pay.format(invoice.id, "fake"), data={"_csrf": csrf}, follow_redirects=False)
    assert response.status_code == 404
    client.cookies.clear()
    response = await client.post(pay.format(invoice.id, "fake"), data={"_csrf": csrf}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/portal/{tenant.slug}/login")
    assert await Payment.count().where((Payment.tenant == tenant.id) & (Payment.provider == "fake")) == 1


async def test_a_bank_statements_queue_reasons_are_shown_in_the_managers_language(client, make_tenant):
    tenant = await make_tenant()
    await signed_in(client, tenant)
    reason = ("invoice 99 not found; invoice 15 is to a client with INN 7701234567, not the payer's INN "
              "500100732259; amount 1000.00 differs from invoice 15's open 1200.00; a plugin reason")
    queued = (await payments.receive(tenant.id, Incoming(
        "bank", "stmt-9", Money.of("1000.00"), date(2026, 3, 3), PaymentStatus.SUCCEEDED,
        payer={"inn": "500100732259"}, queue_reason=reason))).payment
    russian = section((await client.get("/payments/queue")).text, f"queued-{queued.id}")
    assert ("счёт 99 не найден среди неоплаченных; счёт 15 выставлен клиенту с ИНН 7701234567, а ИНН плательщика "
            "500100732259; сумма 1000.00 не равна остатку 1200.00 по счёту 15; a plugin reason") in russian
    english = section((await client.get("/payments/queue?lang=en")).text, f"queued-{queued.id}")
    assert "amount 1000.00 differs from the 1200.00 left to pay of invoice 15" in english

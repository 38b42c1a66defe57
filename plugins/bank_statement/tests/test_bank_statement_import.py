"""Importing statements through the API, the upload page and the CLI: confident matches are
credited once, the rest queued with the reason, per tenant, and a broken file changes nothing."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bank_statement_helpers import OURS, fabrika, romashka, statement
from core.db.tables import Payment
from core.domain.money import Money
from core.services import audit, documents, payments, plugins
from saldo_bank_statement.texts import EN, RU
from tests.web.billing_pages import signed_in
from tests.web.test_subscriptions import balance

REFERENCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "bank-statements"
KILYLABS = REFERENCE / "kilylabs__one_day__v1.02__cp1251_crlf__kl_to_1c.txt"
KILYLABS_UTF8 = REFERENCE / "kilylabs__one_day_utf8__v1.02__utf8_crlf__kl_to_1c.txt"


def api(tenant) -> str:
    return f"/p/{tenant.slug}/bank_statement/statements"


def page(tenant) -> str:
    return f"/p/{tenant.slug}/bank_statement"


async def status_of(tenant, document_id) -> str:
    return (await documents.get(tenant.actor, document_id)).record.status


async def bank_payments(tenant) -> int:
    return await Payment.count().where((Payment.tenant == tenant.id) & (Payment.provider == "bank"))


async def test_an_import_credits_confident_matches_once_and_queues_the_rest(client, bank_tenant, invoice,
                                                                             api_headers):
    tenant = await bank_tenant()
    a, b = await fabrika(tenant), await romashka(tenant)
    first = await invoice(tenant, a, "1200.00", date(2026, 3, 1))
    second = await invoice(tenant, a, "800.00", date(2026, 3, 15))
    third = await invoice(tenant, b, "500.00", date(2026, 3, 20))
    data = statement(
        {"Сумма": "1200.00", "ПлательщикИНН": "7708305901", "Плательщик1": "ООО «Фабрика Бизнеса»",
         "ПлательщикБИК": "044525225", "НазначениеПлатежа": f"Оплата по счету № {first.number} от 01.03.2026, "
                                                           f"в т.ч. НДС 22% - 216.39"},
        {"Сумма": "500.00", "ПлательщикИНН": "7708305901", "НазначениеПлатежа": f"Оплата по сч. {second.number}"},
        {"Сумма": "300.00", "ПлательщикИНН": "7728168971", "НазначениеПлатежа": "Оплата за услуги"},
        {"Сумма": "500.00", "ПлательщикИНН": "7736050003", "ПлательщикСчет": "40702810900000000777",
         "НазначениеПлатежа": "Оплата услуг хостинга, НДС не облагается"},
        {"Сумма": "100.00", "ПлательщикИНН": "7708305901", "НазначениеПлатежа": "Оплата по счету № 999"},
        {"Сумма": "70.00", "ПлательщикСчет": OURS, "ПолучательСчет": "40702810000000000999",
         "ДатаСписано": "01.04.2026", "ДатаПоступило": ""},
        {"Сумма": "90.00", "ПолучательСчет": "40702810000000000888"},
    )
    headers = await api_headers(tenant)
    response = await client.post(api(tenant), files={"file": ("kl_to_1c.txt", data, "text/plain")}, headers=headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert {k: report[k] for k in ("filename", "version", "encoding", "accounts", "documents", "applied", "queued",
                                   "duplicates", "skipped")} == {
        "filename": "kl_to_1c.txt", "version": "1.03", "encoding": "cp1251", "accounts": [OURS], "documents": 7,
        "applied": 2, "queued": 3, "duplicates": 0, "skipped": 2}
    assert [(o["line"], o["number"], o["amount"], o["outcome"], o["reason"]) for o in report["outcomes"]] == [
        (8, "101", "1200.00", "applied", ""),
        (20, "102", "500.00", "queued", f"amount 500.00 differs from invoice {second.number}'s open 800.00"),
        (30, "103", "300.00", "queued", "payer INN 7728168971 matches no client"),
        (40, "104", "500.00", "applied", ""),
        (50, "105", "100.00", "queued", "invoice 999 not found"),
        (60, "106", "70.00", "skipped", "outgoing payment"),
        (69, "107", "90.00", "skipped", "not to an own settlement account")]
    applied = report["outcomes"][0]
    assert (applied["client_id"], applied["invoice_id"]) == (a.id, first.id)
    assert applied["payer"] == {"name": "ООО «Фабрика Бизнеса»", "inn": "7708305901", "kpp": "",
                                "account": "40702810100000000555", "bik": "044525225", "bank": ""}

    # The invoice named with its open amount is paid; Ромашка's payment went to her balance and
    # so to her only open invoice; the short payment for the second invoice waits.
    assert [await status_of(tenant, d.id) for d in (first, second, third)] == ["paid", "posted", "paid"]
    assert await balance(tenant, a.id) == Money.of("-800.00")
    assert await balance(tenant, b.id) == Money.of("0.00")
    queued = {p.external_id: p for p in await payments.queued(tenant.actor)}
    assert len(queued) == 3
    short = queued["40702810100000000555/102/2026-04-01/500.00"]
    assert (short.client_id, short.invoice_id, short.amount, short.received_on) == (
        a.id, second.id, Money.of("500.00"), date(2026, 4, 2))
    assert short.queue_reason == f"amount 500.00 differs from invoice {second.number}'s open 800.00"
    assert short.purpose == f"Оплата по сч. {second.number}" and short.payer["inn"] == "7708305901"
    assert queued["40702810100000000555/103/2026-04-01/300.00"].client_id is None
    (original,) = await Payment.select(Payment.original).where(Payment.id == applied["payment_id"])
    assert original["original"].splitlines()[0] == "СекцияДокумент=Платежное поручение"
    assert original["original"].splitlines()[-1] == "КонецДокумента"
    credited = await payments.get(tenant.actor, applied["payment_id"])
    assert credited.record.status == "succeeded" and credited.record.allocated == Money.of("1200.00")
    assert [(x["document"], x["amount_minor"]) for x in credited.allocations] == [(first.id, 120000)]

    # The same statement again, as the raw body: nothing twice.
    again = await client.post(api(tenant), params={"filename": "again.txt"}, content=data, headers=headers)
    assert again.status_code == 200, again.text
    report = again.json()
    assert (report["filename"], report["applied"], report["queued"], report["duplicates"], report["skipped"]) == (
        "again.txt", 0, 0, 5, 2)
    assert report["outcomes"][0]["reason"] == f"already imported as payment {applied['payment_id']} (succeeded)"
    assert report["outcomes"][1]["reason"].endswith("(queued)")
    assert await bank_payments(tenant) == 5
    assert await balance(tenant, a.id) == Money.of("-800.00") and await balance(tenant, b.id) == Money.of("0.00")
    events = await audit.events(tenant.actor, object_type="bank_statement")
    assert [(e.action, e.after["applied"], e.after["duplicates"]) for e in events] == [
        ("bank_statement.import", 0, 5), ("bank_statement.import", 2, 0)]


async def test_the_reference_statement_in_both_encodings_is_imported_once(client, bank_tenant, api_headers):
    tenant = await bank_tenant(settlement_account="40702810200000000001", bik="044525704", correspondent_account="")
    headers = await api_headers(tenant)
    response = await client.post(api(tenant), content=KILYLABS.read_bytes(), headers=headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["version"], report["documents"], report["applied"], report["queued"], report["skipped"]) == (
        "1.02", 13, 0, 3, 10)
    assert [(o["number"], o["amount"], o["reason"]) for o in report["outcomes"] if o["outcome"] == "queued"] == [
        ("5", "6000.00", "payer INN 123123123123 matches no client"),
        ("6", "14000.00", "payer INN 123123123123 matches no client"),
        ("1", "20000.00", "payer INN 123123123123 matches no client")]
    assert report["sections"] == [{"account": "40702810200000000001", "date_from": "2016-01-11",
                                   "date_to": "2016-01-11", "opening": "45329.91", "incoming": "40000.00",
                                   "outgoing": "41184.00", "closing": "44145.91"}]
    assert report["warnings"] == [
        "line 11: account 40702810200000000001: the documents debit 0.00, but ВсегоСписано is 41184.00"]
    utf8 = (await client.post(api(tenant), content=KILYLABS_UTF8.read_bytes(), headers=headers)).json()
    assert (utf8["encoding"], utf8["applied"], utf8["queued"], utf8["duplicates"], utf8["skipped"]) == (
        "utf-8", 0, 0, 3, 10)
    assert await bank_payments(tenant) == 3


async def test_a_statement_of_another_account_credits_nothing(client, bank_tenant, make_tenant, plugin_registry,
                                                               api_headers):
    tenant = await bank_tenant()
    report = (await client.post(api(tenant), content=KILYLABS.read_bytes(), headers=await api_headers(tenant))).json()
    assert (report["documents"], report["skipped"], report["applied"] + report["queued"]) == (13, 13, 0)
    assert report["warnings"][-1] == ("the statement is for account 40702810200000000001, which is none of the "
                                      "settlement accounts of the seller entities")
    sellerless = await make_tenant()
    await plugins.configure(sellerless.actor, plugin_registry, "bank_statement", enabled=True)
    refused = await client.post(api(sellerless), content=KILYLABS.read_bytes(), headers=await api_headers(sellerless))
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == [
        {"field": "file", "message": "no seller entity has a settlement account: nothing can be paid into it"}]
    assert await bank_payments(tenant) == 0 and await bank_payments(sellerless) == 0


async def test_a_malformed_file_names_the_line_and_changes_nothing(client, bank_tenant, invoice, api_headers):
    tenant = await bank_tenant()
    a = await fabrika(tenant)
    first = await invoice(tenant, a, "1200.00")
    data = statement({"Сумма": "1200.00", "ПлательщикИНН": "7708305901",
                      "НазначениеПлатежа": f"Оплата по счету № {first.number}"},
                     {"Сумма": "12,50", "ПлательщикИНН": "7708305901"})
    response = await client.post(api(tenant), content=data, headers=await api_headers(tenant))
    assert response.status_code == 422
    message = "Сумма: '12,50' is not an amount (digits with a decimal point)"
    assert response.json()["error"] == {"code": "invalid", "message": f"line 24: {message}",
                                        "fields": [{"field": "file", "line": 24, "message": message}]}
    assert await bank_payments(tenant) == 0 and await status_of(tenant, first.id) == "posted"
    assert await audit.events(tenant.actor, object_type="bank_statement") == []
    empty = await client.post(api(tenant), content=b"", headers=await api_headers(tenant))
    assert empty.status_code == 422 and empty.json()["error"]["fields"][0]["field"] == "file"


async def test_only_finance_roles_import(client, bank_tenant, api_headers):
    tenant = await bank_tenant()
    await fabrika(tenant)
    data = statement({"Сумма": "100.00", "ПлательщикИНН": "7708305901"})
    viewer = await client.post(api(tenant), content=data, headers=await api_headers(tenant, role="viewer"))
    assert viewer.status_code == 403 and await bank_payments(tenant) == 0
    assert (await client.post(api(tenant), content=data)).status_code == 401
    accountant = await client.post(api(tenant), content=data, headers=await api_headers(tenant, role="accountant"))
    assert accountant.status_code == 200 and accountant.json()["applied"] == 1


async def test_another_tenant_cannot_see_or_affect_the_import(client, bank_tenant, invoice, api_headers):
    ours = await bank_tenant()
    a = await fabrika(ours)
    first = await invoice(ours, a, "1200.00")
    theirs = await bank_tenant()  # even with the same settlement account
    data = statement({"Сумма": "1200.00", "ПлательщикИНН": "7708305901",
                      "НазначениеПлатежа": f"Оплата по счету № {first.number}"})
    their_headers = await api_headers(theirs)
    assert (await client.post(api(ours), content=data, headers=their_headers)).status_code == 404
    assert await bank_payments(ours) == 0 and await status_of(ours, first.id) == "posted"

    # In their own tenant the same file knows none of our clients or invoices.
    report = (await client.post(api(theirs), content=data, headers=their_headers)).json()
    assert [(o["outcome"], o["reason"]) for o in report["outcomes"]] == [
        ("queued", f"invoice {first.number} not found; payer INN 7708305901 matches no client")]
    assert await status_of(ours, first.id) == "posted" and await bank_payments(ours) == 0

    # Ours is applied, not taken for a duplicate of theirs; they see only their payment.
    report = (await client.post(api(ours), content=data, headers=await api_headers(ours))).json()
    assert (report["applied"], report["duplicates"]) == (1, 0) and await status_of(ours, first.id) == "paid"
    assert [p.status for p in await payments.search(theirs.actor, provider="bank")] == ["queued"]

    await signed_in(client, theirs)
    assert (await client.get(page(ours))).status_code == 404
    assert (await client.get(page(theirs))).status_code == 200


async def test_a_tenant_without_the_plugin_gets_404(client, make_tenant, plugin_registry, api_headers):
    tenant = await make_tenant()
    headers = await api_headers(tenant)
    data = statement({"Сумма": "100.00"})
    assert (await client.post(api(tenant), content=data, headers=headers)).status_code == 404
    await plugins.configure(tenant.actor, plugin_registry, "bank_statement", enabled=True)
    await plugins.configure(tenant.actor, plugin_registry, "bank_statement", enabled=False)
    assert (await client.post(api(tenant), content=data, headers=headers)).status_code == 404
    await signed_in(client, tenant)
    assert (await client.get(page(tenant))).status_code == 404
    assert (await client.get("/p/no-such-tenant/bank_statement/")).status_code == 404
    assert await bank_payments(tenant) == 0


async def test_the_upload_page_shows_the_report(client, bank_tenant, invoice):
    tenant = await bank_tenant()
    a = await fabrika(tenant)
    first = await invoice(tenant, a, "1200.00")
    data = statement({"Сумма": "1200.00", "ПлательщикИНН": "7708305901",
                      "НазначениеПлатежа": f"Оплата по счету № {first.number}"},
                     {"Сумма": "300.00", "ПлательщикИНН": "7728168971"}, encoding="utf-8", newline="\n")
    anonymous = await client.get(page(tenant), follow_redirects=False)
    assert anonymous.headers["location"] == f"/login?next={page(tenant)}"

    csrf = await signed_in(client, tenant)
    form = await client.get(page(tenant))
    assert form.status_code == 200
    assert "Банковская выписка" in form.text and 'name="file"' in form.text and f'value="{csrf}"' in form.text
    upload = {"file": ("выписка.txt", data, "text/plain")}
    assert (await client.post(page(tenant), files=upload)).status_code == 403  # no CSRF token
    assert await bank_payments(tenant) == 0

    shown = await client.post(page(tenant), data={"_csrf": csrf}, files=upload)
    assert shown.status_code == 200, shown.text
    for fact in ('id="count-documents">2<', 'id="count-applied">1<', 'id="count-queued">1<',
                 'id="count-duplicates">0<', "выписка.txt", "Зачислен", "В очереди",
                 "payer INN 7728168971 matches no client"):
        assert fact in shown.text, fact
    assert await status_of(tenant, first.id) == "paid"

    broken = await client.post(page(tenant), data={"_csrf": csrf},
                               files={"file": ("x.txt", data.replace(b"\n\xd0\x9a\xd0\xbe\xd0\xbd\xd0\xb5\xd1\x86"
                                                                     b"\xd0\xa4\xd0\xb0\xd0\xb9\xd0\xbb\xd0\xb0", b""),
                                               "text/plain")})
    assert broken.status_code == 422
    assert "Файл не принят, ничего не изменено." in broken.text and "the file ends without" in broken.text
    english = await client.get(page(tenant), params={"lang": "en"})
    assert "Bank statement" in english.text and "Upload a statement" in english.text


def _saldo(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SALDO_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-c", "from core.cli.main import cli; cli()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


async def test_the_cli_imports_once_and_reports(saldo_db, bank_tenant, make_tenant, invoice, tmp_path):
    tenant = await bank_tenant()
    a = await fabrika(tenant)
    first = await invoice(tenant, a, "1200.00")
    path = tmp_path / "kl_to_1c.txt"
    path.write_bytes(statement({"Сумма": "1200.00", "ПлательщикИНН": "7708305901",
                                "НазначениеПлатежа": f"Оплата по счету № {first.number}"},
                               {"Сумма": "300.00", "ПлательщикИНН": "7728168971"},
                               {"Сумма": "90.00", "ПолучательСчет": "40702810000000000888"}))
    done = _saldo(saldo_db, "bank-statement", "import", "--tenant", tenant.slug, str(path))
    assert done.returncode == 0, done.stderr
    (applied,) = [p.id for p in await payments.search(tenant.actor, status="succeeded")]
    (queued,) = [p.id for p in await payments.queued(tenant.actor)]
    assert done.stdout.splitlines() == [
        f"line 8: №101 of 2026-04-01, 1200.00, applied as payment {applied}",
        f"line 18: №102 of 2026-04-01, 300.00, queued as payment {queued}: payer INN 7728168971 matches no client",
        "3 documents: 1 applied, 1 queued, 0 imported before, 1 skipped."]
    assert "Importing kl_to_1c.txt" in done.stderr
    again = _saldo(saldo_db, "bank-statement", "import", "--tenant", tenant.slug, str(path))
    assert again.stdout.splitlines()[-1] == "3 documents: 0 applied, 0 queued, 2 imported before, 1 skipped."
    assert await balance(tenant, a.id) == Money.of("0.00")

    broken = tmp_path / "broken.txt"
    broken.write_bytes(path.read_bytes().replace("Сумма=300.00".encode("cp1251"), "Сумма=3OO".encode("cp1251")))
    refused = _saldo(saldo_db, "bank-statement", "import", "--tenant", tenant.slug, str(broken))
    assert refused.returncode == 1 and "line 24: Сумма: '3OO' is not an amount" in refused.stderr
    assert "Traceback" not in refused.stderr
    other = await make_tenant()
    off = _saldo(saldo_db, "bank-statement", "import", "--tenant", other.slug, str(path))
    assert off.returncode == 1 and "the bank_statement plugin is not enabled for this tenant" in off.stderr
    assert await bank_payments(tenant) == 2 and await bank_payments(other) == 0


def test_the_page_has_every_text_in_both_languages():
    assert RU.keys() == EN.keys() and all(RU.values()) and all(EN.values())

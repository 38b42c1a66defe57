"""CSV import in the admin UI: a dry run by default reporting every problem by row and column,
then the checked file applied whole; the column reference of each kind."""

from __future__ import annotations

import base64
import re
from datetime import date

from core.db.tables import AuditEvent, Client, Subscription
from web.i18n import RU
from web.ui.imports import CLIENT_COLUMNS, SUBSCRIPTION_COLUMNS

from tests.web.billing_pages import access_product, customer, on_day, signed_in, staff

CLIENTS = (
    "type;company_name;last_name;first_name;email;inn;kpp;no_late_fees\n"
    "legal;ООО «Ромашка»;;;info@romashka.ru;7707083893;773601001;да\n"
    "individual;;Иванов;Иван;ivanov@mail.ru;;;нет\n"
)
SUBSCRIPTIONS = (
    "client_email;product_code;cycle;quantity;start_date;status\n"
    "buh@fabrika.ru;access-std;semiannual;5;2019-02-01;active\n"
    "nobody@x.ru;access-std;semiannual;1;;\n"
    "buh@fabrika.ru;no-such;monthly;1;;\n"
    "buh@fabrika.ru;access-std;weekly;1;;\n"
)
CONTENT = re.compile(r'name="content" value="([^"]+)"')


async def count(table, tenant) -> int:
    return await table.count().where(table.tenant == tenant.id)


def upload(csrf: str, kind: str, data: str | bytes, *, dry_run: bool = True):
    """The multipart form of the upload."""
    fields = {"_csrf": csrf, "kind": kind} | ({"dry_run": "1"} if dry_run else {})
    raw = data.encode() if isinstance(data, str) else data
    return {"data": fields, "files": {"file": ("import.csv", raw, "text/csv")}}


def test_the_column_reference_is_labelled_in_both_languages():
    for _column, label, hint in (*CLIENT_COLUMNS, *SUBSCRIPTION_COLUMNS):
        assert label in RU, label
        assert not hint or hint in RU, hint


async def test_a_dry_run_reports_every_problem_by_row_and_column(client, make_tenant):
    tenant = await make_tenant()
    await access_product(tenant)
    await customer(tenant)
    await on_day(tenant, date(2019, 2, 1))
    csrf = await signed_in(client, tenant)
    try:
        page = (await client.get("/import")).text
        assert "Справочник колонок" in page and "client_email" in page and "no_late_fees" in page
        assert 'name="dry_run" value="1" checked' in page  # a dry run unless unticked
        audit = await count(AuditEvent, tenant)
        report = await client.post("/import", **upload(csrf, "subscriptions", SUBSCRIPTIONS))
        assert report.status_code == 422
        rows = re.findall(r"<tr><td>(\d+)</td><td><code>([^<]*)</code></td><td>([^<]*)</td></tr>", report.text)
        assert [(row, column) for row, column, _ in rows] == [("3", "client_email"), ("4", "product_code"),
                                                             ("5", "cycle")]
        assert rows[0][2] == "нет клиента с такой почтой" and rows[1][2] == "нет продукта с таким кодом"
        assert "Найдено проблем: 3" in report.text and 'id="import-apply"' not in report.text
        assert await count(Subscription, tenant) == 0 and await count(AuditEvent, tenant) == audit
        header = await client.post("/import", **upload(csrf, "subscriptions", "client_email;colour\nx@y.ru;red\n"))
        assert header.status_code == 422
        assert "неизвестная колонка" in header.text and "нет обязательной колонки" in header.text
    finally:
        client.cookies.clear()


async def test_a_clean_dry_run_is_then_applied_whole(client, make_tenant):
    tenant = await make_tenant()
    csrf = await signed_in(client, tenant)
    try:
        checked = await client.post("/import", **upload(csrf, "clients", CLIENTS.encode("cp1251")))
        assert checked.status_code == 200
        assert "Ошибок нет: строк 2, будет создано 2." in checked.text and 'id="import-apply"' in checked.text
        assert await count(Client, tenant) == 0
        carried = CONTENT.search(checked.text).group(1)
        assert base64.b64decode(carried) == CLIENTS.encode("cp1251")
        applied = await client.post("/import", data={"_csrf": csrf, "kind": "clients", "content": carried},
                                    files={"file": ("", b"", "application/octet-stream")})
        assert applied.status_code == 200 and "Загружено: создано 2." in applied.text
        emails = await Client.select(Client.email).where(Client.tenant == tenant.id).order_by(Client.id)
        assert [r["email"] for r in emails] == ["info@romashka.ru", "ivanov@mail.ru"]
        again = await client.post("/import", **upload(csrf, "clients", CLIENTS, dry_run=False))
        assert again.status_code == 422 and "эта почта уже у другого клиента" in again.text
        assert "Ничего не загружено" in again.text and await count(Client, tenant) == 2
    finally:
        client.cookies.clear()


async def test_the_upload_form_needs_a_file_and_a_role_that_may_import(client, make_tenant):
    tenant = await make_tenant()
    viewer = await staff(tenant, "viewer")
    csrf = await signed_in(client, tenant)
    try:
        missing = await client.post("/import", data={"_csrf": csrf, "kind": "clients", "dry_run": "1"},
                                    files={"file": ("", b"", "application/octet-stream")})
        assert missing.status_code == 422 and 'id="file-error"' in missing.text and "выберите файл" in missing.text
        empty = await client.post("/import", **upload(csrf, "clients", "   \n"))
        assert empty.status_code == 422 and "файл пустой" in empty.text
        client.cookies.clear()
        csrf = await signed_in(client, tenant, viewer.email)
        page = (await client.get("/import")).text
        assert 'id="import-upload"' not in page and "Справочник колонок" in page
        refused = await client.post("/import", **upload(csrf, "clients", CLIENTS, dry_run=False))
        assert refused.status_code == 403 and await count(Client, tenant) == 0
    finally:
        client.cookies.clear()

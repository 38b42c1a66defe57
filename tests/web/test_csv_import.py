"""CSV import of clients and subscriptions: dry run, row-and-field problems, all or nothing."""

from datetime import date

from core.db.tables import AuditEvent, Client, Subscription
from core.domain.csv_rows import read_rows
from core.services import csv_import, tenants

from tests.web.test_subscriptions import product

CLIENTS = (
    "type;company_name;last_name;first_name;email;inn;kpp;no_late_fees\n"
    "legal;ООО «Ромашка»;;;info@romashka.ru;7707083893;773601001;да\n"
    "individual;;Иванов;Иван;ivanov@mail.ru;;;нет\n"
)


async def count(table, tenant):
    return await table.count().where(table.tenant == tenant.id)


def test_reader_accepts_windows_1251_commas_and_blank_lines():
    data = "type,email\r\nlegal,a@b.ru\r\n\r\nindividual,c@d.ru\r\n".encode("cp1251")
    header, rows = read_rows(data)
    assert header == ["type", "email"]
    assert [(r.number, r.values["email"]) for r in rows] == [(2, "a@b.ru"), (4, "c@d.ru")]


async def test_dry_run_reports_and_changes_nothing_then_a_real_run_applies(make_tenant):
    tenant = await make_tenant()
    audit_before = await count(AuditEvent, tenant)
    dry = await csv_import.import_clients(tenant.actor, CLIENTS.encode(), dry_run=True)
    assert dry.public() | {"created": []} == {"kind": "clients", "dry_run": True, "rows": 2, "applied": False,
                                              "created": [], "would_create": 2, "problems": []}
    assert await count(Client, tenant) == 0 and await count(AuditEvent, tenant) == audit_before
    real = await csv_import.import_clients(tenant.actor, CLIENTS.encode(), dry_run=False)
    assert real.applied and len(real.created) == 2
    rows = await Client.select(Client.email, Client.no_late_fees).where(Client.tenant == tenant.id).order_by(Client.id)
    assert rows == [{"email": "info@romashka.ru", "no_late_fees": True},
                    {"email": "ivanov@mail.ru", "no_late_fees": False}]


async def test_every_bad_row_is_reported_and_nothing_is_applied(make_tenant):
    tenant = await make_tenant()
    data = (
        "type;company_name;last_name;email;inn;kpp;tax_exempt\n"
        "legal;ООО «Альфа»;;alfa@x.ru;7707083893;773601001;нет\n"
        "legal;ООО «Бета»;;beta@x.ru;7707083894;773601001;нет\n"
        "individual;;Петров;petrov@x.ru;;773601001;нет\n"
        "legal;ООО «Гамма»;;ALFA@x.ru;7709983032;770901001;может быть\n"
        "legal;ООО «Дельта»;;alfa@x.ru;7709983032;770901001;нет\n"
    ).encode()
    report = await csv_import.import_clients(tenant.actor, data, dry_run=False)
    assert not report.applied
    assert [(p.row, p.field) for p in report.problems] == [(3, "inn"), (4, "kpp"), (5, "tax_exempt"), (6, "email")]
    assert await count(Client, tenant) == 0


async def test_malformed_files_name_the_row(make_tenant):
    tenant = await make_tenant()
    too_many = await csv_import.import_clients(tenant.actor, b"type;email\nlegal;a@b.ru;extra\n", dry_run=True)
    assert [(p.row, p.message) for p in too_many.problems] == [(2, "3 values for 2 columns")]
    empty = await csv_import.import_clients(tenant.actor, b"  ", dry_run=True)
    assert empty.problems[0].message == "the file is empty"
    binary = await csv_import.import_clients(tenant.actor, b"\xff\xfe\x00\x81", dry_run=True)
    assert binary.problems[0].message == "the file is not text (it has NUL bytes)"
    header_only = await csv_import.import_clients(tenant.actor, b"type;email\n", dry_run=True)
    assert [(p.row, p.message) for p in header_only.problems] == [(2, "the file has a header but no rows")]
    assert await count(Client, tenant) == 0


async def test_subscriptions_import_with_options_and_activation(make_tenant):
    tenant = await make_tenant()
    await csv_import.import_clients(tenant.actor, CLIENTS.encode(), dry_run=False)
    await product(tenant, "Хостинг", {"monthly": "300"}, code="hosting", options={"disk5": ("monthly", "60")})
    await tenants.set_clock(tenant.actor, mode="simulated", on=date(2026, 3, 10))
    data = (
        "client_email,product_code,cycle,quantity,start_date,status,option:disk5\n"
        "info@romashka.ru,hosting,monthly,1,2026-03-01,active,2\n"
        "ivanov@mail.ru,hosting,monthly,1,,,\n"
    ).encode()
    report = await csv_import.import_subscriptions(tenant.actor, data, dry_run=False)
    assert report.applied, report.public()
    rows = await Subscription.select(Subscription.status, Subscription.period_end).where(
        Subscription.tenant == tenant.id).order_by(Subscription.id)
    assert rows == [{"status": "active", "period_end": date(2026, 3, 31)}, {"status": "ordered", "period_end": None}]
    again = await csv_import.import_subscriptions(tenant.actor, data, dry_run=True)
    assert [(p.row, p.field) for p in again.problems] == [(2, "product_id"), (3, "product_id")]


async def test_subscriptions_import_checks_columns_and_references(make_tenant):
    tenant = await make_tenant()
    bad_header = await csv_import.import_subscriptions(tenant.actor, b"client_email;colour\nx@y.ru;red\n",
                                                       dry_run=True)
    assert {(p.row, p.field) for p in bad_header.problems} == {(1, "colour"), (1, "product_code"), (1, "cycle")}
    unknown = await csv_import.import_subscriptions(
        tenant.actor, b"client_email;product_code;cycle\nnobody@y.ru;vps;monthly\n", dry_run=True)
    assert [(p.row, p.field) for p in unknown.problems] == [(2, "client_email")]

from datetime import date

from core.domain.exchange import (
    Exporter,
    ExportFile,
    ExportRequest,
    Importer,
    ImportProblem,
    ImportReport,
    ImportRequest,
)
from core.domain.money import Money
from core.domain.payments import AppliedPayment
from core.plugins.extensions import instantiate


class PaymentsCsv(Exporter):
    plugin_id, code, name = "csv_export", "payments_csv", "Payments (CSV)"

    async def export(self, request):
        rows = ["id;date;amount"]
        async for payment in request.payments:
            rows.append(f"{payment.id};{payment.received_on};{payment.amount.amount}")
        return ExportFile(f"payments-{request.period_start:%Y-%m}.csv", "text/csv", "\n".join(rows).encode())


class ClientsCsv(Importer):
    plugin_id, code, name = "csv_import", "clients_csv", "Clients (CSV)"
    accepts_upload = True

    async def run(self, request):
        lines = request.upload.decode().splitlines()[1:]
        problems = tuple(ImportProblem(f"line {n}", "no INN")
                         for n, line in enumerate(lines, 2) if not line.split(";")[1])
        return ImportReport({"clients.added": len(lines) - len(problems), "clients.rejected": len(problems)},
                            problems, dry_run=request.dry_run)


async def stream(*items):
    for item in items:
        yield item


async def test_hook_saldo_exporters_are_collected_and_export_a_file(plugin_registry, plugin, tenant_context):
    plugin("csv_export", saldo_exporters=lambda: [PaymentsCsv])
    plugin("other", saldo_exporters=lambda: [PaymentsCsv])
    results = plugin_registry.for_tenant({"csv_export"}).hook.saldo_exporters()
    assert results == [[PaymentsCsv]]
    (exporter,) = instantiate(results, tenant_context(), Exporter)
    payment = AppliedPayment(1, 42, 420, Money.of("99.90"), date(2026, 3, 3), "cards", "ext-1")
    file = await exporter.export(ExportRequest(date(2026, 3, 1), date(2026, 3, 31), stream(), stream(payment)))
    assert file == ExportFile("payments-2026-03.csv", "text/csv", b"id;date;amount\n1;2026-03-03;99.90")


async def test_hook_saldo_importers_are_collected_and_report_per_record(plugin_registry, plugin, tenant_context):
    plugin("csv_import", saldo_importers=lambda: [ClientsCsv])
    results = plugin_registry.for_tenant({"csv_import"}).hook.saldo_importers()
    assert results == [[ClientsCsv]]
    assert plugin_registry.for_tenant(set()).hook.saldo_importers() == []
    (importer,) = instantiate(results, tenant_context(), Importer)
    report = await importer.run(ImportRequest(dry_run=True, upload="name;inn\nОблако;7701234567\nИванов;\n".encode()))
    assert report == ImportReport({"clients.added": 1, "clients.rejected": 1}, (ImportProblem("line 3", "no INN"),),
                                  dry_run=True)

"""CSV import of clients and of subscriptions. Every row goes through the same services
as a manager's input; problems are reported by row and field; a real run applies all
rows or none, and a dry run applies nothing but reports exactly what a real run would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Awaitable, Callable

from core.db.queries import clients as clients_q
from core.db.queries import catalog as catalog_q
from core.db.transaction import atomic
from core.domain.clients import FLAGS, normalize_email
from core.domain.csv_rows import CsvError, CsvRow, flag, read_rows
from core.services import clients, subscriptions
from core.services.actor import Actor
from core.services.errors import InvalidInput, ServiceError

CUSTOM_PREFIX = "cf:"
OPTION_PREFIX = "option:"
SUBSCRIPTION_COLUMNS = {"client_email", "product_code", "cycle", "quantity", "price_override", "billing_day",
                        "start_date", "status"}


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    message: str

    def public(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: int = 0
    created: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.problems

    def public(self) -> dict:
        return {"kind": self.kind, "dry_run": self.dry_run, "rows": self.rows, "applied": self.applied,
                "created": self.created if self.applied else [], "would_create": len(self.created),
                "problems": [p.public() for p in self.problems]}


class _Undo(Exception):
    """Raised to roll the import's transaction back."""


async def _run(report: ImportReport, rows: list[CsvRow], apply_row: Callable[[CsvRow], Awaitable[int]],
               progress: Callable[[int, int], None] | None) -> ImportReport:
    report.rows = len(rows)
    try:
        async with atomic():
            for done, row in enumerate(rows, start=1):
                try:
                    report.created.append(await apply_row(row))
                except ServiceError as exc:
                    report.problems += [Problem(row.number, f["field"], f["message"]) for f in exc.fields] or [
                        Problem(row.number, "", exc.message)]
                if progress:
                    progress(done, len(rows))
            if report.problems or report.dry_run:
                raise _Undo
    except _Undo:
        pass
    return report


def _parse(kind: str, data: bytes, dry_run: bool) -> tuple[ImportReport, list[str], list[CsvRow]]:
    report = ImportReport(kind, dry_run)
    try:
        header, rows = read_rows(data)
    except CsvError as exc:
        report.problems.append(Problem(exc.row, "", str(exc)))
        return report, [], []
    return report, header, rows


def _client_values(row: CsvRow) -> dict:
    values: dict = {}
    custom: dict = {}
    problems = []
    for name, value in row.values.items():
        if name.startswith(CUSTOM_PREFIX):
            custom[name[len(CUSTOM_PREFIX):]] = value or None
        elif name in FLAGS:
            try:
                values[name] = flag(value)
            except ValueError as exc:
                problems.append({"field": name, "message": str(exc)})
        elif value:
            values[name] = value
    if problems:
        raise InvalidInput(problems[0]["message"], problems)
    return values | ({"custom_fields": custom} if custom else {})


async def import_clients(actor: Actor, data: bytes, *, dry_run: bool,
                         progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Columns are client fields (``type``, ``company_name``, ``email``, ``inn``…), the flags
    as yes/no, and ``cf:<code>`` for custom fields."""
    report, _header, rows = _parse("clients", data, dry_run)
    if report.problems:
        return report

    async def apply_row(row: CsvRow) -> int:
        return (await clients.create(actor, **_client_values(row))).id

    return await _run(report, rows, apply_row, progress)


async def import_subscriptions(actor: Actor, data: bytes, *, dry_run: bool,
                               progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Columns: ``client_email``, ``product_code``, ``cycle``, ``quantity``, ``price_override``,
    ``billing_day``, ``start_date`` (YYYY-MM-DD), ``status`` (ordered by default; active starts
    the first period) and ``option:<code>`` quantities."""
    report, header, rows = _parse("subscriptions", data, dry_run)
    unknown = [c for c in header if c not in SUBSCRIPTION_COLUMNS and not c.startswith(OPTION_PREFIX)]
    if unknown:
        report.problems += [Problem(1, c, "unknown column") for c in unknown]
    missing = {"client_email", "product_code", "cycle"} - set(header)
    report.problems += [Problem(1, c, "required column is missing") for c in sorted(missing)]
    if report.problems:
        return report

    async def apply_row(row: CsvRow) -> int:
        v = row.values
        client = await clients_q.by_email(actor.tenant_id, normalize_email(v["client_email"]))
        if client is None:
            raise InvalidInput.field("client_email", f"no client with e-mail {v['client_email']!r}")
        product = await catalog_q.product_by_code(actor.tenant_id, v["product_code"])
        if product is None:
            raise InvalidInput.field("product_code", f"no product with code {v['product_code']!r}")
        try:
            start = date.fromisoformat(v["start_date"]) if v.get("start_date") else None
            billing_day = int(v["billing_day"]) if v.get("billing_day") else 1
            options = {c[len(OPTION_PREFIX):]: int(q) for c, q in v.items() if c.startswith(OPTION_PREFIX) and q}
        except ValueError as exc:
            raise InvalidInput.field("start_date/billing_day/options", str(exc)) from None
        created = await subscriptions.create(
            actor, client_id=client.id, product_id=product.id, cycle=v["cycle"], quantity=v.get("quantity") or "1",
            options=options, price_override=v.get("price_override") or None, billing_day=billing_day,
            start_date=start)
        if v.get("status") and v["status"] != "ordered":
            await subscriptions.change_status(actor, created.id, v["status"], "CSV import")
        return created.id

    return await _run(report, rows, apply_row, progress)

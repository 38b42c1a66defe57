"""CSV import of clients and of subscriptions («Импорт»).

A file is checked first: the dry run (the default) goes through every row exactly as the
real run would and reports every problem by row and column, changing nothing. A clean dry
run offers to apply the same file, which the page carries along (base64 in a hidden field),
so nothing is kept on the server in between. A real run applies every row or none.
"""

from __future__ import annotations

import base64
import binascii

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.clients import FLAGS, TEXT_FIELDS
from core.domain.roles import MANAGE_BILLING
from core.services import csv_import, custom_fields
from core.services.csv_import import ImportReport
from web.principal import Principal
from web.ui.forms import rewrite
from web.ui.render import page

KINDS = ("clients", "subscriptions")
MAX_BYTES = 8 * 1024 * 1024

# (column, label key, hint key): what each kind of file may have.
CLIENT_COLUMNS = (
    ("type", "clients.type", "import.hint_type"),
    *((name, f"clients.{name}", "import.hint_required" if name == "email" else "") for name in TEXT_FIELDS),
    ("status", "common.status", "import.hint_status"),
    ("credit_limit", "clients.credit_limit", "import.hint_amount"),
    *((name, f"clients.{name}", "import.hint_flag") for name in FLAGS),
)
SUBSCRIPTION_COLUMNS = (
    ("client_email", "import.col_client_email", "import.hint_required"),
    ("product_code", "import.col_product_code", "import.hint_required"),
    ("cycle", "subscriptions.cycle", "import.hint_cycle"),
    ("quantity", "subscriptions.quantity", "import.hint_quantity"),
    ("price_override", "subscriptions.price_override", "import.hint_price"),
    ("billing_day", "subscriptions.billing_day", "import.hint_billing_day"),
    ("start_date", "subscriptions.start_date", "import.hint_date"),
    ("status", "common.status", "import.hint_sub_status"),
)


async def _import_page(request: Request, principal: Principal, *, kind: str = "clients", dry_run: bool = True,
                       report: ImportReport | None = None, content: str = "", errors: dict | None = None,
                       filename: str = "", status_code: int = 200) -> Template:
    fields = await custom_fields.list_fields(principal.actor)
    problems = [{"row": p.row, "field": p.field, "message": rewrite(p.message)} for p in report.problems] \
        if report else []
    return await page(
        request, principal, "import.html", active="import", status_code=status_code, kinds=KINDS, kind=kind,
        dry_run=dry_run, report=report, problems=problems, content=content, errors=errors or {}, filename=filename,
        client_columns=CLIENT_COLUMNS, subscription_columns=SUBSCRIPTION_COLUMNS,
        custom_columns=[(f"{csv_import.CUSTOM_PREFIX}{f.code}", f.label) for f in fields],
        can_import=principal.actor.can(MANAGE_BILLING),
    )


async def _file(form) -> tuple[bytes | None, str, dict]:
    """The uploaded file's bytes (or those carried from the dry run), its name, and errors."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None, upload.filename, {"file": "the file is larger than 8 MB"}
        return data, upload.filename, {}
    carried = form.get("content")
    if isinstance(carried, str) and carried:
        try:
            return base64.b64decode(carried, validate=True), form.get("filename") or "", {}
        except (binascii.Error, ValueError):
            pass
    return None, "", {"file": "choose a file"}


class ImportPages(Controller):
    path = "/import"

    @get("/")
    async def index(self, request: Request, principal: Principal, kind: str = "clients") -> Template:
        return await _import_page(request, principal, kind=kind if kind in KINDS else "clients")

    @post("/", request_max_body_size=2 * MAX_BYTES)
    async def run(self, request: Request, principal: Principal) -> Template:
        """Check (``dry_run``) or apply a file; the report lists every problem by row and column."""
        principal.actor.require(MANAGE_BILLING)
        form = await request.form()
        kind = form.get("kind") if form.get("kind") in KINDS else ""
        dry_run = bool(form.get("dry_run"))
        data, filename, errors = await _file(form)
        if not kind:
            errors["kind"] = "must be chosen from the list"
        if errors:
            return await _import_page(request, principal, kind=kind or "clients", dry_run=dry_run, errors=errors,
                                      status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        run = csv_import.import_clients if kind == "clients" else csv_import.import_subscriptions
        report = await run(principal.actor, data, dry_run=dry_run)
        carried = base64.b64encode(data).decode("ascii") if report.dry_run and not report.problems else ""
        return await _import_page(request, principal, kind=kind, dry_run=dry_run, report=report, content=carried,
                                  filename=filename,
                                  status_code=HTTP_422_UNPROCESSABLE_ENTITY if report.problems else 200)

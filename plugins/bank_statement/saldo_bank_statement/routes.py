"""The upload page and the API, under ``/p/{tenant_slug}/bank_statement/``.

Plugin routes come with the tenant of the URL but no login, so these handlers ask for the
caller like the admin UI and the API do (``web.principal``: a session cookie with its CSRF
token, or an API key) and answer 404 when the caller belongs to another tenant.

- ``GET  /``: the upload page (a login session; without one, the login page).
- ``POST /``: the page's form (multipart, ``file`` and ``_csrf``): the report on the page.
- ``POST /statements``: the API; the file as a multipart ``file`` field or as the raw
  body (``?filename=`` names it); answers the report as JSON, or 422 naming the line.
"""

from __future__ import annotations

from importlib.resources import files

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_422_UNPROCESSABLE_ENTITY

from core.domain.roles import MANAGE_FINANCE
from core.plugins.context import TenantContext
from core.plugins.manager import PluginRegistry
from core.services.errors import InvalidInput
from web.deps import provide_registry
from web.principal import Principal, principal_of, provide_principal
from web.ui.render import page

from saldo_bank_statement.service import MAX_BYTES, StatementReport, import_statement
from saldo_bank_statement.texts import TEXTS

TEMPLATE = files("saldo_bank_statement").joinpath("templates/upload.html").read_text("utf-8")
BODY_LIMIT = MAX_BYTES + 64 * 1024  # the file and the multipart framing around it


def _same_tenant(principal: Principal, tenant: TenantContext) -> Principal:
    if principal.actor.tenant_id != tenant.id:
        raise NotFoundException()
    return principal


async def _page(request: Request, principal: Principal, tenant: TenantContext, *,
                report: StatementReport | None = None, error: str = "", status_code: int = HTTP_200_OK) -> Template:
    """The page inside the admin layout (``page`` gives the frame: tenant, user, language, CSRF)."""
    frame = await page(request, principal, "layout.html", status_code=status_code, texts=TEXTS, report=report,
                       error=error, can_import=principal.actor.can(MANAGE_FINANCE),
                       upload_path=f"/p/{tenant.slug}/bank_statement")
    return Template(template_str=TEMPLATE, context=frame.context, status_code=frame.status_code,
                    cookies=frame.cookies, headers=frame.headers)


async def _upload(request: Request) -> tuple[bytes, str]:
    """The file of a multipart form (``file``) or the raw body, and its name."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput.field("file", "choose a file")
        return await upload.read(), upload.filename or ""
    body = await request.body()
    if not body:
        raise InvalidInput.field("file", "send the statement as the request body or a multipart file field")
    return body, request.query_params.get("filename", "")


class StatementRoutes(Controller):
    path = "/"
    dependencies = {"registry": Provide(provide_registry, sync_to_thread=False)}

    @get("/", include_in_schema=False)
    async def upload_page(self, request: Request, tenant: TenantContext) -> Template | Redirect:
        principal = await principal_of(request)
        if principal is None:
            return Redirect(f"/login?next={request.url.path}")
        return await _page(request, _same_tenant(principal, tenant), tenant)

    @post("/", include_in_schema=False, dependencies={"principal": Provide(provide_principal)},
          request_max_body_size=BODY_LIMIT)
    async def upload_form(self, request: Request, principal: Principal, tenant: TenantContext,
                          registry: PluginRegistry) -> Template:
        _same_tenant(principal, tenant)
        try:
            content, filename = await _upload(request)
            report = await import_statement(principal.actor, registry, content, filename=filename)
        except InvalidInput as exc:
            return await _page(request, principal, tenant, error=exc.message,
                               status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return await _page(request, principal, tenant, report=report)

    @post("/statements", status_code=HTTP_200_OK, dependencies={"principal": Provide(provide_principal)},
          request_max_body_size=BODY_LIMIT)
    async def upload_api(self, request: Request, principal: Principal, tenant: TenantContext,
                         registry: PluginRegistry) -> dict:
        """Import a 1CClientBankExchange statement; the report of every document."""
        _same_tenant(principal, tenant)
        content, filename = await _upload(request)
        report = await import_statement(principal.actor, registry, content, filename=filename)
        return report.public()

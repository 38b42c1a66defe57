"""«Шаблоны документов»: the document and e-mail templates with whether the tenant changed
them, and an editor per template: the source, a live preview (rendered as the manager types,
with a chosen document or the latest one) and the variables templates can use.

Saving and resetting go through ``core.services.document_templates``, which checks the role
and refuses a template that does not parse, naming its line.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_422_UNPROCESSABLE_ENTITY
from markupsafe import escape

from core.domain.roles import MANAGE_TENANT
from core.plugins.manager import PluginRegistry
from core.services import document_render, document_templates, documents, tenants
from core.services.documents import DocumentFilter
from core.services.errors import InvalidInput
from web.i18n import error_text, request_language, translate
from web.i18n_documents import VARIABLES_RU, explain
from web.principal import Principal
from web.ui.documents import LABELS
from web.ui.forms import errors_of
from web.ui.render import form_data, page, redirect

CHOICES = 20  # documents offered for the preview


async def _documents_for(principal: Principal, name: str) -> list:
    """The latest documents the template renders (any document for an e-mail template)."""
    if name in document_render.MAIL_TEMPLATES:
        return await documents.search(principal.actor, DocumentFilter(), limit=CHOICES)
    kind = "tax_invoice" if name == "upd" else name
    found = await documents.search(principal.actor, DocumentFilter(type=kind), limit=CHOICES * 3)
    return [d for d in found if document_render.template_name(d) == name][:CHOICES]


async def _editor(request: Request, principal: Principal, name: str, *, source: str | None = None,
                  error: str = "", status_code: int = 200) -> Template:
    actor = principal.actor
    listed = {t["name"]: t for t in await document_templates.listing(actor)}
    current = await document_templates.source(actor, name)  # NotFound for an unknown template
    return await page(
        request, principal, "document_template.html", active="documents", status_code=status_code,
        name=name, entry=listed[name], source=current if source is None else source,
        error=explain(error) if error else None, preview_documents=await _documents_for(principal, name),
        variables=document_templates.VARIABLES, variables_ru=VARIABLES_RU, can_edit=actor.can(MANAGE_TENANT),
        **LABELS,
    )


def _message(exc: InvalidInput) -> str:
    return next(iter(errors_of(exc).values()), exc.message)


class DocumentTemplatePages(Controller):
    path = "/documents/templates"

    @get("/")
    async def index(self, request: Request, principal: Principal) -> Template:
        return await page(request, principal, "document_templates.html", active="documents",
                          templates=await document_templates.listing(principal.actor),
                          can_edit=principal.actor.can(MANAGE_TENANT))

    @get("/{name:str}")
    async def edit(self, request: Request, principal: Principal, name: str) -> Template:
        return await _editor(request, principal, name)

    @post("/{name:str}")
    async def save(self, request: Request, principal: Principal, name: str) -> Template | Redirect:
        form = await form_data(request)
        source = form.get("source") or ""
        try:
            await document_templates.save(principal.actor, name, source)
        except InvalidInput as exc:
            return await _editor(request, principal, name, source=source, error=_message(exc),
                                 status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        return redirect(f"/documents/templates/{name}", "documents.template_saved")

    @post("/{name:str}/reset")
    async def reset(self, principal: Principal, name: str) -> Redirect:
        await document_templates.reset(principal.actor, name)
        return redirect(f"/documents/templates/{name}", "documents.template_reset")

    @post("/{name:str}/preview", status_code=HTTP_200_OK)
    async def preview(self, request: Request, principal: Principal, registry: PluginRegistry,
                      name: str) -> Response:
        """The source as typed rendered as HTML (an e-mail's text in a <pre>); a template
        error answers 422 with the message in the page's language."""
        form = await form_data(request)
        chosen = (form.get("document_id") or "").strip()
        try:
            if chosen and not chosen.isdigit():
                raise InvalidInput.field("document_id", "must be chosen from the list")
            html = await document_templates.preview(principal.actor, name, form.get("source") or "",
                                                    int(chosen) if chosen else None, registry=registry)
        except InvalidInput as exc:
            request.state.tenant_language = (await tenants.get(principal.actor.tenant_id)).language
            lang = request_language(request)
            key, values = explain(_message(exc))
            text = translate(lang, key, **values) if key else error_text(lang, values["message"])
            return Response({"error": text}, status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                            headers={"Cache-Control": "no-store"})
        if name in document_render.MAIL_TEMPLATES:
            html = f'<pre style="white-space: pre-wrap; font: 14px sans-serif">{escape(html)}</pre>'
        return Response(html, media_type="text/html", headers={"Cache-Control": "no-store"})

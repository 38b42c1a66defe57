"""The signed-in client's page (its balances and issued documents) and its documents' PDFs.
Without a session both send the client to the sign-in form; another client's document, or a
draft, is not found."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.response import Redirect, Template

from core.domain.documents import DocumentType
from core.services import portal
from web.portal.access import portal_client_of, portal_page, to_login


class PortalDocumentPages(Controller):
    path = "/{slug:str}"

    @get("/")
    async def home(self, request: Request, slug: str) -> Template | Redirect:
        signed_in = await portal_client_of(request, slug)
        if signed_in is None:
            return to_login(slug)
        return portal_page(request, "home.html", slug=slug, client=signed_in, csrf=signed_in.csrf_token,
                           accounts=await portal.balances(signed_in), documents=await portal.documents(signed_in),
                           document_types=[t.value for t in DocumentType], statuses=portal.VISIBLE_STATUSES)

    @get("/documents/{document_id:int}/pdf")
    async def pdf(self, request: Request, slug: str, document_id: int) -> Response | Redirect:
        signed_in = await portal_client_of(request, slug)
        if signed_in is None:
            return to_login(slug)
        content = await portal.document_pdf(signed_in, document_id, registry=request.app.state.registry)
        return Response(content, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="document-{document_id}.pdf"',
            "Cache-Control": "private, no-store"})

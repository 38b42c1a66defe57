"""The signed-in client's page (its balances, issued documents and a «Pay» button per open
invoice and payment provider) and its documents' PDFs.
Without a session both send the client to the sign-in form; another client's document, or a
draft, is not found."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.response import Redirect, Template

from core.db.queries.documents import DocumentRecord
from core.domain.documents import DocumentStatus, DocumentType
from core.services import payments, portal
from core.services.portal import PortalClient
from web.portal.access import portal_client_of, portal_page, to_login


def payable(document: DocumentRecord) -> bool:
    """An open invoice: posted and not paid in full."""
    return document.type == DocumentType.INVOICE.value and document.status == DocumentStatus.POSTED.value \
        and document.paid < document.total


async def home_page(request: Request, signed_in: PortalClient, *, notice: str | None = None,
                    status_code: int = 200) -> Template:
    """The client's balances and documents, with a «Pay» button per open invoice and payment
    provider the tenant has enabled; ``notice`` is a message key shown above them."""
    found = await portal.documents(signed_in)
    providers = await payments.providers(signed_in.tenant_id, request.app.state.registry) \
        if any(payable(d) for d in found) else []
    return portal_page(request, "home.html", status_code=status_code, slug=signed_in.tenant_slug, client=signed_in,
                       csrf=signed_in.csrf_token, accounts=await portal.balances(signed_in), documents=found,
                       payable={d.id for d in found if payable(d)}, providers=providers, notice=notice,
                       document_types=[t.value for t in DocumentType], statuses=portal.VISIBLE_STATUSES)


class PortalDocumentPages(Controller):
    path = "/{slug:str}"

    @get("/")
    async def home(self, request: Request, slug: str) -> Template | Redirect:
        signed_in = await portal_client_of(request, slug)
        if signed_in is None:
            return to_login(slug)
        return await home_page(request, signed_in)

    @get("/documents/{document_id:int}/pdf")
    async def pdf(self, request: Request, slug: str, document_id: int) -> Response | Redirect:
        signed_in = await portal_client_of(request, slug)
        if signed_in is None:
            return to_login(slug)
        content = await portal.document_pdf(signed_in, document_id, registry=request.app.state.registry)
        return Response(content, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="document-{document_id}.pdf"',
            "Cache-Control": "private, no-store"})

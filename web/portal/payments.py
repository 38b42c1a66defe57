"""Paying an open invoice online from the client portal: the «Pay» form posts here (with the
session's CSRF token), the core opens a payment attempt for what the invoice still owes and the
provider says where to send the client (303). Another client's invoice, a draft, or a provider
the tenant has not enabled is not found; a paid invoice shows the client's page with a message."""

from __future__ import annotations

import logging

from litestar import Controller, Request, post
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_502_BAD_GATEWAY

from core.domain.payments import PaymentError
from core.services import payments, portal
from core.services.errors import Conflict
from web.portal.access import portal_client_of, portal_path, to_login
from web.portal.documents import home_page
from web.principal import check_csrf

logger = logging.getLogger("saldo.portal")


class PortalPaymentPages(Controller):
    path = "/{slug:str}"

    @post("/documents/{document_id:int}/pay/{provider_code:str}")
    async def pay(self, request: Request, slug: str, document_id: int, provider_code: str) -> Template | Redirect:
        signed_in = await portal_client_of(request, slug)
        if signed_in is None:
            return to_login(slug)
        await check_csrf(request, signed_in)  # the staff check: it reads only ``csrf_token``
        await portal.document(signed_in, document_id)  # the client's own issued document, or 404
        back = str(request.base_url).rstrip("/") + portal_path(signed_in.tenant_slug, "/")
        try:
            started = await payments.start(signed_in.tenant_id, request.app.state.registry, provider_code,
                                           document_id, return_url=back)
        except Conflict:
            return await home_page(request, signed_in, notice="portal.pay.paid_already",
                                   status_code=HTTP_409_CONFLICT)
        except PaymentError as exc:
            logger.warning("%s could not start a payment of document %s for tenant %s: %s", provider_code,
                           document_id, signed_in.tenant_slug, exc.message)
            return await home_page(request, signed_in, notice="portal.pay.failed", status_code=HTTP_502_BAD_GATEWAY)
        return Redirect(started.redirect_url, status_code=303)

"""The client portal (``/portal/{tenant_slug}/...``): a client signs in with the e-mail and
password a manager gave it, sees its balances and issued documents and pays its open invoices
online. Its session cookie ``saldo_portal`` is apart from the staff session, scoped to the
tenant's portal path; every form carries an anti-forgery token."""

from litestar import Router

from web.portal.documents import PortalDocumentPages
from web.portal.payments import PortalPaymentPages
from web.portal.session import PortalSessionPages

portal_router = Router(path="/portal", route_handlers=[PortalSessionPages, PortalDocumentPages, PortalPaymentPages],
                       include_in_schema=False)

__all__ = ["portal_router"]

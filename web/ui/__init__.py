"""The server-rendered admin UI (Jinja2 templates in web/templates/admin, Russian by default).

Every page but the login form needs a login session (or an API key); every form posts
the session's CSRF token in ``_csrf``; every change goes through a service, so it is
checked, tenant-scoped and audited.
"""

from litestar import Router

from web.deps import AUTHENTICATED
from web.ui.access import ApiKeysPages, UsersPages
from web.ui.accounts import AccountPages, AdjustmentPages, ClientAccountPages
from web.ui.catalog import CatalogPages
from web.ui.catalog_prices import CatalogPricesPages
from web.ui.client_details import ClientDetailsPages
from web.ui.client_setup import ClientSetupPages
from web.ui.clients import ClientsPages
from web.ui.day_close import DayClosePages
from web.ui.document_templates import DocumentTemplatePages
from web.ui.documents import ClientInvoicingPages, DocumentsPages
from web.ui.imports import ImportPages
from web.ui.payments import PaymentsPages
from web.ui.plan_change import PlanChangePages
from web.ui.plugins import PluginsPages
from web.ui.portal_access import ClientPortalPages
from web.ui.pricing import PricingPages
from web.ui.sellers import SellersPages
from web.ui.session import SessionPages
from web.ui.subscriptions import SubscriptionOrderPages, SubscriptionPages
from web.ui.tenant import DashboardPages, SettingsPages

ui_router = Router(
    path="/",
    route_handlers=[
        SessionPages,
        Router(path="/", route_handlers=[DashboardPages, UsersPages, ApiKeysPages, PluginsPages, SettingsPages,
                                         ClientsPages, ClientDetailsPages, ClientSetupPages, SellersPages,
                                         CatalogPages, CatalogPricesPages, SubscriptionOrderPages, SubscriptionPages,
                                         PlanChangePages, ClientAccountPages, AccountPages, AdjustmentPages,
                                         ImportPages, PricingPages, DayClosePages, DocumentTemplatePages,
                                         DocumentsPages, ClientInvoicingPages, ClientPortalPages, PaymentsPages],
               dependencies=AUTHENTICATED),
    ],
    include_in_schema=False,
)

__all__ = ["ui_router"]

"""The JSON API under /api/v1."""

from litestar import Router

from web.api.access import ApiKeysController, UsersController
from web.api.audit import AuditController
from web.api.catalog import OkeiUnitsController, OptionsController, ProductGroupsController, ProductsController
from web.api.client_details import ContactsController, NotesController, RecipientsController
from web.api.client_setup import ClientGroupsController, CustomFieldsController
from web.api.clients import ClientsController
from web.api.day_close import DayCloseController
from web.api.documents import ClientInvoicingController, DocumentsController
from web.api.discounts import DiscountsController
from web.api.ledger import AccountsController, AdjustmentsController, ClientAccountsController
from web.api.payments import PaymentsController
from web.api.plugins import PluginsController
from web.api.sellers import SellerEntitiesController
from web.api.subscriptions import SubscriptionsController
from web.api.tenant import ClockController, MeController, TenantController
from web.deps import AUTHENTICATED

api_router = Router(
    path="/api/v1",
    route_handlers=[MeController, TenantController, ClockController, UsersController, ApiKeysController,
                    PluginsController, AuditController, SellerEntitiesController, ClientGroupsController,
                    CustomFieldsController, ClientsController, NotesController, ContactsController,
                    RecipientsController, ClientAccountsController, AccountsController, AdjustmentsController,
                    SubscriptionsController, DiscountsController, DayCloseController, DocumentsController,
                    ClientInvoicingController, PaymentsController,
                    ProductGroupsController, ProductsController, OptionsController, OkeiUnitsController],
    dependencies=AUTHENTICATED,
    security=[{"apiKey": []}, {"session": []}],
)

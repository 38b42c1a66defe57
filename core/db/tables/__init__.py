"""The core's tables, one module per area. Every tenant-owned table has a ``tenant``
foreign key and every query on it filters by tenant.

Unique constraints over several columns are created as unique indexes by the
migrations (Piccolo emits ``ALTER TABLE ... ADD CONSTRAINT``, which SQLite lacks).
"""

from core.db.tables.clients import (
    Client,
    ClientContact,
    ClientFieldValue,
    ClientGroup,
    ClientNote,
    CustomField,
    SellerEntity,
)
from core.db.tables.catalog import ConfigurableOption, OptionPrice, Product, ProductGroup, ProductPrice
from core.db.tables.ledger import Account, Adjustment, LedgerEntry
from core.db.tables.pricing import Discount
from core.db.tables.documents import (
    Document,
    DocumentFile,
    DocumentLine,
    DocumentMail,
    DocumentSequence,
    DocumentTemplate,
    PortalAccess,
    PortalSession,
)
from core.db.tables.day_close import DayCloseAccount, DayCloseRun
from core.db.tables.payments import Payment, PaymentAllocation, PaymentRefund
from core.db.tables.subscriptions import ScheduledChange, Subscription, SubscriptionEvent, SubscriptionOption
from core.db.tables.platform import (
    ApiKey,
    AuditEvent,
    IdempotentRequest,
    PluginSetting,
    Tenant,
    User,
    UserSession,
)

__all__ = [
    "DayCloseAccount", "DayCloseRun", "Document", "DocumentFile", "DocumentLine", "DocumentMail", "DocumentSequence",
    "DocumentTemplate", "PortalAccess", "PortalSession", "Payment", "PaymentAllocation", "PaymentRefund",
    "Account", "Adjustment", "Discount", "ConfigurableOption", "LedgerEntry", "OptionPrice", "Product", "ProductGroup",
    "ProductPrice", "ScheduledChange", "Subscription", "SubscriptionEvent", "SubscriptionOption",
    "ApiKey", "AuditEvent", "IdempotentRequest", "Client", "ClientContact", "ClientFieldValue", "ClientGroup", "ClientNote",
    "CustomField", "PluginSetting", "SellerEntity", "Tenant", "User", "UserSession",
]

"""Payment intake: the providers a plugin offers, and the notice that a payment was applied."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable

from core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from core.domain.payments import AppliedPayment, PaymentProvider
    from core.plugins.context import TenantContext


@hookspec
def saldo_payment_providers() -> list[type[PaymentProvider]] | None:
    """Return the payment provider classes the plugin offers.

    :returns: A list of :class:`core.domain.payments.PaymentProvider` subclasses, each
        with ``plugin_id`` (the plugin's id), a stable ``code`` unique among all
        providers (it is stored with every payment) and a ``name``.

    Aggregation: all results are collected. The core instantiates each class per tenant
    as ``cls(tenant, config)`` with that tenant's settings of ``plugin_id``, and only for
    tenants that have the plugin enabled. Provider methods are async and raise
    :class:`core.domain.payments.PaymentError`.
    Raises: nothing; a duplicate ``code`` is refused when the providers are instantiated.
    Awaitable: no, return the list itself.
    Called: when the core lists a tenant's payment methods, starts a payment, handles a
    provider's callback or refunds.
    """


@hookspec
def saldo_payment_applied(tenant: TenantContext, payment: AppliedPayment) -> Awaitable[Any] | None:
    """React to a payment credited to a client's account (send a receipt, notify staff…).

    :param tenant: The tenant that received the payment.
    :param payment: The applied payment: client, account, amount, provider, external id.
    :returns: Nothing, or an awaitable that the core awaits.

    Aggregation: all results are collected (a notification; results are ignored).
    Raises: an exception is logged with the plugin's id and never undoes the payment or
    stops the other listeners.
    Awaitable: yes.
    Called: once per payment, after the transaction that credits it has committed; a
    repeated provider notification of the same payment does not call it again.
    """

"""Hook glue of the credit-control plugin. Blocking decisions, reminders and late fees come next."""

from __future__ import annotations

from importlib.metadata import version

from core.plugins.meta import PluginMeta

from saldo_credit_control.config import CreditControlConfig

plugin_meta = PluginMeta(
    id="credit_control",
    name="Credit control",
    version=version("saldo-credit-control"),
    description="Reminders, grace, blocking and unblocking of clients and subscriptions, exemptions, late fees.",
    level="tenant",
    config_model=CreditControlConfig,
    requires_core=">=0.1",
)

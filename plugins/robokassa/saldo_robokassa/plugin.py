"""Hook glue of the Robokassa plugin. The payment provider and the ResultURL route come next."""

from __future__ import annotations

from importlib.metadata import version

from core.plugins.meta import PluginMeta

from saldo_robokassa.config import RobokassaConfig

plugin_meta = PluginMeta(
    id="robokassa",
    name="Robokassa",
    version=version("saldo-robokassa"),
    description="Online payments through Robokassa: payment links, ResultURL notifications, 54-FZ receipts.",
    level="tenant",
    config_model=RobokassaConfig,
    requires_core=">=0.1",
)

"""Hook glue of the YooKassa plugin. The payment providers and the notification routes come next."""

from __future__ import annotations

from importlib.metadata import version

from core.plugins.meta import PluginMeta

from saldo_yandex_kassa.config import YooKassaConfig

plugin_meta = PluginMeta(
    id="yandex_kassa",
    name="YooKassa (Яндекс.Касса)",
    version=version("saldo-yandex-kassa"),
    description="Online payments and refunds through YooKassa API v3, and the legacy Яндекс.Касса protocol.",
    level="tenant",
    config_model=YooKassaConfig,
    requires_core=">=0.1",
)

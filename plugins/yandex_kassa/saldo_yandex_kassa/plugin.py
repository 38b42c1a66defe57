"""Hook glue of the YooKassa plugin: its payment providers and its routes."""

from __future__ import annotations

from importlib.metadata import version

from litestar.handlers import HTTPRouteHandler

from core.domain.payments import PaymentProvider
from core.hookspecs import hookimpl
from core.plugins.meta import PluginMeta

from saldo_yandex_kassa.config import PLUGIN_ID, YooKassaConfig
from saldo_yandex_kassa.legacy import LegacyYandexKassaProvider
from saldo_yandex_kassa.provider import YooKassaProvider
from saldo_yandex_kassa.routes import check_order, notify, payer_return, payment_aviso

plugin_meta = PluginMeta(
    id=PLUGIN_ID,
    name="YooKassa (Яндекс.Касса)",
    version=version("saldo-yandex-kassa"),
    description="Online payments and refunds through YooKassa API v3, and the legacy Яндекс.Касса protocol.",
    level="tenant",
    config_model=YooKassaConfig,
    requires_core=">=0.1",
)


@hookimpl
def saldo_payment_providers() -> list[type[PaymentProvider]]:
    return [YooKassaProvider, LegacyYandexKassaProvider]


@hookimpl
def saldo_register_routes() -> list[HTTPRouteHandler]:
    return [notify, check_order, payment_aviso, payer_return]

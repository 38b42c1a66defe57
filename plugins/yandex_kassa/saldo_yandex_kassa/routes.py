"""Routes under ``/p/{tenant_slug}/yandex_kassa/``: YooKassa's notifications (``notify``),
the legacy protocol's ``check-order`` and ``payment-aviso``, and the payer's ``return`` page."""

from __future__ import annotations

from html import escape

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from core.plugins.context import TenantContext
from core.plugins.relay import TenantHooks
from web.plugin_routes import payment_callback
from web.i18n import request_language

from saldo_yandex_kassa.config import PLUGIN_ID
from saldo_yandex_kassa.legacy import LegacyYandexKassaProvider
from saldo_yandex_kassa.provider import YooKassaProvider

TEXTS = {
    "ru": {"title": "Оплата счёта", "heading": "Спасибо!",
           "body": "Платёж обрабатывается. Счёт будет отмечен оплаченным, как только платёжная система "
                   "подтвердит оплату — обычно это занимает несколько минут.",
           "back": "Вернуться в личный кабинет"},
    "en": {"title": "Invoice payment", "heading": "Thank you!",
           "body": "Your payment is being processed. The invoice will be marked as paid as soon as the payment "
                   "system confirms it, usually within a few minutes.",
           "back": "Back to your account"},
}


def _legacy_on(tenant: TenantContext) -> None:
    if not tenant.config(PLUGIN_ID).legacy_protocol:
        raise NotFoundException()


@post("/notify", status_code=200)
async def notify(request: Request, tenant: TenantContext, hooks: TenantHooks) -> Response:
    """YooKassa's HTTP notifications (payment.succeeded, payment.canceled…)."""
    return await payment_callback(request, tenant, hooks, YooKassaProvider.code)


@post("/check-order", status_code=200)
async def check_order(request: Request, tenant: TenantContext, hooks: TenantHooks) -> Response:
    """The legacy protocol's checkURL."""
    _legacy_on(tenant)
    return await payment_callback(request, tenant, hooks, LegacyYandexKassaProvider.code)


@post("/payment-aviso", status_code=200)
async def payment_aviso(request: Request, tenant: TenantContext, hooks: TenantHooks) -> Response:
    """The legacy protocol's avisoURL."""
    _legacy_on(tenant)
    return await payment_callback(request, tenant, hooks, LegacyYandexKassaProvider.code)


@get("/return")
async def payer_return(request: Request, tenant: TenantContext) -> Response:
    """Where the payer lands after paying; the payment itself is applied by the notification."""
    lang = request_language(request)
    text = TEXTS.get(lang, TEXTS["ru"])
    page = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{text["title"]} · {escape(tenant.name)}</title><link rel="stylesheet" href="/static/saldo.css">'
            f'</head><body class="portal"><main class="content"><h1 class="page-title">{text["heading"]}</h1>'
            f'<section class="card"><p>{text["body"]}</p>'
            f'<p><a class="button" href="/portal/{escape(tenant.slug)}/">{text["back"]}</a></p></section>'
            f'</main></body></html>')
    return Response(page, media_type="text/html")

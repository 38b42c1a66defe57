"""The plugin's routes under ``/p/{tenant_slug}/robokassa/``, to enter in the merchant
cabinet: ``result`` (ResultURL), ``success`` (SuccessURL) and ``fail`` (FailURL).

Robokassa calls each with GET or POST, as chosen in the cabinet. Only ResultURL changes
anything: the return pages merely tell the payer what happened (their parameters are
not trusted) and link back to the client portal.
"""

from __future__ import annotations

from litestar import Request, Response, route
from litestar.response import Template

from core.plugins.context import TenantContext
from core.plugins.relay import TenantHooks
from web.plugin_routes import payment_callback

from saldo_robokassa.provider import PLUGIN_ID


@route("/result", http_method=["GET", "POST"])
async def result(request: Request, tenant: TenantContext, hooks: TenantHooks) -> Response[str]:
    return await payment_callback(request, tenant, hooks, PLUGIN_ID)


PAGES = {
    "ru": {
        "success": ("Платёж принят",
                    "Спасибо! Robokassa приняла ваш платёж. Как только она подтвердит его, сумма поступит "
                    "на ваш лицевой счёт, а счёт будет отмечен оплаченным."),
        "fail": ("Платёж не завершён",
                 "Оплата не прошла или была отменена, деньги не списаны. Вы можете попробовать ещё раз "
                 "из личного кабинета."),
        "back": "Вернуться в личный кабинет",
    },
    "en": {
        "success": ("Payment received",
                    "Thank you! Robokassa has accepted your payment. Once it confirms the payment, the amount "
                    "will be credited to your account and the invoice marked as paid."),
        "fail": ("Payment not completed",
                 "The payment failed or was cancelled, and no money was taken. You can try again from "
                 "your client portal."),
        "back": "Back to the client portal",
    },
}

PAGE = """{% extends "base.html" %}
{% block title %}{{ heading }}{% endblock %}
{% block body_class %}portal{% endblock %}
{% block body %}
<main class="content robokassa-{{ outcome }}">
  <h1 class="page-title">{{ heading }}</h1>
  <p>{{ text }}</p>
  <p><a class="button" href="/portal/{{ slug }}/">{{ back }}</a></p>
</main>
{% endblock %}"""


async def _page(request: Request, tenant: TenantContext, outcome: str) -> Template:
    """In the language of the payment page: Robokassa sends the payer back with its Culture."""
    form = await request.form() if request.method == "POST" else {}
    culture = form.get("Culture") or request.query_params.get("Culture")
    lang = culture if culture in PAGES else "ru"
    heading, text = PAGES[lang][outcome]
    return Template(template_str=PAGE, context={"lang": lang, "outcome": outcome, "heading": heading, "text": text,
                                                "back": PAGES[lang]["back"], "slug": tenant.slug})


@route("/success", http_method=["GET", "POST"])
async def success(request: Request, tenant: TenantContext) -> Template:
    return await _page(request, tenant, "success")


@route("/fail", http_method=["GET", "POST"])
async def fail(request: Request, tenant: TenantContext) -> Template:
    return await _page(request, tenant, "fail")


ROUTES = [result, success, fail]

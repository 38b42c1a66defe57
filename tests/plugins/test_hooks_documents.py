from datetime import date
from decimal import Decimal

from core.domain.documents import (
    Document,
    DocumentLine,
    DocumentNumber,
    DocumentRenderer,
    DocumentType,
    Party,
    merge_contexts,
)
from core.domain.money import Money
from core.domain.numbering import NumberFormat, NumberingRule, Reset
from core.domain.pricing import VatRate
from core.hookspecs import hookimpl
from core.plugins.aio import await_me_maybe
from core.plugins.extensions import instantiate


def document(number: DocumentNumber | None = None) -> Document:
    line = DocumentLine("Хостинг за март", Decimal("1.000"), Decimal("1220.0000"), Money.of("1000.00"),
                        VatRate.VAT22, Money.of("220.00"), Money.of("1220.00"))
    return Document(id=5, type=DocumentType.ACT, seller_id=1, client_id=42, issue_date=date(2026, 3, 31),
                    currency="RUB", seller=Party("ООО «Облако»", "7701234567", "770101001"),
                    buyer=Party("ИП Иванов", "500100732259"), lines=(line,), number=number,
                    period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))


def test_hook_saldo_document_number_default_numbers_yearly_per_seller_and_type(plugin_registry, tenant_context):
    hooks = plugin_registry.for_tenant(set())
    rule = hooks.hook.saldo_document_number(tenant=tenant_context(), document=document())
    assert rule == NumberingRule("1:act:2026", NumberFormat("{seq}", Reset.YEARLY))


def test_hook_saldo_document_number_first_non_none_result_wins(plugin_registry, plugin, tenant_context):
    shared = NumberingRule("acts", NumberFormat("А-{seq}", Reset.NEVER))

    def by_type(tenant, document):
        return shared if document.type is DocumentType.ACT else None

    plugin("by_type", saldo_document_number=by_type)
    plugin("undecided", saldo_document_number=lambda tenant, document: None)
    hooks = plugin_registry.for_tenant({"by_type", "undecided"})
    rule = hooks.hook.saldo_document_number(tenant=tenant_context(), document=document())
    assert rule is shared and rule.format.text(17, date(2026, 3, 31)) == "А-17"
    invoice = Document(**{**document().__dict__, "type": DocumentType.INVOICE})
    assert hooks.hook.saldo_document_number(tenant=tenant_context(), document=invoice).series == "1:invoice:2026"


async def test_hook_saldo_document_context_is_collected_and_merged(plugin_registry, plugin, tenant_context):
    async def bank(tenant, document):
        return {"bank_bik": "044525225", "signature": "bank"}

    plugin("defaults", saldo_document_context=hookimpl(trylast=True)(
        lambda tenant, document: {"signature": "default", "footer": "Спасибо"}))
    plugin("bank", saldo_document_context=bank)
    plugin("signer", saldo_document_context=lambda tenant, document: {"signature": f"Директор {tenant.name}"})
    plugin("silent", saldo_document_context=lambda tenant, document: None)
    hooks = plugin_registry.for_tenant({"defaults", "bank", "signer", "silent"})
    results = [await await_me_maybe(r)
               for r in hooks.hook.saldo_document_context(tenant=tenant_context(name="Облако"), document=document())]
    assert results == [{"signature": "Директор Облако"}, {"bank_bik": "044525225", "signature": "bank"},
                       {"signature": "default", "footer": "Спасибо"}]
    assert merge_contexts(results) == {"signature": "Директор Облако", "bank_bik": "044525225", "footer": "Спасибо"}


class HtmlAct(DocumentRenderer):
    plugin_id, code, name = "html_docs", "html", "HTML"
    media_type = "text/html"
    document_types = frozenset({DocumentType.ACT})

    async def render(self, document, context):
        return f"<h1>Акт {document.number} {context['greeting']}</h1>".encode()


async def test_hook_saldo_document_renderers_are_collected_and_instantiated_per_tenant(
    plugin_registry, plugin, tenant_context
):
    plugin("html_docs", saldo_document_renderers=lambda: [HtmlAct])
    plugin("other_docs", saldo_document_renderers=lambda: [HtmlAct])  # not enabled for the tenant
    hooks = plugin_registry.for_tenant({"html_docs"})
    results = hooks.hook.saldo_document_renderers()
    assert results == [[HtmlAct]]
    (renderer,) = instantiate(results, tenant_context(), DocumentRenderer)
    body = await renderer.render(document(DocumentNumber("acts", 3, "А-3")), {"greeting": "!"})
    assert body.decode() == "<h1>Акт А-3 !</h1>"


async def test_hook_saldo_document_posted_notifies_every_listener(plugin_registry, plugin, tenant_context):
    sent = []

    async def send(tenant, document):
        sent.append(("mail", str(document.number)))

    def broken(tenant, document):
        raise OSError("disk full")

    plugin("mail", saldo_document_posted=send)
    plugin("archive", saldo_document_posted=broken)
    plugin("export_queue", saldo_document_posted=lambda tenant, document: sent.append(("queue", document.id)))
    hooks = plugin_registry.for_tenant({"mail", "archive", "export_queue"})
    await hooks.notify("saldo_document_posted", tenant=tenant_context(), document=document(DocumentNumber("acts", 9, "А-9")))
    assert sent == [("queue", 5), ("mail", "А-9")]

"""Robokassa through the web application: an invoice paid by a ResultURL notification,
exactly once; forged, wrong-amount and unknown notifications credit nothing."""

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from core.db.tables import LedgerEntry, Payment
from core.domain.money import Money
from core.services import clients, documents, ledger, payments, plugins, tenants
from core.services.documents import LineInput
from web.app import create_app

from saldo_robokassa import plugin
from saldo_robokassa.config import HashAlgorithm
from saldo_robokassa.signature import digest

SETTINGS = {"merchant_login": "fabrika", "password1": "pass-one", "password2": "pass-two",
            "hash_algorithm": "sha256"}


@pytest.fixture
def saldo_app(saldo_db, plugin_registry, register_plugin):
    """The application with the Robokassa plugin installed (its routes are mounted when it is built)."""
    register_plugin(plugin)
    return create_app(registry=plugin_registry)


async def shop(make_tenant, registry, **settings):
    """A tenant with Robokassa enabled, a client and a posted invoice of 1 500.00 ₽."""
    tenant = await make_tenant()
    await plugins.configure(tenant.actor, registry, "robokassa", enabled=True, config={**SETTINGS, **settings})
    await tenants.set_clock(tenant.actor, mode="simulated", on=date(2026, 4, 1))
    client = await clients.create(tenant.actor, type="legal", company_name="ООО «Фабрика Бизнеса»",
                                  email="buh@fabrika.ru", inn="7708305901", kpp="770801001")
    draft = await documents.create_invoice(tenant.actor, client.id,
                                           [LineInput("Хостинг, апрель 2026", Decimal(1), Decimal("1500.00"))])
    invoice = await documents.post(tenant.actor, registry, draft.id)
    return tenant, client, invoice


async def pay_link(tenant, registry, invoice) -> dict[str, str]:
    started = await payments.start(tenant.id, registry, "robokassa", invoice.id,
                                   return_url=f"/portal/{tenant.slug}/")
    return dict(parse_qsl(urlsplit(started.redirect_url).query))


def signed(out_sum: str, inv_id: str, password: str = "pass-two", **shp) -> dict[str, str]:
    """A ResultURL notification as Robokassa sends it: upper-case digest, extra fields."""
    base = ":".join([out_sum, inv_id, password, *(f"{k}={v}" for k, v in sorted(shp.items()))])
    return {"OutSum": out_sum, "InvId": inv_id, "Fee": "52.50", "EMail": "buh@fabrika.ru",
            "PaymentMethod": "BankCard", "IncCurrLabel": "BankCardPSR", **shp,
            "SignatureValue": digest(HashAlgorithm.SHA256, base).upper()}


async def balance(tenant, client_id) -> Money:
    accounts = await ledger.accounts_of(tenant.actor, client_id)
    return accounts[0].balance


async def status(tenant, document_id) -> str:
    return (await documents.get(tenant.actor, document_id)).record.status


async def payment_entries(tenant) -> int:
    return await LedgerEntry.count().where((LedgerEntry.tenant == tenant.id) & (LedgerEntry.kind == "payment"))


async def test_a_valid_notification_pays_the_invoice_once(client, make_tenant, plugin_registry):
    tenant, payer, invoice = await shop(make_tenant, plugin_registry)
    link = await pay_link(tenant, plugin_registry, invoice)
    inv_id = link["InvId"]
    assert link["OutSum"] == "1500.00" and link["Email"] == "buh@fabrika.ru" and "IsTest" not in link
    assert link["SignatureValue"] == digest(HashAlgorithm.SHA256, f"fabrika:1500.00:{inv_id}:pass-one")
    assert await balance(tenant, payer.id) == Money.of("-1500.00")

    url = f"/p/{tenant.slug}/robokassa/result"
    notification = signed("1500.000000", inv_id)  # live mode sends six decimals
    answer = await client.post(url, data=notification)
    assert (answer.status_code, answer.text) == (200, f"OK{inv_id}")
    assert answer.headers["content-type"].startswith("text/plain")
    assert await balance(tenant, payer.id) == Money.of("0.00")
    assert await status(tenant, invoice.id) == "paid"
    [record] = await payments.search(tenant.actor)
    assert (record.id, record.provider, record.external_id, record.status) == (int(inv_id), "robokassa", inv_id,
                                                                               "succeeded")
    assert (record.amount, record.allocated, record.invoice_id) == (Money.of("1500.00"), Money.of("1500.00"),
                                                                    invoice.id)

    again = await client.post(url, data=notification)
    assert (again.status_code, again.text) == (200, f"OK{inv_id}")
    again_by_get = await client.get(url, params=notification)
    assert (again_by_get.status_code, again_by_get.text) == (200, f"OK{inv_id}")
    assert await balance(tenant, payer.id) == Money.of("0.00")
    assert await payment_entries(tenant) == 1
    assert await Payment.count().where(Payment.tenant == tenant.id) == 1


async def test_a_get_notification_in_test_mode_with_shp_parameters(client, make_tenant, plugin_registry):
    tenant, payer, invoice = await shop(make_tenant, plugin_registry, test_mode=True, test_password1="test-one",
                                        test_password2="test-two")
    link = await pay_link(tenant, plugin_registry, invoice)
    assert link["IsTest"] == "1"
    assert link["SignatureValue"] == digest(HashAlgorithm.SHA256, f"fabrika:1500.00:{link['InvId']}:test-one")
    url = f"/p/{tenant.slug}/robokassa/result"
    live_signed = signed("1500.00", link["InvId"])
    assert (await client.get(url, params=live_signed)).status_code == 400  # live password #2 in test mode
    answer = await client.get(url, params=signed("1500.00", link["InvId"], "test-two", Shp_source="portal"))
    assert (answer.status_code, answer.text) == (200, f"OK{link['InvId']}")
    assert await status(tenant, invoice.id) == "paid" and await balance(tenant, payer.id) == Money.of("0.00")


async def test_forged_wrong_amount_and_unknown_notifications_credit_nothing(client, make_tenant, plugin_registry):
    tenant, payer, invoice = await shop(make_tenant, plugin_registry)
    other, _, other_invoice = await shop(make_tenant, plugin_registry)
    inv_id = (await pay_link(tenant, plugin_registry, invoice))["InvId"]
    others_inv_id = (await pay_link(other, plugin_registry, other_invoice))["InvId"]
    url = f"/p/{tenant.slug}/robokassa/result"

    forged = {**signed("1500.00", inv_id), "SignatureValue": digest(HashAlgorithm.SHA256, "1500.00:" + inv_id)}
    unsigned = {k: v for k, v in signed("1500.00", inv_id).items() if k != "SignatureValue"}
    raised = {**signed("1500.00", inv_id), "OutSum": "15000.00"}  # amount changed after signing
    refused = {
        "forged": (forged, "signature"),
        "unsigned": (unsigned, "signature"),
        "tampered": (raised, "signature"),
        "wrong amount": (signed("1.00", inv_id), "1.00 RUB differs from the 1500.00 RUB"),
        "unknown InvId": (signed("1500.00", "999999999"), "payment 999999999 not found"),
        "another tenant's InvId": (signed("1500.00", others_inv_id), f"payment {others_inv_id} not found"),
        "garbled InvId": (signed("1500.00", f"{inv_id}x"), "InvId"),
        "garbled OutSum": (signed("1500,00", inv_id), "OutSum"),
    }
    for case, (notification, reason) in refused.items():
        answer = await client.post(url, data=notification)
        assert answer.status_code == 400, case
        assert reason in answer.text and not answer.text.startswith("OK"), case
    assert await balance(tenant, payer.id) == Money.of("-1500.00")
    assert await status(tenant, invoice.id) == "posted"
    assert await payment_entries(tenant) == 0 and await payment_entries(other) == 0
    [attempt] = await payments.search(tenant.actor)
    assert attempt.status == "pending"

    answer = await client.post(url, data=signed("1500.00", inv_id))  # the genuine one still goes through
    assert (answer.status_code, answer.text) == (200, f"OK{inv_id}")
    assert await status(tenant, invoice.id) == "paid"


async def test_a_tenant_without_the_plugin_enabled_gets_404(client, make_tenant, plugin_registry):
    tenant, payer, invoice = await shop(make_tenant, plugin_registry)
    inv_id = (await pay_link(tenant, plugin_registry, invoice))["InvId"]
    await plugins.configure(tenant.actor, plugin_registry, "robokassa", enabled=False)
    for page in ("result", "success", "fail"):
        assert (await client.get(f"/p/{tenant.slug}/robokassa/{page}")).status_code == 404
    assert (await client.post(f"/p/{tenant.slug}/robokassa/result", data=signed("1500.00", inv_id))).status_code \
        == 404
    never_enabled = await make_tenant()
    assert (await client.get(f"/p/{never_enabled.slug}/robokassa/success")).status_code == 404
    assert await balance(tenant, payer.id) == Money.of("-1500.00")


async def test_success_and_fail_pages_link_back_to_the_portal(client, make_tenant, plugin_registry):
    tenant, _, _ = await shop(make_tenant, plugin_registry)
    base = f"/p/{tenant.slug}/robokassa"
    success = await client.get(f"{base}/success", params={"OutSum": "1500.00", "InvId": "1", "Culture": "ru",
                                                           "SignatureValue": "x"})
    assert success.status_code == 200 and success.headers["content-type"].startswith("text/html")
    assert "Платёж принят" in success.text and f'href="/portal/{tenant.slug}/"' in success.text
    assert '<html lang="ru">' in success.text
    fail = await client.post(f"{base}/fail", data={"OutSum": "1500.00", "InvId": "1", "Culture": "en"})
    assert fail.status_code == 200
    assert "Payment not completed" in fail.text and "Back to the client portal" in fail.text
    assert '<html lang="en">' in fail.text
    unknown_culture = await client.get(f"{base}/fail", params={"Culture": "<script>"})
    assert "Платёж не завершён" in unknown_culture.text and "<script>" not in unknown_culture.text

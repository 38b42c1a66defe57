"""A confirm-mode run that newly waits for confirmation mails the tenant's managers once
(seed 000: «Отправил сообщение менеджеру»), over a real SMTP server; mail that is off or
down never fails the run."""

import asyncio
import email
import email.policy
import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from core.services import day_close, tenants, users
from core.settings import get_settings
from tests.day_close.test_close_day import _vps
from tests.web.test_subscriptions import on_day

DAY = date(2026, 3, 10)  # _vps starts on 10 March: 22/31 of 3100 falls due, 2200.00
NBSP = "\u00a0"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((sorted(envelope.rcpt_tos), parsed))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _smtp(monkeypatch, host: str, port: int = 25) -> None:
    monkeypatch.setenv("SALDO_SMTP_HOST", host)
    monkeypatch.setenv("SALDO_SMTP_PORT", str(port))
    monkeypatch.setenv("SALDO_SMTP_STARTTLS", "false")
    monkeypatch.setenv("SALDO_SMTP_USER", "")
    monkeypatch.setenv("SALDO_SMTP_FROM", "saldo@billing.test")
    monkeypatch.setenv("SALDO_SMTP_TIMEOUT", "3")
    get_settings.cache_clear()


@pytest.fixture
def settings_restored():
    """Forget settings read under the test's environment (monkeypatch restores it after)."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def inbox(monkeypatch, settings_restored):
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=_free_port())
    controller.start()
    _smtp(monkeypatch, "127.0.0.1", controller.port)
    yield received
    controller.stop()


async def _confirm_tenant(make_tenant, **fields):
    tenant = await make_tenant(**fields)
    await tenants.update_settings(tenant.actor, rules={"day_close_mode": "confirm"})
    staff = {}
    for role in ("manager", "viewer", "accountant"):
        staff[role] = await users.create(tenant.actor, email=f"{role}@{tenant.slug}.test", password=tenant.password,
                                         role=role, name=role.title())
    gone = await users.create(tenant.actor, email=f"gone@{tenant.slug}.test", password=tenant.password,
                              role="manager", name="Gone")
    await users.update(tenant.actor, gone.id, is_active=False)
    await _vps(tenant, start=DAY)
    await on_day(tenant, date(2026, 3, 11))
    return tenant, staff


async def test_a_run_newly_awaiting_confirmation_mails_the_managers_once(make_tenant, plugin_registry, inbox):
    tenant, staff = await _confirm_tenant(make_tenant)
    run = await day_close.close_day(tenant.actor, plugin_registry, DAY)
    assert run.state == "awaiting_confirmation" and run.totals["pending"]["charges_minor"] == 220000

    [(recipients, message)] = inbox.messages
    assert recipients == sorted([tenant.owner.email, staff["manager"].email])  # not the viewer, accountant, inactive
    assert message["To"] == f"{tenant.owner.email}, {staff['manager'].email}"
    assert message["From"] == "saldo@billing.test"
    assert message["Subject"] == "Закрытие дня 10.03.2026 ждёт подтверждения"
    body = message.get_content().replace("\r\n", "\n")  # quoted-printable keeps the wire's line ends
    assert "10.03.2026" in body
    assert "Счетов ждут подтверждения: 1\n" in body
    assert f"Начисления по ним: 2{NBSP}200,00{NBSP}RUB\n" in body
    assert f"/day-close/runs/{run.id}" in body

    # Running the date again, cancelling, re-running by hand and confirming send nothing more.
    again = await day_close.close_day(tenant.actor, plugin_registry, DAY)
    assert again.id == run.id and again.state == "awaiting_confirmation"
    [pending], _ = await day_close.accounts(tenant.actor, plugin_registry, run.id)
    assert (await day_close.cancel(tenant.actor, run.id, [pending.id])).state == "done"
    assert (await day_close.retry(tenant.actor, plugin_registry, run.id, [pending.id])).state == "awaiting_confirmation"
    assert (await day_close.confirm(tenant.actor, plugin_registry, run.id)).state == "done"
    await day_close.close_day(tenant.actor, plugin_registry, DAY)
    assert len(inbox.messages) == 1


async def test_concurrent_runs_of_a_new_date_mail_once(make_tenant, plugin_registry, inbox):
    tenant, _ = await _confirm_tenant(make_tenant)
    runs = await asyncio.gather(*[day_close.close_day(tenant.actor, plugin_registry, DAY) for _ in range(3)])
    assert {r.state for r in runs} == {"awaiting_confirmation"} and len({r.id for r in runs}) == 1
    assert len(inbox.messages) == 1


async def test_the_mail_is_in_english_for_an_english_tenant(make_tenant, plugin_registry, inbox):
    tenant, _ = await _confirm_tenant(make_tenant, language="en")
    run = await day_close.close_day(tenant.actor, plugin_registry, DAY)
    [(_, message)] = inbox.messages
    assert message["Subject"] == "The day close of 2026-03-10 awaits confirmation"
    body = message.get_content().replace("\r\n", "\n")  # quoted-printable keeps the wire's line ends
    assert "Accounts awaiting confirmation: 1\n" in body
    assert f"Their charges: 2,200.00{NBSP}RUB\n" in body
    assert f"/day-close/runs/{run.id}" in body


async def test_auto_and_sandbox_runs_mail_nobody(make_tenant, plugin_registry, inbox):
    tenant, _ = await _confirm_tenant(make_tenant)
    assert (await day_close.close_day(tenant.actor, plugin_registry, DAY, mode="sandbox")).state == "done"
    assert (await day_close.close_day(tenant.actor, plugin_registry, DAY, mode="auto")).state == "done"
    assert inbox.messages == []


async def test_a_run_still_awaits_confirmation_when_the_smtp_server_is_down(
        make_tenant, plugin_registry, monkeypatch, settings_restored, caplog):
    _smtp(monkeypatch, "127.0.0.1", _free_port())  # nothing listens there
    tenant, _ = await _confirm_tenant(make_tenant)
    with caplog.at_level("WARNING", logger="saldo.mail"):
        run = await day_close.close_day(tenant.actor, plugin_registry, DAY)
    assert run.state == "awaiting_confirmation"
    assert any("not sent" in r.getMessage() for r in caplog.records)


async def test_nothing_is_sent_when_mail_is_off(make_tenant, plugin_registry, inbox, monkeypatch, caplog):
    monkeypatch.setenv("SALDO_SMTP_HOST", "")  # the server runs, but mail is off
    get_settings.cache_clear()
    tenant, _ = await _confirm_tenant(make_tenant)
    with caplog.at_level("INFO", logger="saldo.mail"):
        run = await day_close.close_day(tenant.actor, plugin_registry, DAY)
    assert run.state == "awaiting_confirmation"
    assert inbox.messages == []
    assert any("mail is off" in r.getMessage() for r in caplog.records)

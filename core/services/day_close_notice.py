"""The e-mail telling a tenant's managers that a day close waits for their confirmation
(seed 000: «Отправил сообщение менеджеру»), besides the dashboard notice.

Sent once, when a confirm-mode run newly ends ``awaiting_confirmation``; its recipients
are the tenant's active users whose role may manage billing. A mail failure is logged
and never fails the run.
"""

from __future__ import annotations

import logging

from core.db.queries import tenants as tenants_q
from core.db.queries import users as users_q
from core.db.queries.day_close import RunRecord
from core.domain.day_close import AccountState
from core.domain.money import NBSP, Money, format_number
from core.domain.roles import MANAGE_BILLING, can
from core.services import mail

logger = logging.getLogger("saldo.day_close")

TEXTS = {
    "ru": {
        "subject": "Закрытие дня {date} ждёт подтверждения",
        "body": ("Закрытие дня {date} выполнено в режиме с подтверждением и ждёт решения менеджера: "
                 "пока счёт не подтверждён, ничего не записано.\n\n"
                 "Счетов ждут подтверждения: {accounts}\n"
                 "Начисления по ним: {charges}\n\n"
                 "Подтвердить или отменить: {path}\n"),
    },
    "en": {
        "subject": "The day close of {date} awaits confirmation",
        "body": ("The day close of {date} ran in confirm mode and waits for a manager: nothing is written "
                 "until an account is confirmed.\n\n"
                 "Accounts awaiting confirmation: {accounts}\n"
                 "Their charges: {charges}\n\n"
                 "Confirm or cancel: {path}\n"),
    },
}


def format_money(money: Money, language: str) -> str:
    """«2 200,00 RUB» in Russian, «2,200.00 RUB» in English, as the admin UI writes amounts."""
    return f"{format_number(language, money)}{NBSP}{money.currency}"


def run_path(run: RunRecord) -> str:
    return f"/day-close/runs/{run.id}"


def compose(run: RunRecord, language: str, currency: str) -> tuple[str, str]:
    """The subject and body of the notice of ``run`` in ``language`` (ru or en)."""
    texts = TEXTS.get(language, TEXTS["ru"])
    pending = (run.totals or {}).get(AccountState.PENDING.value, {})
    day = run.business_date.strftime("%d.%m.%Y") if language == "ru" else run.business_date.isoformat()
    values = {"date": day, "accounts": int(pending.get("accounts", 0)), "path": run_path(run),
              "charges": format_money(Money.from_minor(int(pending.get("charges_minor", 0)), currency), language)}
    return texts["subject"].format(**values), texts["body"].format(**values)


async def recipients(tenant_id: int) -> list[str]:
    """The e-mails of the tenant's active users who may manage billing (and so confirm)."""
    return [u.email for u in await users_q.list_for(tenant_id)
            if u.is_active and u.email and can(u.role, MANAGE_BILLING)]


async def announce_awaiting(tenant_id: int, run: RunRecord) -> bool:
    """Mail the run's managers that it waits for them; False (logged) when nothing was sent."""
    try:
        to = await recipients(tenant_id)
        if not to:
            logger.info("day close %s awaits confirmation; tenant %s has nobody to mail", run.id, tenant_id)
            return False
        tenant = await tenants_q.by_id(tenant_id)
        subject, body = compose(run, tenant.language, tenant.currency)
        return await mail.send(to, subject, body)
    except Exception:  # the notice is a courtesy: it must not fail the run
        logger.exception("day close %s: the awaiting-confirmation mail failed", run.id)
        return False

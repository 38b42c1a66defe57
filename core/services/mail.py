"""Outgoing mail over SMTP (settings ``SALDO_SMTP_*``).

One plain-text message at a time; an empty ``SALDO_SMTP_HOST`` turns mail off. Sending
never raises: a failure is logged and reported as False, so mail cannot fail the work
that sends it. Attachments, templates and retries are not here yet.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from core.settings import get_settings

logger = logging.getLogger("saldo.mail")


def message(to: list[str], subject: str, body: str, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(body, charset="utf-8")
    return msg


async def send(to: list[str], subject: str, body: str) -> bool:
    """Send ``body`` to ``to``; True when the server accepted it for at least one recipient."""
    to = [address for address in dict.fromkeys(to) if address]
    settings = get_settings()
    if not to:
        return False
    if not settings.smtp_host:
        logger.info("mail is off (SALDO_SMTP_HOST is empty): not sending %r to %s", subject, ", ".join(to))
        return False
    try:
        msg = message(to, subject, body, settings.smtp_from)
        refused, _ = await aiosmtplib.send(
            msg, hostname=settings.smtp_host, port=settings.smtp_port,
            username=settings.smtp_user or None,
            password=settings.smtp_password.get_secret_value() if settings.smtp_user else None,
            start_tls=settings.smtp_starttls, timeout=settings.smtp_timeout,
        )
    except Exception as exc:  # the server is down, refuses us or the address: log, never raise
        logger.warning("mail %r to %s not sent: %s: %s", subject, ", ".join(to), type(exc).__name__, exc)
        return False
    if refused:
        logger.warning("mail %r: recipients refused: %s", subject, ", ".join(refused))
    logger.info("mail %r sent to %s", subject, ", ".join(a for a in to if a not in refused))
    return True

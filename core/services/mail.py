"""Outgoing mail over SMTP (settings ``SALDO_SMTP_*``).

A plain-text message, optionally with attachments; an empty ``SALDO_SMTP_HOST`` turns mail
off. ``send`` never raises: a failure is logged and reported as False, so mail cannot fail
the work that sends it. ``deliver`` raises the server's or the network's error, for callers
that keep it and try again (the document outbox, core.services.document_mail).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Sequence

import aiosmtplib

from core.settings import get_settings

logger = logging.getLogger("saldo.mail")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str = "application/pdf"


def enabled() -> bool:
    """Whether mail is on (``SALDO_SMTP_HOST`` is set)."""
    return bool(get_settings().smtp_host)


def message(to: list[str], subject: str, body: str, sender: str,
            attachments: Sequence[Attachment] = ()) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(body, charset="utf-8")
    for attachment in attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        msg.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return msg


async def deliver(to: list[str], subject: str, body: str, attachments: Sequence[Attachment] = ()) -> list[str]:
    """Hand the message to the SMTP server (mail must be on); returns the recipients the
    server refused while accepting the others. Raises what aiosmtplib raises (an
    ``SMTPException``, or ``OSError`` when the server cannot be reached)."""
    settings = get_settings()
    msg = message(to, subject, body, settings.smtp_from, attachments)
    refused, _ = await aiosmtplib.send(
        msg, hostname=settings.smtp_host, port=settings.smtp_port,
        username=settings.smtp_user or None,
        password=settings.smtp_password.get_secret_value() if settings.smtp_user else None,
        start_tls=settings.smtp_starttls, timeout=settings.smtp_timeout,
    )
    return sorted(refused)


async def send(to: list[str], subject: str, body: str) -> bool:
    """Send ``body`` to ``to``; True when the server accepted it for at least one recipient."""
    to = [address for address in dict.fromkeys(to) if address]
    if not to:
        return False
    if not enabled():
        logger.info("mail is off (SALDO_SMTP_HOST is empty): not sending %r to %s", subject, ", ".join(to))
        return False
    try:
        refused = await deliver(to, subject, body)
    except Exception as exc:  # the server is down, refuses us or the address: log, never raise
        logger.warning("mail %r to %s not sent: %s: %s", subject, ", ".join(to), type(exc).__name__, exc)
        return False
    if refused:
        logger.warning("mail %r: recipients refused: %s", subject, ", ".join(refused))
    logger.info("mail %r sent to %s", subject, ", ".join(a for a in to if a not in refused))
    return True

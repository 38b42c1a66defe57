"""The client portal: a client signs in with the e-mail and password a manager gave it, and
sees the balances of its accounts and its issued documents (never drafts), with their PDFs.

Portal sessions are apart from staff sessions: a random token is the client's cookie and only
its SHA-256 is stored; a session lasts ``SESSION_HOURS`` and belongs to one tenant and client.
Its CSRF token is derived from the session token (an HMAC), so it is bound to the session
without being stored. A wrong password and an unknown e-mail (or organisation) fail alike and
cost the same Argon2 verification. A closed or merged client cannot sign in, and a merge
removes the merged client's sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from core.db.integrity import is_unique_violation
from core.db.queries import clients as clients_q
from core.db.queries import documents as documents_q
from core.db.queries import ledger as ledger_q
from core.db.queries import portal as portal_q
from core.db.queries import tenants as tenants_q
from core.db.queries.clients import ClientRecord
from core.db.queries.documents import DocumentFilter, DocumentRecord
from core.db.queries.ledger import AccountRecord
from core.db.queries.portal import AccessRecord
from core.db.transaction import atomic
from core.domain.clients import CLOSED, EMAIL_RE
from core.domain.clock import utc_now
from core.domain.documents import DocumentStatus
from core.domain.roles import MANAGE_BILLING
from core.plugins.manager import PluginRegistry
from core.services import audit, clients, document_render
from core.services.actor import Actor
from core.services.auth import token_hash
from core.services.errors import Conflict, InvalidInput, NotFound
from core.services.passwords import hash_password, password_problem, verify_password
from core.services.users import normalize_email

SESSION_HOURS = 12
# What a client sees: issued documents, never drafts (nor cancelled ones).
VISIBLE_STATUSES = (DocumentStatus.POSTED.value, DocumentStatus.PAID.value, DocumentStatus.CREDITED.value)
DOCUMENT_LIMIT = 500  # the newest documents the portal lists


@dataclass(frozen=True)
class PortalClient:
    """A signed-in portal session: which tenant and client it is, and its CSRF token."""

    tenant_id: int
    tenant_slug: str
    tenant_name: str
    tenant_language: str
    client_id: int
    client_name: str
    email: str
    csrf_token: str


def csrf_token(token: str) -> str:
    """The CSRF token of the portal session whose cookie holds ``token``."""
    return hmac.new(token.encode(), b"saldo portal csrf", hashlib.sha256).hexdigest()


def _may_sign_in(client: ClientRecord | None) -> bool:
    return client is not None and client.status != CLOSED and client.merged_into is None


def _email_taken() -> Conflict:
    return Conflict("another client signs in to the portal with this e-mail",
                    [{"field": "email", "message": "another client has this e-mail"}])


async def access(actor: Actor, client_id: int) -> AccessRecord | None:
    """The client's portal sign-in, if it has one."""
    await clients.get(actor, client_id)
    return await portal_q.access_of(actor.tenant_id, client_id)


async def grant_access(actor: Actor, client_id: int, email: str, password: str) -> AccessRecord:
    """Let the client sign in with ``email`` and ``password`` (replacing its earlier sign-in and
    ending its sessions). Audited as ``portal.grant`` on the client, without the password."""
    actor.require(MANAGE_BILLING)
    email = normalize_email(email)
    if not EMAIL_RE.match(email):
        raise InvalidInput.field("email", "is not an e-mail address")
    if problem := password_problem(password):
        raise InvalidInput.field("password", problem)
    password_hash = hash_password(password)
    async with atomic():
        client = await clients.get(actor, client_id)
        if not _may_sign_in(client):
            raise Conflict(f"client {client_id} is closed: a closed client cannot have portal access")
        holder = await portal_q.access_by_email(actor.tenant_id, email)
        if holder is not None and holder.client_id != client_id:
            raise _email_taken()
        before = await portal_q.access_of(actor.tenant_id, client_id)
        try:
            if before is None:
                await portal_q.insert_access(actor.tenant_id, client_id, email=email, password_hash=password_hash)
            else:
                await portal_q.update_access(actor.tenant_id, client_id, email=email, password_hash=password_hash)
        except Exception as exc:
            if is_unique_violation(exc):  # another manager gave the e-mail away meanwhile
                raise _email_taken() from exc
            raise
        await portal_q.delete_sessions_of(actor.tenant_id, client_id)
        after = await portal_q.access_of(actor.tenant_id, client_id)
        await audit.record(actor, "portal.grant", "client", client_id, before.public() if before else None,
                           after.public())
    return after


async def revoke_access(actor: Actor, client_id: int) -> None:
    """Take the client's portal sign-in away and end its sessions. Audited as ``portal.revoke``."""
    actor.require(MANAGE_BILLING)
    async with atomic():
        await clients.get(actor, client_id)
        before = await portal_q.access_of(actor.tenant_id, client_id)
        if before is None:
            raise Conflict(f"client {client_id} has no portal access")
        await portal_q.delete_access(actor.tenant_id, client_id)
        await audit.record(actor, "portal.revoke", "client", client_id, before.public(), None)


async def sign_in(tenant_slug: str, email: str, password: str) -> str | None:
    """Open a portal session; its token (for the cookie), or None when the organisation, e-mail
    or password is wrong or the client is closed. Every failure costs one Argon2 verification."""
    tenant = await tenants_q.by_slug(tenant_slug.strip().lower())
    found = await portal_q.access_by_email(tenant.id, normalize_email(email)) if tenant else None
    if not verify_password(found.password_hash if found else None, password):
        return None
    if not _may_sign_in(await clients_q.get(found.tenant_id, found.client_id)):
        return None
    token = secrets.token_urlsafe(32)
    now = utc_now()
    async with atomic():
        await portal_q.delete_expired_sessions(now)
        await portal_q.insert_session(found.tenant_id, found.client_id, token_hash=token_hash(token),
                                      expires_at=now + timedelta(hours=SESSION_HOURS))
        await portal_q.touch_login(found.tenant_id, found.client_id, now)
    return token


async def session_client(tenant_slug: str, token: str) -> PortalClient | None:
    """Who the session ``token`` is, on the portal of ``tenant_slug``; None when the session is
    unknown, expired, of another tenant, or its client lost its access or was closed."""
    session = await portal_q.session_by_token_hash(token_hash(token))
    if session is None or session.expires_at <= utc_now():
        return None
    tenant = await tenants_q.by_id(session.tenant_id)
    if tenant is None or tenant.slug != tenant_slug.strip().lower():
        return None
    found = await portal_q.access_of(tenant.id, session.client_id)
    client = await clients_q.get(tenant.id, session.client_id)
    if found is None or not _may_sign_in(client):
        return None
    return PortalClient(tenant.id, tenant.slug, tenant.name, tenant.language, client.id, client.display_name,
                        found.email, csrf_token(token))


async def sign_out(token: str) -> None:
    await portal_q.delete_session(token_hash(token))


async def balances(portal_client: PortalClient) -> list[AccountRecord]:
    """The client's accounts with their balances, one per currency."""
    return await ledger_q.accounts_of(portal_client.tenant_id, portal_client.client_id)


async def documents(portal_client: PortalClient) -> list[DocumentRecord]:
    """The client's issued documents (posted, paid, credited), newest first."""
    found = await documents_q.search(portal_client.tenant_id, DocumentFilter(client_id=portal_client.client_id),
                                     limit=DOCUMENT_LIMIT)
    return [d for d in found if d.status in VISIBLE_STATUSES]


async def document(portal_client: PortalClient, document_id: int) -> DocumentRecord:
    """One of the client's issued documents; another client's, another tenant's or a draft is not found."""
    found = await documents_q.get(portal_client.tenant_id, document_id)
    if found is None or found.client_id != portal_client.client_id or found.status not in VISIBLE_STATUSES:
        raise NotFound("document", document_id)
    return found


async def document_pdf(portal_client: PortalClient, document_id: int, *,
                       registry: PluginRegistry | None = None) -> bytes:
    """The PDF of one of the client's issued documents (as the staff get it, with the variables
    the tenant's plugins add when ``registry`` is given)."""
    await document(portal_client, document_id)
    return await document_render.pdf(portal_client.tenant_id, document_id, registry=registry)


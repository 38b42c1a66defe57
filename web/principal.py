"""Who is calling: an API key (header) or a logged-in user (session cookie).

Session-authenticated unsafe requests must carry the session's CSRF token in the
``X-CSRF-Token`` header or the ``_csrf`` form field; API keys are not cookies and
need none.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from litestar import Request
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from core.db.queries.users import UserRecord
from core.services import auth
from core.services.actor import Actor

SESSION_COOKIE = "saldo_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    actor: Actor
    user: UserRecord | None = None
    csrf_token: str | None = None


def _api_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


async def principal_of(request: Request) -> Principal | None:
    """The caller, looked up once per request."""
    if "principal" in request.state:
        return request.state.principal
    principal = None
    if key := _api_key(request):
        actor = await auth.api_key_actor(key)
        principal = Principal(actor) if actor else None
    elif token := request.cookies.get(SESSION_COOKIE):
        session = await auth.session_principal(token)
        principal = Principal(session.actor, session.user, session.csrf_token) if session else None
    request.state.principal = principal
    return principal


async def check_csrf(request: Request, principal: Principal) -> None:
    if principal.csrf_token is None or request.method in SAFE_METHODS:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get("_csrf")
    if not sent or not hmac.compare_digest(str(sent), principal.csrf_token):
        raise PermissionDeniedException("CSRF token missing or wrong")


async def provide_principal(request: Request) -> Principal:
    principal = await principal_of(request)
    if principal is None:
        raise NotAuthorizedException("authentication required: an API key or a login session")
    await check_csrf(request, principal)
    return principal


async def provide_actor(principal: Principal) -> Actor:
    return principal.actor

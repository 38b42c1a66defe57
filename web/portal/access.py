"""What the portal pages share: the session cookie, who is signed in and the page frame
(language, no caching)."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from core.services import portal
from core.services.portal import PortalClient
from web.i18n import request_language
from web.ui.render import language_cookies

PORTAL_COOKIE = "saldo_portal"


def portal_path(slug: str, rest: str = "") -> str:
    """A path of the tenant's portal; the session cookie is scoped to ``portal_path(slug)``."""
    return f"/portal/{slug}{rest}"


def to_login(slug: str) -> Redirect:
    return Redirect(portal_path(slug, "/login"), status_code=303)


async def portal_client_of(request: Request, slug: str) -> PortalClient | None:
    """The client signed in to this tenant's portal by the request's cookie, or None."""
    token = request.cookies.get(PORTAL_COOKIE)
    signed_in = await portal.session_client(slug, token) if token else None
    if signed_in is not None:
        request.state.tenant_language = signed_in.tenant_language
    return signed_in


def portal_page(request: Request, template: str, *, status_code: int = 200, cookies: list[Cookie] | None = None,
                **context) -> Template:
    """A portal page in the request's language, never cached (it shows a client's money)."""
    return Template(f"portal/{template}", context={"lang": request_language(request)} | context,
                    status_code=status_code, cookies=[*language_cookies(request), *(cookies or [])],
                    headers={"Cache-Control": "no-store"})

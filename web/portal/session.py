"""Signing in to the client portal and out of it.

The sign-in form carries its own anti-forgery token (a cookie and a matching hidden field),
as there is no session yet; signing out needs the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN

from core.services import portal
from web.portal.access import PORTAL_COOKIE, portal_client_of, portal_page, portal_path, to_login
from web.principal import check_csrf
from web.ui.render import settings_of

LOGIN_COOKIE = "saldo_portal_login"


def _login_form(request: Request, slug: str, *, error: str | None = None, email: str = "",
                status_code: int = 200) -> Template:
    token = secrets.token_urlsafe(24)
    cookie = Cookie(key=LOGIN_COOKIE, value=token, path=portal_path(slug, "/login"), max_age=3600, httponly=True,
                    samesite="lax", secure=settings_of(request).secure_cookies)
    return portal_page(request, "login.html", status_code=status_code, cookies=[cookie], slug=slug,
                       login_token=token, error=error, email=email, logged_out="bye" in request.query_params)


class PortalSessionPages(Controller):
    path = "/{slug:str}"

    @get("/login")
    async def login_page(self, request: Request, slug: str) -> Template | Redirect:
        if await portal_client_of(request, slug) is not None:
            return Redirect(portal_path(slug, "/"), status_code=303)
        return _login_form(request, slug)

    @post("/login")
    async def login_submit(self, request: Request, slug: str) -> Template | Redirect:
        form = await request.form()
        email = (form.get("email") or "").strip()
        sent, expected = form.get("_login") or "", request.cookies.get(LOGIN_COOKIE) or ""
        if not sent or not expected or not hmac.compare_digest(sent, expected):
            return _login_form(request, slug, error="portal.login_expired", email=email,
                               status_code=HTTP_403_FORBIDDEN)
        token = await portal.sign_in(slug, email, form.get("password") or "")
        if token is None:
            return _login_form(request, slug, error="portal.login_failed", email=email,
                               status_code=HTTP_401_UNAUTHORIZED)
        settings = settings_of(request)
        cookies = [
            Cookie(key=PORTAL_COOKIE, value=token, path=portal_path(slug), max_age=portal.SESSION_HOURS * 3600,
                   httponly=True, samesite="lax", secure=settings.secure_cookies),
            Cookie(key=LOGIN_COOKIE, value="", path=portal_path(slug, "/login"), max_age=0, expires=0),
        ]
        return Redirect(portal_path(slug, "/"), status_code=303, cookies=cookies)

    @post("/logout")
    async def logout(self, request: Request, slug: str) -> Redirect:
        signed_in = await portal_client_of(request, slug)
        if signed_in is None:
            return to_login(slug)
        await check_csrf(request, signed_in)  # the staff check: it reads only ``csrf_token``
        await portal.sign_out(request.cookies[PORTAL_COOKIE])
        return Redirect(portal_path(slug, "/login"), status_code=303, query_params={"bye": "1"},
                        cookies=[Cookie(key=PORTAL_COOKIE, value="", path=portal_path(slug), max_age=0, expires=0)])

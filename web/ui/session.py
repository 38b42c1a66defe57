"""Signing in and out, and the interface language switch.

The login form carries its own anti-forgery token (a cookie and a matching hidden
field), because there is no session yet whose CSRF token could protect it.
"""

from __future__ import annotations

import hmac
import secrets

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN

from core.services import auth, users
from web.deps import AUTHENTICATED
from web.i18n import normalize, request_language
from web.principal import SESSION_COOKIE, Principal, principal_of
from web.ui.render import form_data, language_cookies, local_path, settings_of

LOGIN_COOKIE = "saldo_login"


def _login_form(request: Request, *, next_path: str, error: str | None = None, organisation: str = "",
                email: str = "", status_code: int = 200) -> Template:
    token = secrets.token_urlsafe(24)
    cookies = [Cookie(key=LOGIN_COOKIE, value=token, path="/login", max_age=3600, httponly=True, samesite="lax",
                      secure=settings_of(request).secure_cookies), *language_cookies(request)]
    context = {"lang": request_language(request), "next": next_path, "login_token": token, "error": error,
               "organisation": organisation, "email": email, "logged_out": "bye" in request.query_params}
    return Template("admin/login.html", context=context, cookies=cookies, status_code=status_code)


class SessionPages(Controller):
    """Sign in, sign out and choose the language; the other pages need a session."""

    path = "/"

    @get("/login")
    async def login_page(self, request: Request, next: str = "/") -> Template | Redirect:
        principal = await principal_of(request)
        if principal is not None and principal.user is not None:
            return Redirect(local_path(next), status_code=303)
        return _login_form(request, next_path=local_path(next))

    @post("/login")
    async def login_submit(self, request: Request) -> Template | Redirect:
        form = await form_data(request)
        next_path = local_path(form.get("next"))
        organisation, email = (form.get("organisation") or "").strip(), (form.get("email") or "").strip()
        sent, expected = form.get("_login") or "", request.cookies.get(LOGIN_COOKIE) or ""
        if not sent or not expected or not hmac.compare_digest(sent, expected):
            return _login_form(request, next_path=next_path, error="login.expired", organisation=organisation,
                               email=email, status_code=HTTP_403_FORBIDDEN)
        settings = settings_of(request)
        result = await auth.login(organisation, email, form.get("password") or "", settings.session_hours)
        if result is None:
            return _login_form(request, next_path=next_path, error="login.failed", organisation=organisation,
                               email=email, status_code=HTTP_401_UNAUTHORIZED)
        cookies = [
            Cookie(key=SESSION_COOKIE, value=result.token, path="/", max_age=settings.session_hours * 3600,
                   httponly=True, samesite="lax", secure=settings.secure_cookies),
            Cookie(key=LOGIN_COOKIE, value="", path="/login", max_age=0, expires=0),
            *language_cookies(request, normalize(result.user.language)),
        ]
        return Redirect(next_path, status_code=303, cookies=cookies)

    @post("/logout", dependencies=AUTHENTICATED)
    async def logout(self, request: Request, principal: Principal) -> Redirect:
        if token := request.cookies.get(SESSION_COOKIE):
            await auth.logout(token)
        return Redirect("/login", status_code=303, query_params={"bye": "1"},
                        cookies=[Cookie(key=SESSION_COOKIE, value="", path="/", max_age=0, expires=0)])

    @post("/language", dependencies=AUTHENTICATED)
    async def switch_language(self, request: Request, principal: Principal) -> Redirect:
        """Remember the chosen language in the cookie and, for a signed-in user, in their profile."""
        form = await form_data(request)
        lang = normalize(form.get("lang")) or request_language(request)
        if principal.user is not None and principal.user.language != lang:
            await users.update(principal.actor, principal.user.id, language=lang)
        return Redirect(local_path(form.get("next")), status_code=303, cookies=language_cookies(request, lang))

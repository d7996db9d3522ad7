"""Who is looking: the session cookie, the user's tenants and the CSRF token.

The session cookie holds a random token (only its hash is stored); it is HttpOnly,
SameSite=Lax, and Secure when the page was served over https. Every POST must carry the
session's CSRF token, derived from the session token with HMAC, as the ``csrf_token``
form field or the ``X-CSRF-Token`` header (htmx sends it from ``hx-headers``). The login
form, sent before there is a session, carries a random token that must match a cookie
(double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Request, Response

from tenure.errors import NotFoundError
from tenure.web._pages import CsrfError, LoginRequired
from tenure.workspace import Deployment, Freshness, Tenant, User, Workspace

__all__ = [
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "PageDep",
    "TenantPage",
    "Viewer",
    "ViewerDep",
    "csrf_of",
    "form_of",
    "get_deployment",
    "reading",
    "set_cookie",
]

SESSION_COOKIE = "tenure_session"
LOGIN_COOKIE = "tenure_login"
CSRF_HEADER = "x-csrf-token"


def csrf_of(token: str) -> str:
    """The CSRF token of a session: an HMAC of its token, so nothing more is stored."""
    return hmac.new(token.encode(), b"tenure-csrf", hashlib.sha256).hexdigest()[:40]


@dataclass(frozen=True)
class Viewer:
    """A logged-in user, the tenants they may open, and their session's CSRF token."""

    user: User
    tenants: tuple[Tenant, ...]
    csrf: str
    token: str

    def tenant(self, slug: str) -> Tenant:
        """The user's tenant with this slug; another tenant is simply not found."""
        for tenant in self.tenants:
            if tenant.slug == slug:
                return tenant
        raise NotFoundError(
            f"there is no workspace {slug!r} among yours; pick one from the menu, or ask an "
            "admin to run 'tenure users add EMAIL --tenant SLUG'"
        )


@dataclass(frozen=True)
class TenantPage:
    """What a page of one tenant's dashboard starts from."""

    viewer: Viewer
    tenant: Tenant


def get_deployment(request: Request) -> Deployment:
    deployment: Deployment = request.app.state.deployment
    return deployment


@contextmanager
def reading(request: Request, page: TenantPage) -> Iterator[tuple[Workspace, Freshness]]:
    """The tenant's reading workspace for a page, serving results stale while they refresh.

    The page reads through :meth:`Deployment.reader` (its own connection, so it does
    not wait for a load of received events), inside :meth:`Workspace.serve_stale`: a
    result computed before the latest load is shown at once and recomputed in the
    background. The :class:`Freshness` says when the numbers shown were computed.
    """
    with get_deployment(request).reader(page.tenant) as ws, ws.serve_stale() as fresh:
        yield ws, fresh


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """Set an HttpOnly, SameSite=Lax cookie (Secure over https) for the whole site."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


async def form_of(request: Request) -> dict[str, str]:
    """The fields of a urlencoded form body (the first value of each)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _viewer(request: Request) -> Viewer:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired("log in to see the dashboard")
    deployment = get_deployment(request)
    session = deployment.web_session(token)
    if session is None:
        raise LoginRequired("the session ended; log in again")
    tenants = tuple(deployment.user_tenants(session.user))
    viewer = Viewer(session.user, tenants, csrf_of(token), token)
    request.state.viewer = viewer
    return viewer


async def get_viewer(request: Request) -> Viewer:
    """The logged-in user; a POST must also carry the session's CSRF token."""
    from starlette.concurrency import run_in_threadpool

    viewer = await run_in_threadpool(_viewer, request)
    if request.method == "POST":
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            sent = (await form_of(request)).get("csrf_token")
        if not sent or not hmac.compare_digest(sent, viewer.csrf):
            raise CsrfError(
                "the form did not carry this session's security token (it may be from an "
                "older session); reload the page and send it again"
            )
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def get_page(slug: str, viewer: ViewerDep) -> TenantPage:
    """The tenant ``slug`` of the URL, if the user may open it (else 404, not 403)."""
    return TenantPage(viewer, viewer.tenant(slug))


PageDep = Annotated[TenantPage, Depends(get_page)]


def new_login_token() -> str:
    """The random token of the login form (double submit against its cookie)."""
    return secrets.token_urlsafe(24)

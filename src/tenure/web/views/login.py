"""``/login``, ``/logout`` and ``/``: sessions in and out, and the way to a workspace."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from tenure.web._auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    ViewerDep,
    form_of,
    get_deployment,
    new_login_token,
    set_cookie,
)
from tenure.web._pages import PageRoute, render
from tenure.workspace import Deployment

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DeploymentDep = Annotated[Deployment, Depends(get_deployment)]


def _safe_next(target: str | None) -> str:
    """Only a path of this site (``/t/acme/``), never another site's URL."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(
    request: Request, *, error: str = "", email: str = "", status: int = 200
) -> Response:
    token = new_login_token()
    context = {
        "title": "Log in",
        "viewer": None,
        "login_token": token,
        "next": _safe_next(request.query_params.get("next")),
        "error": error,
        "email": email,
    }
    response = render(request, "login.html", context, status=status)
    set_cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    """The login form."""
    return _login_page(request)


@router.post("/login")
async def login(request: Request, deployment: DeploymentDep) -> Response:
    """Check the e-mail and password; on success set the session cookie and go on."""
    form = await form_of(request)
    cookie, sent = request.cookies.get(LOGIN_COOKIE, ""), form.get("login_token", "")
    email = form.get("email", "")
    if not cookie or not hmac.compare_digest(cookie, sent):
        message = "The login form had expired; please try again."
        return _login_page(request, error=message, email=email, status=403)
    new = await run_in_threadpool(deployment.login, email, form.get("password", ""))
    if new is None:
        return _login_page(
            request, error="The e-mail or the password is not right.", email=email, status=401
        )
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    seconds = int((new.session.expires_at - deployment.clock.now()).total_seconds())
    set_cookie(request, response, SESSION_COOKIE, new.token, max_age=max(seconds, 1))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(viewer: ViewerDep, deployment: DeploymentDep) -> Response:
    """End the session (the CSRF token was checked) and show the login form."""
    deployment.logout(viewer.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, viewer: ViewerDep) -> Response:
    """The first workspace's overview, or a page saying there is none."""
    if viewer.tenants:
        return RedirectResponse(f"/t/{viewer.tenants[0].slug}/", status_code=303)
    message = (
        f"{viewer.user.email} may not open any workspace yet. An admin gives access with "
        f"'tenure users add {viewer.user.email} --tenant SLUG'."
    )
    context = {"title": "No workspace", "message": message, "status": 200, "viewer": viewer}
    return render(request, "error.html", context)

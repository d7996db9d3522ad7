"""How a dashboard page is answered: templates, the page route and its errors.

Every page route uses :class:`PageRoute`, which turns the errors a view may raise into
HTML: no session sends the browser to the login page (htmx requests get ``HX-Redirect``),
:class:`~tenure.errors.NotFoundError` is a 404 page, any other
:class:`~tenure.errors.TenureError` a 400 page with its message, and a POST without the
session's CSRF token is refused with 403. The API's problem-JSON handlers never see them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Coroutine, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tenure.currencies import is_currency, minor_unit_exponent
from tenure.errors import NotFoundError, TenureError

__all__ = ["CsrfError", "LoginRequired", "PageRoute", "money", "render", "templates"]

TEMPLATES = Path(__file__).parent / "templates"
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class LoginRequired(TenureError):
    """The request has no live session: the browser is sent to log in."""


class CsrfError(TenureError):
    """A POST without the session's CSRF token (a form from another site, or a stale page)."""


def money(value: Any, currency: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    sign = "-" if value < 0 else ""
    amount = abs(float(value))
    text = f"{amount:,.0f}" if amount >= 100 or amount == 0 else f"{amount:,.2f}"
    return f"{sign}{text} {currency}".strip()


def minor(amount_minor: Any, currency: str | None) -> str:
    """An amount in minor units (cents) as money in major units of its currency."""
    if amount_minor is None:
        return "-"
    code = (currency or "").upper()
    exponent = minor_unit_exponent(code) if is_currency(code) else 2
    return money(int(amount_minor) / 10**exponent, code)


def _day(value: Any, length: int = 10) -> str:
    """A date or time as ``YYYY-MM-DD`` (``length=16``: with hours and minutes, UTC)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        at: dt.datetime = value.astimezone(dt.UTC) if value.tzinfo else value
        return at.isoformat(sep=" ")[:length]
    return str(value)[:length]


def _pct(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{float(value) * 100:.{digits}f}%"


def _num(value: Any, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{float(value):,.{digits}f}"


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _json(value: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(value, default=_default, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@cache
def templates() -> Environment:
    """The Jinja2 environment of the dashboard's templates (autoescaped)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, minor=minor, day=_day, pct=_pct, num=_num, json=_json)
    return env


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The template ``name`` rendered with ``context`` (and the request) as a page."""
    html = templates().get_template(name).render(request=request, **context)
    return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    viewer = getattr(request.state, "viewer", None)
    context = {"title": title, "message": message, "status": status, "viewer": viewer}
    return render(request, "error.html", context, status=status)


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/login" if target in ("/", "/logout") else f"/login?next={quote(target, safe='')}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


class PageRoute(APIRoute):
    """A route whose errors are pages: login redirect, 403, 404 or 400 with the message."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return _to_login(request)
            except CsrfError as exc:
                return _error_page(request, 403, "This form has expired", exc.message)
            except NotFoundError as exc:
                return _error_page(request, 404, "Not found", exc.message)
            except TenureError as exc:
                return _error_page(request, 400, "This view cannot be shown", exc.message)

        return page

"""``GET /unsubscribe?token=...`` (a confirmation page) and ``POST`` (unsubscribes).

Every journey e-mail links here and names this URL in ``List-Unsubscribe``; mail
clients POST ``List-Unsubscribe=One-Click`` to it (RFC 8058). A GET only shows a page
with one button, because mail scanners open links on their own; the POST (the button
or the mail client) adds the customer to the e-mail suppression list. The token is
signed with ``[email] unsubscribe_secret``, so no login is needed.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from tenure.errors import ConfigError, NotFoundError, SignatureError

__all__ = ["unsubscribe_router"]

unsubscribe_router = APIRouter(tags=["unsubscribe"])

Token = Annotated[str, Query(min_length=10, max_length=2000)]

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
</head><body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto">
<h1>{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=escape(title), body=body), status_code=status)


@unsubscribe_router.get("/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def confirm(token: Token) -> HTMLResponse:
    form = (
        f'<form method="post" action="/unsubscribe?token={escape(token)}">'
        "<p>Stop receiving these e-mails?</p>"
        '<button type="submit">Unsubscribe</button></form>'
    )
    return _page("Unsubscribe", form)


@unsubscribe_router.post("/unsubscribe", response_class=HTMLResponse, include_in_schema=False)
def unsubscribe(request: Request, token: Token) -> HTMLResponse:
    try:
        request.app.state.deployment.unsubscribe(token)
    except (SignatureError, NotFoundError):
        return _page("Link not valid", "<p>This unsubscribe link is not valid.</p>", 400)
    except ConfigError:
        return _page("Not available", "<p>Unsubscribing is not set up here.</p>", 503)
    return _page("Unsubscribed", "<p>You will not receive these e-mails any more.</p>")

"""``/cancel``: the hosted cancel page, for the cancelling customer (no dashboard login).

The product's backend gets a signed, short-lived token with its secret key
(``POST /v1/cancel-flows/token``) and sends the customer to ``/cancel?token=...``, or
embeds that page in an iframe. The token is the credential: every form carries it, and
it is never in a cookie, so a form posted from another site cannot act (it does not
know the token). The steps are those of the API (docs/cancel-flow.md): the reason, the
offers, accept or decline, the confirmation. Framing is allowed only from
``[offers] frame_ancestors`` (``Content-Security-Policy: frame-ancestors``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from tenure.config import Offer
from tenure.errors import ConflictError, NotFoundError, SignatureError, TenureError
from tenure.store.operational import Tenant
from tenure.web._auth import form_of, get_deployment
from tenure.web._pages import templates
from tenure.workspace import CancelFlow, Deployment

router = APIRouter(include_in_schema=False)
DeploymentDep = Annotated[Deployment, Depends(get_deployment)]

REASON_LABELS = {
    "too_expensive": "It is too expensive",
    "not_using": "I am not using it enough",
    "missing_features": "It is missing features I need",
    "technical_issues": "Technical issues",
    "poor_support": "Poor support",
    "switched_competitor": "I am switching to another product",
    "temporary_budget": "A temporary or budget pause",
    "too_complex": "It is too complex",
    "other": "Something else",
}


def reason_label(code: str) -> str:
    """The survey's wording of a reason code (a custom code is shown readably)."""
    return REASON_LABELS.get(code, code.replace("_", " ").capitalize())


def offer_text(offer: Offer, plan: str | None = None) -> str:
    """An offer as the customer reads it."""
    months = f"{offer.months} month{'s' if offer.months != 1 else ''}"
    if offer.kind == "pause":
        return f"Pause your subscription for {months}: nothing is billed, your data stays."
    if offer.kind == "discount":
        text = f"{offer.percent:g}% off for {months}"
        return text + (" when you switch to the annual plan." if offer.annual_only else ".")
    if offer.kind == "downgrade":
        target = offer.plan or "a cheaper plan"
        return f"Switch to {target} instead of cancelling."
    if offer.kind == "free_month":
        return f"{months} free, on us."
    if offer.kind == "concierge":
        return "A call with our customer-success team to sort it out."
    return "Help to get more out of it" + (f": {offer.url}" if offer.url else ".")


def _page(
    request: Request,
    context: Mapping[str, Any],
    *,
    ancestors: tuple[str, ...] = ("'self'",),
    status: int = 200,
) -> HTMLResponse:
    html = templates().get_template("cancel.html").render(request=request, **context)
    headers = {
        # embeddable by the product's own pages, not by anyone's
        "Content-Security-Policy": "frame-ancestors " + " ".join(ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",  # the token is in the URL
        "Cache-Control": "no-store",
    }
    return HTMLResponse(html, status_code=status, headers=headers)


def _error(request: Request, exc: TenureError, status: int) -> HTMLResponse:
    title = "This link has expired" if "expired" in exc.message else "This link is not valid"
    if status == 404:
        title = "Not found"
    return _page(request, {"step": "error", "title": title, "message": exc.message}, status=status)


def _context(tenant: Tenant, token: str, flow: CancelFlow | None = None) -> dict[str, Any]:
    return {"tenant": tenant.name, "token": token, "flow": flow, "title": "Cancel subscription"}


def _check(deployment: Deployment, token: str) -> tuple[Tenant, str]:
    return deployment.verify_cancel_token(token)


@router.get("/cancel")
async def cancel_page(request: Request, deployment: DeploymentDep, token: str = "") -> Response:
    """The first step: the exit survey (why are you cancelling)."""
    try:
        tenant, customer = await run_in_threadpool(_check, deployment, token)
    except SignatureError as exc:
        return _error(request, exc, 401)

    def reasons() -> tuple[tuple[str, ...], tuple[str, ...]]:
        with deployment.workspace(tenant) as ws:
            ws.customer_profile(customer, timeline=0)
            return ws.settings.offers.reasons, ws.settings.offers.frame_ancestors

    try:
        codes, ancestors = await run_in_threadpool(reasons)
    except NotFoundError as exc:
        return _error(request, exc, 404)
    context = _context(tenant, token) | {
        "step": "reason",
        "attempt": secrets.token_urlsafe(16),
        "reasons": [(c, reason_label(c)) for c in codes],
    }
    return _page(request, context, ancestors=ancestors)


def _step(deployment: Deployment, tenant: Tenant, customer: str, form: dict[str, str]) -> Any:
    """Run the form's step on the tenant's workspace; returns the flow and the settings."""
    action = form.get("action", "")
    with deployment.workspace(tenant) as ws:
        ancestors = ws.settings.offers.frame_ancestors
        if action == "answer":
            # one flow per survey shown: a second submit of the same form finds it
            key = f"hosted:{form.get('attempt', '')}" if form.get("attempt") else None
            flow = ws.cancel_flow_start(customer, key=key)
            if flow.status == "started":
                text = form.get("text") or None
                flow = ws.cancel_flow_answer(flow.id, form.get("reason", ""), text)
            return flow, ancestors
        flow = ws.cancel_flow(form.get("flow_id", ""))
        if flow.customer_id != customer:
            raise NotFoundError("this cancel flow is not the one of this link")
        try:
            if action == "accept":
                flow = ws.cancel_flow_accept(flow.id, form.get("offer", ""))
            elif action == "decline":
                flow = ws.cancel_flow_decline(flow.id, outcome="canceled")
        except ConflictError:  # a second click, or the back button: show where it is
            flow = ws.cancel_flow(flow.id)
        return flow, ancestors


@router.post("/cancel")
async def cancel_step(request: Request, deployment: DeploymentDep) -> Response:
    """The next step: the offers after a reason, the confirmation after accept or decline."""
    form = await form_of(request)
    token = form.get("token", "")
    try:
        tenant, customer = await run_in_threadpool(_check, deployment, token)
    except SignatureError as exc:
        return _error(request, exc, 401)
    try:
        flow, ancestors = await run_in_threadpool(_step, deployment, tenant, customer, form)
    except NotFoundError as exc:
        return _error(request, exc, 404)
    except TenureError as exc:
        context = {"step": "error", "title": "Please try again", "message": exc.message}
        return _page(request, context)
    queued = flow.webhook_queued or flow.stripe_queued
    if queued and (sender := getattr(request.app.state, "sender", None)):
        sender.notify()
    context = _context(tenant, token, flow) | {
        "step": "offers" if flow.status == "answered" else "done",
        "reason": reason_label(flow.reason or ""),
        "offers": [(o.name, offer_text(o)) for o in flow.offers],
        "accepted": next(
            (offer_text(o) for o in flow.offers if o.name == flow.accepted_offer), None
        ),
    }
    return _page(request, context, ancestors=ancestors)

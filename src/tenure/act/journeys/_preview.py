"""Preview a send step for one customer, and send it as a test e-mail (``tenure journeys``).

The texts are rendered exactly as the engine renders them (the customer's locale, the
same variables); traits are those of the warehouse's ``customers`` row.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from tenure.act.journeys._channels import (
    Mailer,
    TemplateRenderError,
    build_email,
    render,
    unsubscribe_token,
)
from tenure.act.journeys._load import template_location
from tenure.act.journeys._people import parse_traits
from tenure.act.journeys._personal import personal_context
from tenure.act.journeys.definition import Journey, SendStep
from tenure.config import Settings
from tenure.errors import ConfigError, Location

__all__ = ["preview_step", "send_test", "template_context"]

_TEXT_KEYS = ("subject", "text", "html", "title", "body")


def template_context(
    customer: dict[str, Any],
    traits: dict[str, Any],
    journey: Journey,
    variant: str | None,
    personal: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The variables of a step's templates: ``customer``, ``traits``, ``journey``, personal.

    The personal ones (``metrics``, ``risk``, ``reasons``, ``segment``, ``offers``) are
    those of :func:`~tenure.act.journeys._personal.personal_context`.
    """
    return {
        "customer": {k: v for k, v in customer.items() if k != "traits"},
        "traits": traits,
        "journey": {"name": journey.name, "variant": variant},
        **(personal or {}),
    }


def warehouse_traits(customer: dict[str, Any]) -> dict[str, Any]:
    """The ``traits`` JSON of a ``customers`` row as a dict (empty when missing or bad)."""
    return parse_traits(customer.get("traits"))


def _send_step(journey: Journey, step_id: str) -> SendStep:
    for step in journey.steps:
        if step.id == step_id:
            if not isinstance(step, SendStep):
                raise ConfigError(
                    f"Step {step_id!r} of the journey {journey.name!r} is a {step.type} step; "
                    "only send steps can be previewed.",
                    location=Location(field=f"{journey.name}.{step_id}"),
                )
            return step
    ids = [s.id for s in journey.steps]
    raise ConfigError(
        f"The journey {journey.name!r} has no step {step_id!r}; its steps are {ids}.",
        location=Location(field=f"{journey.name}.{step_id}"),
    )


def preview_step(
    journey: Journey,
    step_id: str,
    customer: dict[str, Any],
    *,
    settings: Settings,
    tenant_id: str = "preview",
    variant: str | None = None,
    personal: dict[str, Any] | None = None,
    today: dt.date,
    source: Path | None = None,
) -> dict[str, Any]:
    """The rendered texts of a send step for ``customer`` (a ``customers`` row).

    ``personal`` is the customer's row of
    :func:`~tenure.act.journeys._personal.personal_rows` (what the worker reads for a
    batch); without it the personal variables are those of a customer with no stored day.
    ``today`` is the clock's day (the offer policy's discount cooldown). ``source`` is the
    journey's file: a template that cannot be rendered is then reported with the file's
    line.
    """
    try:
        return _preview(journey, step_id, customer, settings, tenant_id, variant, personal, today)
    except TemplateRenderError as exc:
        if source is None or exc.location is None or exc.location.field is None:
            raise
        raise TemplateRenderError(
            exc.message,
            location=_locate(journey, step_id, customer, exc, source),
            template_line=exc.template_line,
            variable=exc.variable,
        ) from exc


def _locate(
    journey: Journey,
    step_id: str,
    customer: dict[str, Any],
    exc: TemplateRenderError,
    source: Path,
) -> Location:
    """The file, line and field of a template that failed in :func:`_preview`."""
    index = journey.index(step_id)
    step = journey.steps[index]
    assert isinstance(step, SendStep) and exc.location is not None
    key = str(exc.location.field).removeprefix(f"{journey.name}.{step_id}.")
    loc: tuple[int | str, ...] = ("steps", index, *key.split("."))
    language = str(customer.get("locale") or "").replace("_", "-").split("-")[0].lower()
    override = step.locales.get(language)
    if override is not None and key in _TEXT_KEYS and getattr(override, key) is not None:
        loc = ("steps", index, "locales", language, key)
    return template_location(source, loc, exc.template_line)


def _preview(
    journey: Journey,
    step_id: str,
    customer: dict[str, Any],
    settings: Settings,
    tenant_id: str,
    variant: str | None,
    personal: dict[str, Any] | None,
    today: dt.date,
) -> dict[str, Any]:
    step = _send_step(journey, step_id)
    texts = step.texts(customer.get("locale"))
    variables = personal_context(
        str(customer.get("customer_id")),
        personal,
        locale=customer.get("locale"),
        settings=settings,
        today=today,
    )
    context = template_context(customer, warehouse_traits(customer), journey, variant, variables)
    where = f"{journey.name}.{step.id}"
    out: dict[str, Any] = {"channel": step.channel, "locale": customer.get("locale")}
    if step.channel == "email":
        secret = settings.email.unsubscribe_secret or "preview"
        token = unsubscribe_token(secret, tenant_id, str(customer.get("customer_id")))
        context["unsubscribe_url"] = f"{settings.email.unsubscribe_url}?token={token}"
        out["to"] = customer.get("email")
        out["unsubscribe_url"] = context["unsubscribe_url"]
    for key in _TEXT_KEYS:
        if texts[key] is not None:
            out[key] = render(texts[key] or "", context, html=key == "html", where=f"{where}.{key}")
    if step.payload:
        out["payload"] = {
            k: render(v, context, where=f"{where}.payload.{k}") if isinstance(v, str) else v
            for k, v in step.payload.items()
        }
    return out


def send_test(preview: dict[str, Any], *, settings: Settings, to: str, at: float) -> str:
    """Send a previewed e-mail to ``to`` (not the customer) now; returns its Message-ID."""
    if preview.get("channel") != "email":
        raise ConfigError(
            f"Only e-mail steps can be test-sent; this step's channel is {preview.get('channel')}."
        )
    message_id = "test." + secrets.token_hex(8)
    message = build_email(
        settings.email,
        to=to,
        subject="[test] " + str(preview.get("subject", "")),
        text=str(preview.get("text", "")),
        html=preview.get("html"),
        message_id=message_id,
        unsubscribe_link=str(preview.get("unsubscribe_url", settings.email.unsubscribe_url)),
        at=at,
    )
    mailer = Mailer(settings.email)
    try:
        mailer.send(message)
    finally:
        mailer.close()
    return str(message["Message-ID"])

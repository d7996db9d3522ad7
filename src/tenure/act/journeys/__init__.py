"""Journeys: event-, segment-, score- and billing-triggered messaging (docs/journeys.md).

Definitions are YAML files (:func:`load_journey`), run by a :class:`JourneyRunner`
per tenant whose state lives in the operational store.
"""

from tenure.act.journeys._channels import (
    Mailer,
    TemplateRenderError,
    build_email,
    read_unsubscribe_token,
    render,
    unsubscribe_tenant,
    unsubscribe_token,
)
from tenure.act.journeys._load import (
    TEMPLATE_VARIABLES,
    journey_file,
    journey_files,
    load_journey,
    load_journeys,
)
from tenure.act.journeys._personal import PERSONAL_VARIABLES, personal_context, personal_rows
from tenure.act.journeys._preview import preview_step, send_test, template_context
from tenure.act.journeys._triggers import assign_arm, bucket, triggered
from tenure.act.journeys.definition import Journey, parse_duration
from tenure.act.journeys.engine import JourneyRunner, TickResult, worker_id

__all__ = [
    "PERSONAL_VARIABLES",
    "TEMPLATE_VARIABLES",
    "Journey",
    "JourneyRunner",
    "Mailer",
    "TemplateRenderError",
    "TickResult",
    "assign_arm",
    "bucket",
    "build_email",
    "journey_file",
    "journey_files",
    "load_journey",
    "load_journeys",
    "parse_duration",
    "personal_context",
    "personal_rows",
    "preview_step",
    "read_unsubscribe_token",
    "render",
    "send_test",
    "template_context",
    "triggered",
    "unsubscribe_tenant",
    "unsubscribe_token",
    "worker_id",
]

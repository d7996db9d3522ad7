"""Journeys: event-, segment-, score- and billing-triggered messaging (docs/journeys.md).

Definitions are YAML files (:func:`load_journey`), run by a :class:`JourneyRunner`
per tenant whose state lives in the operational store.
"""

from tenure.act.journeys._channels import (
    Mailer,
    build_email,
    read_unsubscribe_token,
    render,
    unsubscribe_tenant,
    unsubscribe_token,
)
from tenure.act.journeys._load import journey_files, load_journey, load_journeys
from tenure.act.journeys._preview import preview_step, send_test, template_context
from tenure.act.journeys._triggers import assign_arm, bucket, triggered
from tenure.act.journeys.definition import Journey, parse_duration
from tenure.act.journeys.engine import JourneyRunner, TickResult, worker_id

__all__ = [
    "Journey",
    "JourneyRunner",
    "Mailer",
    "TickResult",
    "assign_arm",
    "bucket",
    "build_email",
    "journey_files",
    "load_journey",
    "load_journeys",
    "parse_duration",
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

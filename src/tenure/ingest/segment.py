"""Segment-spec events: ``identify``, ``track``, ``page``, ``screen``, ``group``, ``alias``.

Accepts one message per line (JSON Lines), the HTTP API's ``batch`` envelope
(``{"batch": [...]}``), or a JSON array. Each message maps to one row of
``events``; ``messageId`` is the key, so re-sending a message adds nothing.
The account an event belongs to is ``context.groupId`` (Segment's B2B
convention), a ``group`` call's ``groupId``, or ``traits.customer_id``.
"""

from __future__ import annotations

import datetime as dt

from tenure.ingest._columns import _STAGE, Col, select_sql
from tenure.ingest.batch import Load
from tenure.schema import table_spec

__all__ = ["segment_loads"]

TYPES = ("identify", "track", "page", "screen", "group", "alias")

MESSAGE = (
    Col("message_id", paths=("$.messageId",), required=True),
    Col("type", paths=("$.type",), required=True, choices=TYPES),
    Col("event", paths=("$.event",)),
    Col("name", paths=("$.name",)),
    Col("user_id", paths=("$.userId",)),
    Col("anonymous_id", paths=("$.anonymousId",)),
    Col(
        "customer_id",
        expr="coalesce(json_extract_string(o, '$.context.groupId'), CASE WHEN "
        "json_extract_string(o, '$.type') = 'group' THEN json_extract_string(o, '$.groupId') END,"
        " json_extract_string(o, '$.traits.customer_id'), "
        "json_extract_string(o, '$.context.traits.customer_id'))",
    ),
    Col("properties", "json", ("$.properties",)),
    Col("traits", "json", ("$.traits", "$.context.traits")),
    Col("device_type", paths=("$.context.device.type",)),
    Col("os_name", paths=("$.context.os.name",)),
    Col("locale", paths=("$.context.locale",)),
    Col("timezone", paths=("$.context.timezone",)),
    Col("country", paths=("$.context.location.country",)),
    Col("page_path", paths=("$.context.page.path", "$.properties.path")),
    Col(
        "occurred_at", "iso", ("$.timestamp", "$.originalTimestamp"), required=True, not_future=True
    ),
)

CHECKS = (
    ("event", "{type} = 'track' AND {event} IS NULL", "'a track call needs an ''event'' name'"),
    (
        "userId",
        "{user_id} IS NULL AND {anonymous_id} IS NULL",
        "'either ''userId'' or ''anonymousId'' is required (Segment spec)'",
    ),
)


def segment_loads(*, future_limit: dt.datetime) -> tuple[Load, ...]:
    """One load into ``events`` from ``_stage``."""
    spec = table_spec("events")
    return (
        Load(
            spec,
            select_sql(
                MESSAGE,
                _STAGE,
                future_limit=future_limit,
                checks=CHECKS,
            ),
        ),
    )

"""Stripe webhooks: check a delivery's signature, and plan its events like a file of events.

Stripe signs every webhook delivery (https://docs.stripe.com/webhooks#verify-manually).
The ``Stripe-Signature`` header reads ``t=1700000000,v1=5257a8...[,v1=...][,v0=...]``:
``t`` is when Stripe signed, each ``v1`` is the hex HMAC-SHA256 of ``f"{t}.{body}"`` under
one of the endpoint's secrets (``whsec_...``; two while a secret is being rolled), and
``v0`` is a test-mode scheme that is ignored. :func:`verify_stripe_signature` accepts a
delivery when any ``v1`` matches (compared in constant time) and ``t`` lies within the
tolerance of ``now``, which the caller passes in (the workspace clock).

:func:`plan_stripe_events` turns verified events into a :class:`~tenure.ingest.Batch`
that runs through the same Stripe mapping as ``tenure ingest`` of an events export
(``tenure.ingest.stripe``): each event is a row of ``stripe_events``, and its
``data.object`` a version of that object at the event's ``created`` time. The store
writes it like any file, so the same rows, duplicates and rejects come out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tenure.errors import ConfigError, DataError, SignatureError
from tenure.ingest._columns import q
from tenure.ingest._read import CLEANUP
from tenure.ingest.batch import Batch
from tenure.ingest.stripe import TYPES_SQL, stripe_loads

__all__ = ["WEBHOOK_SOURCE", "plan_stripe_events", "verify_stripe_signature"]

WEBHOOK_SOURCE = "stripe-webhook"
"""The ``source`` of rows and rejects that came through webhooks."""

_SCHEME = "v1"


def _parse_header(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError(
                    f"the Stripe-Signature header's timestamp t={value!r} is not a whole "
                    "number of seconds"
                ) from None
        elif key == _SCHEME:
            signatures.append(value)
    if timestamp is None:
        raise SignatureError(
            "the Stripe-Signature header has no timestamp (t=...); expected "
            "'t=<unix seconds>,v1=<hex signature>'"
        )
    if not signatures:
        raise SignatureError(
            "the Stripe-Signature header has no v1 signature; expected "
            "'t=<unix seconds>,v1=<hex signature>' (v0 test signatures are not accepted)"
        )
    return timestamp, signatures


def verify_stripe_signature(
    payload: bytes,
    header: str | None,
    secret: str,
    *,
    tolerance_seconds: int = 300,
    now: dt.datetime,
) -> dict[str, Any]:
    """Check a Stripe webhook delivery and return its event.

    Parameters
    ----------
    payload
        The request body exactly as received (bytes, before any JSON parsing).
    header
        The ``Stripe-Signature`` header (None or empty when the request had none).
    secret
        The endpoint's signing secret (``whsec_...``).
    tolerance_seconds
        How far ``t`` may lie from ``now``, either way (Stripe's libraries use 300).
        ``0`` turns the time check off.
    now
        The current time, from the caller's clock.

    Returns
    -------
    dict
        The parsed event (``{"id": "evt_...", "type": ..., "data": {"object": ...}}``).

    Raises
    ------
    SignatureError
        When the header is missing or malformed, no ``v1`` signature matches, or ``t``
        is outside the tolerance. The message says which.
    DataError
        When the signed body is not a JSON object.
    ConfigError
        When ``secret`` is empty.

    Examples
    --------
    >>> import datetime as dt, hashlib, hmac
    >>> body = b'{"id": "evt_1", "object": "event", "type": "ping"}'
    >>> sig = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    >>> now = dt.datetime.fromtimestamp(1700000060, dt.UTC)
    >>> verify_stripe_signature(body, f"t=1700000000,v1={sig}", "whsec_x", now=now)["id"]
    'evt_1'
    """
    if not secret:
        raise ConfigError("the Stripe webhook endpoint secret is empty; set it (whsec_...)")
    if not header or not header.strip():
        raise SignatureError(
            "the request has no Stripe-Signature header; Stripe signs every webhook delivery, "
            "so this request did not come from Stripe"
        )
    timestamp, signatures = _parse_header(header)
    signed = str(timestamp).encode() + b"." + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected.encode(), s.encode()) for s in signatures):
        raise SignatureError(
            "no v1 signature in the Stripe-Signature header matches the body; check the "
            "endpoint secret (whsec_...) and that the raw request body is verified unchanged"
        )
    if tolerance_seconds > 0:
        age = now.timestamp() - timestamp
        if abs(age) > tolerance_seconds:
            signed_at = dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()
            side = "old" if age > 0 else "far in the future"
            raise SignatureError(
                f"the signature's timestamp {signed_at} is {abs(age):.0f} s {side}, outside "
                f"the tolerance of {tolerance_seconds} s; a replayed delivery, or a clock "
                "that is wrong"
            )
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise DataError(f"the webhook body is not valid JSON: {exc}") from None
    if not isinstance(event, dict):
        raise DataError("the webhook body is JSON but not an object; Stripe sends one event")
    return event


def plan_stripe_events(
    events: Sequence[Mapping[str, Any]],
    *,
    now: dt.datetime,
    future_tolerance: dt.timedelta = dt.timedelta(hours=24),
    source: str = WEBHOOK_SOURCE,
) -> Batch:
    """Plan the ingestion of Stripe event objects received in memory (webhook deliveries).

    The batch is what :func:`~tenure.ingest.plan_file` makes for a JSON Lines file of
    the same events: event ``i`` is line ``i + 1`` of ``source``, and a reject's path
    starts with its event id (``evt_1.data.object.items.data[0]``). A record that is not
    a Stripe event (``"object": "event"``) is rejected with a reason.

    Parameters
    ----------
    events
        Event objects as Stripe sends them.
    now
        The current time; later timestamps (beyond ``future_tolerance``) are rejected.
    source
        What rejects and the ingest log name as the source.
    """
    rows = ", ".join(
        f"({i}, {q(json.dumps(e, ensure_ascii=False, separators=(',', ':')))})"
        for i, e in enumerate(events, start=1)
    )
    staged = (
        *CLEANUP,
        "CREATE TEMP TABLE _raw AS SELECT CAST(_line AS BIGINT) AS _line, text, "
        "try(json_extract_string(text, '$.object')) AS otype, "
        "try(json_extract_string(text, '$.id')) AS event_id "
        f"FROM (VALUES {rows}) AS t(_line, text)",
        "CREATE TEMP TABLE _bad AS SELECT _line, event_id AS _path, 'object' AS _field, "
        '\'a webhook delivery must be a Stripe event ("object": "event"); got \' || '
        "coalesce('''' || otype || '''', 'no object field') AS _reason, "
        "left(text, 2000) AS _record FROM _raw WHERE otype IS DISTINCT FROM 'event'",
        "CREATE TEMP VIEW _stage AS SELECT _line, event_id AS _path, text AS o, "
        "FALSE AS _lenient, otype AS _otype FROM _raw WHERE otype = 'event'",
    )
    extra, loads = stripe_loads(future_limit=now + future_tolerance, now=now)
    return Batch(
        Path(source),
        "stripe",
        "webhook",
        setup=(*staged, *extra) if events else (),
        loads=loads if events else (),
        teardown=CLEANUP,
        types_sql=TYPES_SQL if events else None,
    )

"""Signed outgoing webhooks: sign, verify, one delivery attempt, and the retry schedule.

The signature follows Stripe's scheme so product teams meet a familiar pattern: the header
``Tenure-Signature: t=<unix seconds>,v1=<hex>`` where ``hex`` is
``HMAC-SHA256(secret, f"{t}.{body}")``. Receivers recompute it over the raw body and reject
timestamps older than a tolerance (replay protection). ``Tenure-Event-Id`` is stable across
retries so a receiver can drop duplicates.

Retrying is the caller's job (an outbox in the operational store); :func:`backoff` gives the
wait before each attempt so every sender backs off the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import httpx

from tenure.errors import SignatureError

__all__ = ["EVENT_ID_HEADER", "SIGNATURE_HEADER", "Delivery", "backoff", "post", "sign", "verify"]

SIGNATURE_HEADER = "Tenure-Signature"
EVENT_ID_HEADER = "Tenure-Event-Id"


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``Tenure-Signature`` header value for ``body`` sent at ``timestamp`` (unix seconds).

    >>> sign("s3cret", b'{"a":1}', 1700000000)[:13]
    't=1700000000,'
    """
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify(secret: str, body: bytes, header: str, now: int, tolerance: int = 300) -> int:
    """Check a ``Tenure-Signature`` header; returns its timestamp or raises SignatureError.

    >>> header = sign("s3cret", b"{}", 1700000000)
    >>> verify("s3cret", b"{}", header, now=1700000060)
    1700000000
    """
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise SignatureError(
            f"{SIGNATURE_HEADER} header {header!r} is malformed: "
            "expected 't=<unix seconds>,v1=<hex>'"
        ) from exc
    if abs(now - timestamp) > tolerance:
        raise SignatureError(
            f"{SIGNATURE_HEADER} timestamp {timestamp} is {abs(now - timestamp)} s from now "
            f"(tolerance {tolerance} s): a replay, or the clocks disagree"
        )
    if not hmac.compare_digest(given, _digest(secret, timestamp, body)):
        raise SignatureError(
            f"{SIGNATURE_HEADER} does not match the body: check that the receiver uses the "
            "same [webhooks] secret and hashes the raw request body"
        )
    return timestamp


def backoff(attempt: int, base_seconds: float, cap_seconds: float) -> dt.timedelta:
    """The wait after failed attempt number ``attempt`` (1-based): base · 2^(attempt-1), capped.

    >>> [backoff(n, 30, 3600).total_seconds() for n in (1, 2, 3, 9)]
    [30.0, 60.0, 120.0, 3600.0]
    """
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** (attempt - 1)))


@dataclass(frozen=True, slots=True)
class Delivery:
    """The outcome of one attempt: ``ok`` for a 2xx answer; ``retry`` if another may succeed."""

    ok: bool
    status: int | None
    error: str | None

    @property
    def retry(self) -> bool:
        """False for answers that a retry cannot change (4xx other than 408, 409 and 429)."""
        if self.ok:
            return False
        if self.status is None:
            return True
        return self.status >= 500 or self.status in (408, 409, 429)


def post(
    client: httpx.Client,
    url: str,
    body: bytes,
    *,
    secret: str,
    event_id: str,
    timestamp: int,
) -> Delivery:
    """One signed POST of ``body`` (JSON) to ``url``; network errors become a failed Delivery."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body, timestamp),
        EVENT_ID_HEADER: event_id,
        "User-Agent": "Tenure-Webhooks/1",
    }
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Delivery(ok=False, status=None, error=f"{type(exc).__name__}: {exc}")
    if 200 <= response.status_code < 300:
        return Delivery(ok=True, status=response.status_code, error=None)
    return Delivery(
        ok=False,
        status=response.status_code,
        error=f"HTTP {response.status_code}: {response.text[:200]}",
    )

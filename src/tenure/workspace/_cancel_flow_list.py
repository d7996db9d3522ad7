"""A page of the tenant's cancel flows, newest first, with an opaque keyset cursor.

Mixed into :class:`tenure.Workspace` (docs/cancel-flow.md, "Listing flows"); served as
``GET /v1/cancel-flows``. Flows are ordered by ``started_at`` and then ``id``, both
descending; the cursor is the base64url JSON of the last flow's ``started_at`` and
``id``, so a page never repeats or skips a flow while new ones start.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import and_, or_, select

from tenure.errors import ConfigError, Location

if TYPE_CHECKING:
    from tenure.workspace._cancel_flows import CancelFlowsMixin

__all__ = ["FLOW_OUTCOMES", "FLOW_STATUSES", "CancelFlowListMixin"]

FLOW_STATUSES = ("started", "answered", "finished")
FLOW_OUTCOMES = ("saved", "paused", "downgraded", "canceled")
_MAX_LIMIT = 500


def _encode(started_at: dt.datetime, flow_id: str) -> str:
    raw = json.dumps({"started_at": started_at.isoformat(), "id": flow_id}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[dt.datetime, str]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        started = dt.datetime.fromisoformat(payload["started_at"])
        flow_id = str(payload["id"])
    except (ValueError, binascii.Error, TypeError, KeyError) as exc:
        raise ConfigError(
            "The 'cursor' parameter of Workspace.cancel_flows must be a next_cursor returned "
            f"by an earlier page. Got {cursor!r} instead ({exc}).",
            location=Location(field="cursor"),
        ) from None
    return started if started.tzinfo else started.replace(tzinfo=dt.UTC), flow_id


def _check(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ConfigError(
            f"The {name!r} parameter of Workspace.cancel_flows must be one of "
            f"{', '.join(allowed)}. Got {value!r} instead.",
            location=Location(field=name),
        )


class CancelFlowListMixin:
    """``Workspace.cancel_flows()``: the tenant's flows, a page at a time."""

    def cancel_flows(
        self,
        *,
        status: str | None = None,
        outcome: str | None = None,
        customer_id: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """A page of this tenant's cancel flows, newest first (by ``started_at``, then id).

        ``status`` (started, answered, finished), ``outcome`` (saved, paused, downgraded,
        canceled) and ``customer_id`` filter the flows. Pass a page's ``next_cursor`` as
        ``cursor`` for the next one (with the same filters). Returns ``{"items":
        [CancelFlow, ...], "next_cursor"}``; ``next_cursor`` is None on the last page.

        Raises
        ------
        ConfigError
            An unknown ``status`` or ``outcome``, ``limit`` outside [1, 500], or a cursor
            not returned by this method.
        """
        from tenure.workspace._cancel_flows import _FLOWS

        _check("status", status, FLOW_STATUSES)
        _check("outcome", outcome, FLOW_OUTCOMES)
        if not 1 <= limit <= _MAX_LIMIT:
            raise ConfigError(
                "The 'limit' parameter of Workspace.cancel_flows must be an int in the range "
                f"[1, {_MAX_LIMIT}]. Got {limit!r} instead.",
                location=Location(field="limit"),
            )
        flows = cast("CancelFlowsMixin", self)
        t = _FLOWS.c
        query = select(_FLOWS).where(t.tenant_id == flows._tenant_id)
        if status is not None:
            query = query.where(t.status == status)
        if outcome is not None:
            query = query.where(t.outcome == outcome)
        if customer_id is not None:
            query = query.where(t.customer_id == customer_id)
        if cursor is not None:
            started, flow_id = _decode(cursor)
            query = query.where(
                or_(t.started_at < started, and_(t.started_at == started, t.id < flow_id))
            )
        query = query.order_by(t.started_at.desc(), t.id.desc()).limit(limit + 1)
        with flows._flow_tx("list cancel flows") as con:
            rows = list(con.execute(query).all())
        items = [flows._flow(row) for row in rows[:limit]]
        more = len(rows) > limit
        last = items[-1] if items and more else None
        return {
            "items": items,
            "next_cursor": _encode(last.started_at, last.id) if last is not None else None,
        }

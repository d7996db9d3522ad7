"""The customer list's parameters, page query and keyset cursor.

:meth:`~tenure.workspace._profiles.ProfilesMixin.customers` checks its arguments here,
compiles :func:`page_query` once per day, sort, filters and limit, and binds the cursor's
id and value into the SQL on every call (``docs/customers.md``, "Cursors").

The cursor is opaque: base64url JSON of the day, the sort, the last row's sort value and
customer id, so pages stay stable while the table grows.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from tenure.errors import ConfigError
from tenure.workspace._profile_queries import bind

__all__ = [
    "HEALTH_BANDS",
    "LIST_FIELDS",
    "SORT_FIELDS",
    "bind_cursor",
    "check_page",
    "cursor_mode",
    "next_cursor",
    "page_query",
    "resume",
    "sort_of",
]

SORT_FIELDS = (
    "churn_probability",
    "health",
    "mrr",
    "ltv",
    "account_age_days",
    "renewal_in_days",
    "customer_id",
)
"""Fields the customer list sorts by (``-field`` for descending)."""
HEALTH_BANDS = ("green", "yellow", "red")
LIST_FIELDS = (
    "customer_id",
    "name",
    "email",
    "plan",
    "mrr",
    "health",
    "health_band",
    "churn_probability",
    "ltv",
    "account_age_days",
    "renewal_in_days",
    "cancel_pending",
)
"""The fields of each item of the customer list."""

_PROFILES = "customer_profiles"
_MEMBERS = "segment_members"
_MAX_LIMIT = 500
_CURSOR_ID = "__tenure_cursor_id__"
_CURSOR_VALUE = "__tenure_cursor_value__"


def _encode_cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        if not isinstance(payload, dict) or not {"as_of", "sort", "id"} <= payload.keys():
            raise ValueError("fields missing")
        dt.date.fromisoformat(payload["as_of"])
    except (ValueError, binascii.Error, TypeError) as exc:
        raise ConfigError(
            f"The 'cursor' parameter of Workspace.customers must be a next_cursor returned by "
            f"an earlier page. Got {cursor!r} instead ({exc})."
        ) from None
    return payload


def sort_of(sort: str) -> tuple[str, bool]:
    """The field and direction (descending or not) of ``sort``."""
    descending = sort.startswith("-")
    field = sort.lstrip("-+")
    if field not in SORT_FIELDS:
        raise ConfigError(
            "The 'sort' parameter of Workspace.customers must be one of "
            f"{', '.join(SORT_FIELDS)} (with - for descending). Got {sort!r} instead."
        )
    return field, descending


def check_page(
    *, limit: int, risk_min: float | None, risk_max: float | None, health_band: str | None
) -> None:
    """Raise ``ConfigError`` for a limit, risk bound or health band out of range."""
    if not 1 <= limit <= _MAX_LIMIT:
        raise ConfigError(
            "The 'limit' parameter of Workspace.customers must be an int in the range "
            f"[1, {_MAX_LIMIT}]. Got {limit!r} instead."
        )
    for name, bound in (("risk_min", risk_min), ("risk_max", risk_max)):
        if bound is not None and not 0 <= bound <= 1:
            raise ConfigError(
                f"The {name!r} parameter of Workspace.customers must be a float in the "
                f"range [0, 1]. Got {bound!r} instead."
            )
    if health_band is not None and health_band not in HEALTH_BANDS:
        raise ConfigError(
            "The 'health_band' parameter of Workspace.customers must be one of "
            f"{', '.join(HEALTH_BANDS)}. Got {health_band!r} instead."
        )


def resume(cursor: str, *, sort: str, as_of: dt.date | None) -> tuple[dict[str, Any], dt.date]:
    """The decoded ``cursor`` and the day it pins, checked against ``sort`` and ``as_of``."""
    after = _decode_cursor(cursor)
    if after["sort"] != sort:
        raise ConfigError(
            f"The 'cursor' parameter of Workspace.customers belongs to a list sorted by "
            f"{after['sort']!r}, not {sort!r}; start again without a cursor."
        )
    cursor_day = dt.date.fromisoformat(after["as_of"])
    if as_of is not None and as_of != cursor_day:
        raise ConfigError(
            f"The 'cursor' parameter of Workspace.customers is for {cursor_day}, "
            f"not the as_of {as_of}; start again without a cursor."
        )
    return after, cursor_day


def cursor_mode(after: dict[str, Any] | None, field: str) -> str | None:
    """How the page starts after the cursor's row: ``"value"``, ``"null"`` or None (first page).

    ``"null"`` when the cursor's row has no value for ``field`` (or the sort is by id).
    """
    if after is None:
        return None
    return "value" if field != "customer_id" and after.get("v") is not None else "null"


def page_query(
    con: BaseBackend,
    day: dt.date,
    *,
    segment: str | None,
    risk_min: float | None,
    risk_max: float | None,
    plan: str | None,
    health_band: str | None,
    field: str,
    descending: bool,
    limit: int,
    mode: str | None,
) -> ir.Table:
    """One page (``limit + 1`` rows) of the day's profiles, with the cursor as placeholders."""
    p = con.table(_PROFILES)
    t = p.filter(p.as_of == day)
    if segment is not None:
        if _MEMBERS in con.list_tables():
            m = con.table(_MEMBERS)
            m = m.filter((m.as_of == day) & (m.segment == segment))
            t = t.semi_join(m, t.customer_id == m.customer_id)
        else:
            t = t.filter(ibis.literal(False))
    if risk_min is not None:
        t = t.filter(t.churn_probability >= risk_min)
    if risk_max is not None:
        t = t.filter(t.churn_probability <= risk_max)
    if plan is not None:
        t = t.filter(t.plan == plan)
    if health_band is not None:
        t = t.filter(t.health_band == health_band)
    if mode is not None:
        t = t.filter(_after(t, field, descending, with_value=mode == "value"))
    order = [
        t[field].isnull(),
        ibis.desc(field) if descending else ibis.asc(field),
        ibis.asc("customer_id"),
    ]
    if field == "customer_id":
        order = [ibis.desc("customer_id") if descending else ibis.asc("customer_id")]
    c = con.table("customers").select("customer_id", "name", "email")
    page = t.order_by(order).limit(limit + 1)
    page = page.left_join(c, page.customer_id == c.customer_id)
    cols = [x for x in LIST_FIELDS if x in page.columns]
    return page.select(*cols).order_by(order)


def _after(t: ir.Table, field: str, descending: bool, *, with_value: bool) -> ir.Value:
    """Rows after the cursor's row in the order ``(isnull, field, id)``.

    The cursor's id and value are placeholders, bound when the query runs.
    """
    last_id = ibis.literal(_CURSOR_ID)
    if field == "customer_id":
        return t.customer_id < last_id if descending else t.customer_id > last_id
    key = t[field]
    if not with_value:  # the cursor is among the rows without a value: they sort last
        return key.isnull() & (t.customer_id > last_id)
    value = ibis.literal(_CURSOR_VALUE).cast(key.type())
    beyond = key < value if descending else key > value
    return key.isnull() | beyond | ((key == value) & (t.customer_id > last_id))


def bind_cursor(sql: str, after: dict[str, Any] | None, mode: str | None) -> str:
    """``sql`` of :func:`page_query` with the cursor's id (and value) bound."""
    if after is not None:
        sql = bind(sql, str(after["id"]), placeholder=_CURSOR_ID)
        if mode == "value":
            sql = bind(sql, repr(float(after["v"])), placeholder=_CURSOR_VALUE)
    return sql


def next_cursor(last: dict[str, Any], *, day: dt.date, sort: str, field: str) -> str:
    """The cursor of the page after the one that ends with the row ``last``."""
    return _encode_cursor(
        {
            "as_of": day.isoformat(),
            "sort": sort,
            "v": last[field],
            "id": last["customer_id"],
        }
    )

"""The workspace's customer reads: one customer's 360° profile, and the customer list.

Mixed into :class:`tenure.Workspace`; the API's ``GET /v1/customers/{id}`` and
``GET /v1/customers`` call these (``docs/customers.md``). Everything is read from the
warehouse with Ibis, filtered there by customer id or by day, so a call moves one
customer's rows (or one page) to Python, never a whole table:

- the day's stored results (``customer_profiles``, ``health_scores``, ``churn_scores``,
  ``segment_members``), one slice per ``as_of`` written by ``Workspace.refresh``;
- the canonical tables (``customers``, ``subscriptions``, ``invoices``, ``payments``,
  ``events``, ``support_tickets``, ``feedback``, ``stripe_events``) for identity, billing
  and the timeline.

The list pages with an opaque keyset cursor, so pages stay stable while the table grows;
its parameters, page query and cursor are in ``_customer_list.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ibis.expr.types as ir

from tenure.errors import ConfigError, NotFoundError, StoreError
from tenure.workspace._cards import CARDS, head_sql, split_head
from tenure.workspace._customer_list import (
    bind_cursor,
    check_page,
    cursor_mode,
    next_cursor,
    page_query,
    resume,
    sort_of,
)
from tenure.workspace._profile_queries import (
    COMPONENTS,
    DETAIL_PARTS,
    bind,
    clean,
    customer_query,
    details_query,
    scores_query,
    segments_query,
    split_details,
    timeline_query,
)
from tenure.workspace._timeline_copy import (
    APPEND_ONLY,
    COPY,
    TailState,
    appended_expr,
    current_expr,
    delta_views,
    has_copy,
    items_sql,
    replaced_expr,
    sync_tail,
    token,
)

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from tenure.config import Settings
    from tenure.decide import Segment
    from tenure.store import Warehouse

__all__ = ["ProfilesMixin"]

_PROFILES = "customer_profiles"
_CACHE_SIZE = 64
_CACHE_SECONDS = 300.0


def _json_list(text: str | None) -> list[Any]:
    return list(json.loads(text)) if text else []


class ProfilesMixin:
    settings: Settings

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

        def _definition(self, name: str) -> Segment: ...

    @property
    def _wh(self) -> BaseBackend:
        return self.warehouse.ibis

    def profile_day(self) -> dt.date | None:
        """The latest day with stored customer profiles (``Workspace.refresh``), or None."""
        try:
            rows = self._run(self._compiled("profile_day", self._day_query))
        except Exception:
            if _PROFILES not in self._wh.list_tables():
                return None
            raise
        value = rows[0]["day"] if rows else None
        return value if isinstance(value, dt.date) else None

    def _day_query(self) -> ir.Table:
        return self._wh.table(_PROFILES).aggregate(day=lambda t: t.as_of.max())

    # -- compiled once, bound per call -----------------------------------------------------

    def _compiled(self, key: Any, build: Callable[[], ir.Table | None]) -> str:
        """The SQL of ``build()``, compiled once per ``key`` for this workspace.

        ``""`` when ``build`` returns None (a query that does not apply here).

        Compiling an Ibis expression costs far more than running it on one customer's
        rows, so the per-customer queries are compiled with a placeholder id and bound
        by :func:`~tenure.workspace._profile_queries.bind` on every call. An entry is
        compiled again after ``_CACHE_SECONDS``, so result tables that another process
        adds later (a first churn scoring, say) are picked up.
        """
        cache: dict[Any, tuple[float, str]] | None = getattr(self, "_profile_sql", None)
        if cache is None:
            cache = {}
            self._profile_sql = cache
        tick = time.monotonic()
        hit = cache.get(key)
        if hit is None or tick - hit[0] > _CACHE_SECONDS:
            if hit is None and len(cache) >= _CACHE_SIZE:
                cache.pop(next(iter(cache)))
            expr = build()
            hit = (tick, "" if expr is None else str(self._wh.compile(expr)))
            cache[key] = hit
        return hit[1]

    def _run(self, sql: str) -> list[dict[str, Any]]:
        warehouse = self.warehouse
        try:
            if warehouse.embedded:
                table = warehouse.con.execute(sql).to_arrow_table()
            else:
                table = self._wh.sql(sql).to_pyarrow()
        except Exception as exc:
            raise StoreError(f"reading customers from the warehouse failed: {exc}") from exc
        rows: list[dict[str, Any]] = table.to_pylist()
        return rows

    # -- one customer --------------------------------------------------------------------

    def customer_profile(
        self, customer_id: str, *, as_of: dt.date | None = None, timeline: int = 50
    ) -> dict[str, Any]:
        """Everything known about one customer: the customer 360 (``docs/customers.md``).

        Identity, plan, MRR and tenure, health with its components, churn risk with
        reasons in English and German, segments and lifetime value come from the
        profiles stored for ``as_of`` (default: the latest day refreshed; all None before
        any refresh). The ``timeline`` newest events (product events, subscription
        changes, invoices, payments, support tickets, feedback) come newest first, from
        the canonical tables; with an explicit ``as_of`` only those before that day.

        Raises
        ------
        NotFoundError
            When no customer has this id.
        ConfigError
            When ``timeline`` is negative.
        """
        if not isinstance(timeline, int) or timeline < 0:
            raise ConfigError(
                "The 'timeline' parameter of Workspace.customer_profile must be an int >= 0. "
                f"Got {timeline!r} instead."
            )
        head = self._head(customer_id) if as_of is None else None
        card: dict[str, Any] | None = None
        if head is not None:
            day, found, card = split_head(head)
        else:
            day = as_of or self.profile_day()
        before = None if as_of is None else dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC)

        def run(
            name: str, build: Callable[[set[str]], ir.Table | None]
        ) -> list[dict[str, Any]] | None:
            def compile_() -> ir.Table | None:
                return build(set(self._wh.list_tables()))

            sql = self._compiled((name, day, before, timeline), compile_)
            return self._run(bind(sql, customer_id)) if sql else None

        if head is None:
            rows = run("customer", lambda _: customer_query(self._wh)) or []
            found = rows[0] if rows else None
        if found is None:
            raise NotFoundError(f"There is no customer with id {customer_id!r} in this workspace.")
        customer = found
        scores: dict[str, Any] = {}
        segments: list[str] = []
        if card is not None and day is not None and card["_card_as_of"] == day:
            scores = card["_card_scores"] or {}
            segments = [str(s) for s in card["_card_segments"]]
        elif day is not None:
            stored = run("scores", lambda tables: scores_query(self._wh, day, tables)) or []
            scores = stored[0] if stored else {}
            segments = sorted(
                str(r["segment"])
                for r in run("segments", lambda t: segments_query(self._wh, day, t)) or []
            )
        details, events = self._items(customer_id, run, before, timeline)
        health = None
        if scores.get("health") is not None:
            health = {
                "score": scores["health"],
                "band": scores.get("band") or scores.get("health_band"),
                "components": {k: scores.get(f"h_{k}") for k in COMPONENTS},
                "weakest": scores.get("weakest"),
            }
        churn = None
        if scores.get("churn_probability") is not None:
            churn = {
                "probability": scores["churn_probability"],
                "rank": scores.get("rank"),
                "drivers": _json_list(scores.get("drivers")),
                "reasons": {
                    "en": _json_list(scores.get("reasons_en")),
                    "de": _json_list(scores.get("reasons_de")),
                },
            }
        value = None
        if scores.get("ltv") is not None:
            value = {
                "ltv": scores["ltv"],
                "expected_remaining_months": scores.get("expected_remaining_months"),
                "currency": self.settings.reporting_currency,
            }
        return {
            "customer_id": customer_id,
            "as_of": day,
            "name": customer.get("name"),
            "email": customer.get("email"),
            "country": customer.get("country"),
            "locale": customer.get("locale"),
            "timezone": customer.get("timezone"),
            "currency": customer.get("currency"),
            "created_at": customer.get("created_at"),
            "delinquent": customer.get("delinquent"),
            "plan": scores.get("plan"),
            "billing_interval": scores.get("billing_interval"),
            "mrr": scores.get("mrr"),
            "mrr_currency": self.settings.reporting_currency,
            "tenure_days": scores.get("account_age_days"),
            "paying_days": scores.get("paying_days"),
            "cancel_pending": scores.get("cancel_pending"),
            "health": health,
            "churn": churn,
            "segments": segments,
            "lifetime_value": value,
            "timeline": events,
            "billing": {
                "subscriptions": details["subscription"],
                "open_invoices": details["open_invoice"],
                "failed_payments": details["failed_payment"],
            },
            "feedback": details["feedback"],
        }

    def _head(self, customer_id: str) -> dict[str, Any] | None:
        """The latest day, the customer's row and card in one query (``_cards.py``), or None.

        None when the warehouse is not DuckDB or holds no cards yet.
        """
        if not self.warehouse.embedded:
            return None
        con = self._wh
        marker = self._compiled(
            "cards", lambda: con.table(CARDS) if CARDS in con.list_tables() else None
        )
        if not marker:
            return None
        return self._run(bind(head_sql(), customer_id))[0]

    def _items(
        self,
        customer_id: str,
        run: Callable[[str, Callable[[set[str]], ir.Table | None]], list[dict[str, Any]] | None],
        before: dt.datetime | None,
        timeline: int,
    ) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        """Billing and feedback details, and the timeline.

        From the clustered copy and its tails in one query when the daily refresh made
        them (``_timeline_copy.py``), else from the canonical tables in two queries.
        """
        rows = self._copied_items(customer_id, before, timeline)
        if rows is not None:
            detail_rows: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            for r in rows:
                if r.pop("_part") in DETAIL_PARTS:
                    detail_rows.append(r)
                elif len(events) < timeline:
                    events.append(clean(r))
            return split_details(detail_rows), events
        details = split_details(run("details", lambda t: details_query(self._wh, before, t)) or [])
        events = []
        if timeline:
            live = run("timeline", lambda t: timeline_query(self._wh, before, timeline, t))
            events = [clean(r) for r in live or []]
        return details, events

    def _copied_items(
        self, customer_id: str, before: dt.datetime | None, timeline: int
    ) -> list[dict[str, Any]] | None:
        """The rows of :func:`~tenure.workspace._timeline_copy.items_sql`, or None.

        None when the warehouse is not DuckDB or has no clustered copy yet. The tails'
        items are kept in temporary tables of the connection, made again when a count of
        the sources changed (a load) since they were made.
        """
        if not self.warehouse.embedded:
            return None
        con = self._wh
        # whether the copy exists, looked up once per cache period (listing tables costs
        # more than the whole items query)
        if not self._compiled(
            "customer-items-copy",
            lambda: con.table(COPY) if has_copy(set(con.list_tables())) else None,
        ):
            return None
        raw = self.warehouse.con
        seen = token(raw)
        state: TailState | None = getattr(self, "_tail_state", None)
        if state is None or state.token != seen:
            if state is None:  # the delta views must exist before their SQL is compiled
                delta_views(raw, dict.fromkeys(APPEND_ONLY, (0, 0)))
            compilers = {
                "appended": lambda: appended_expr(con),
                "current": lambda: current_expr(con),
                "replaced": lambda: replaced_expr(con),
            }

            def compiled(name: str) -> str:
                return self._compiled(f"customer-items-{name}", compilers[name])

            state = self._tail_state = sync_tail(raw, compiled, state)
        sql = items_sql(before, timeline, tail=state.has_tail, replaced=state.has_replaced)
        return self._run(bind(sql, customer_id))

    # -- the list ------------------------------------------------------------------------

    def customers(
        self,
        *,
        segment: str | None = None,
        risk_min: float | None = None,
        risk_max: float | None = None,
        plan: str | None = None,
        health_band: str | None = None,
        sort: str = "-churn_probability",
        limit: int = 50,
        cursor: str | None = None,
        as_of: dt.date | None = None,
    ) -> dict[str, Any]:
        """One page of customers from the profiles of a day, filtered and sorted.

        Filters combine with *and*: members of ``segment``; churn probability in
        ``[risk_min, risk_max]``; ``plan``; ``health_band`` (green, yellow, red).
        ``sort`` is one of :data:`~tenure.workspace._customer_list.SORT_FIELDS`, ``-``
        first for descending; missing values sort last either way, and customer id breaks
        ties. Pass ``next_cursor`` of a page as ``cursor`` to get the next one (same
        filters and sort); it pins the day, so paging is stable across a refresh.
        ``as_of`` defaults to the latest refreshed day.

        Returns ``{"as_of", "sort", "items": [...], "next_cursor"}``; ``next_cursor`` is
        None on the last page. Each item has the fields of
        :data:`~tenure.workspace._customer_list.LIST_FIELDS`.

        Raises
        ------
        ConfigError
            For an unknown sort field, band, a limit outside [1, 500], a risk bound outside
            [0, 1] or a cursor that was not made by this method for this sort.
        SegmentError
            For an unknown segment (with the closest names).
        """
        field, descending = sort_of(sort)
        check_page(limit=limit, risk_min=risk_min, risk_max=risk_max, health_band=health_band)
        after: dict[str, Any] | None = None
        if cursor is not None:
            after, as_of = resume(cursor, sort=sort, as_of=as_of)
        if segment is not None:
            self._definition(segment)  # an unknown name raises SegmentError with suggestions
        day = as_of or self.profile_day()
        if day is None:
            return {"as_of": None, "sort": sort, "items": [], "next_cursor": None}
        mode = cursor_mode(after, field)

        def build() -> ir.Table:
            return page_query(
                self._wh,
                day,
                segment=segment,
                risk_min=risk_min,
                risk_max=risk_max,
                plan=plan,
                health_band=health_band,
                field=field,
                descending=descending,
                limit=limit,
                mode=mode,
            )

        filters = (segment, risk_min, risk_max, plan, health_band)
        sql = self._compiled(("list", day, sort, limit, filters, mode), build)
        rows = self._run(bind_cursor(sql, after, mode))
        cursor_out = None
        if len(rows) > limit:
            rows = rows[:limit]
            cursor_out = next_cursor(rows[-1], day=day, sort=sort, field=field)
        return {"as_of": day, "sort": sort, "items": rows, "next_cursor": cursor_out}

"""What a list of customers shows beside :meth:`Workspace.customers`: why, where, when.

Mixed into :class:`tenure.Workspace`. For a page of customer ids and its day,
:meth:`CustomerNotesMixin.customer_notes` reads the top churn reason (``churn_scores``),
the segments (``segment_members``) and the last day seen (``customer_profiles``'s
``days_since_seen``), each filtered in the warehouse by day and id; and
:meth:`CustomerNotesMixin.churn_history` one customer's churn probability per stored day.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tenure.errors import ConfigError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import polars as pl

    from tenure.store import Warehouse

__all__ = ["CustomerNotesMixin"]

_MAX_IDS = 5000


def _empty() -> dict[str, Any]:
    return {"top_reason": None, "segments": [], "last_seen_on": None}


class CustomerNotesMixin:
    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

    def customer_notes(
        self, customer_ids: Sequence[str] | None, *, as_of: dt.date
    ) -> dict[str, dict[str, Any]]:
        """For each customer id: ``top_reason``, ``segments`` and ``last_seen_on`` on ``as_of``.

        ``customer_ids=None`` reads every customer with stored results on ``as_of`` in one
        pass (for an export), instead of filtering by id.

        ``top_reason`` is the first plain-language reason of the day's churn score (None
        when not scored), ``segments`` the sorted names of the segments the customer was
        in, ``last_seen_on`` the day of the latest product event before ``as_of`` (None
        when never seen). Ids without stored results get None and ``[]``.

        Raises
        ------
        ConfigError
            For more than 5,000 ids (ask a page at a time).
        """
        every = customer_ids is None
        ids = list(dict.fromkeys(customer_ids or []))
        if len(ids) > _MAX_IDS:
            raise ConfigError(
                "The 'customer_ids' parameter of Workspace.customer_notes must hold at most "
                f"{_MAX_IDS} ids. Got {len(ids)} instead; ask for one page at a time."
            )
        notes: dict[str, dict[str, Any]] = {i: _empty() for i in ids}
        if not ids and not every:
            return notes

        def rows(name: str) -> ir.Table:
            t = con.table(name)
            keep = t.as_of == as_of
            return t.filter(keep if every else keep & t.customer_id.isin(ids))

        def note(customer_id: str) -> dict[str, Any]:
            return notes.setdefault(customer_id, _empty())

        con = self.warehouse.ibis
        tables = set(con.list_tables())
        if "churn_scores" in tables:
            s = rows("churn_scores")
            for row in s.select("customer_id", "reasons_en").to_pyarrow().to_pylist():
                reasons = json.loads(row["reasons_en"]) if row["reasons_en"] else []
                note(row["customer_id"])["top_reason"] = reasons[0] if reasons else None
        if "segment_members" in tables:
            m = rows("segment_members")
            found = m.select("customer_id", "segment").order_by("segment").to_pyarrow()
            for row in found.to_pylist():
                note(row["customer_id"])["segments"].append(row["segment"])
        if "customer_profiles" in tables:
            p = rows("customer_profiles")
            for row in p.select("customer_id", "days_since_seen").to_pyarrow().to_pylist():
                days = row["days_since_seen"]
                if days is not None and not math.isnan(days):
                    seen = as_of - dt.timedelta(days=math.ceil(days))
                    note(row["customer_id"])["last_seen_on"] = seen
        return notes

    def churn_history(self, customer_id: str) -> pl.DataFrame:
        """One customer's churn probability per stored day (``as_of``, ``churn_probability``).

        Empty when the customer was never scored.
        """
        import polars as pl

        con = self.warehouse.ibis
        if "churn_scores" not in con.list_tables():
            return pl.DataFrame(schema={"as_of": pl.Date, "churn_probability": pl.Float64})
        s = con.table("churn_scores")
        expr = (
            s.filter(s.customer_id == customer_id)
            .select("as_of", "churn_probability")
            .order_by("as_of")
        )
        out = pl.from_arrow(expr.to_pyarrow())
        assert isinstance(out, pl.DataFrame)
        return out

    def customer_plans(self, *, as_of: dt.date) -> list[str]:
        """The plans customers had on ``as_of`` (from ``customer_profiles``), sorted."""
        con = self.warehouse.ibis
        if "customer_profiles" not in con.list_tables():
            return []
        p = con.table("customer_profiles")
        expr = p.filter((p.as_of == as_of) & p.plan.notnull()).select("plan").distinct()
        return sorted(str(v) for v in expr.to_pyarrow().column("plan").to_pylist())

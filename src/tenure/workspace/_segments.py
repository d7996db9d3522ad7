"""The workspace's segment methods: define, evaluate, list and explain segments.

Mixed into :class:`tenure.Workspace`. Definitions live in the warehouse table ``segments``,
daily memberships in ``segment_members``; both are computed from ``customer_profiles``
(written by ``Workspace.refresh``) and paid invoices (docs/segments.md).
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import TYPE_CHECKING, Any

from tenure.errors import SegmentError

if TYPE_CHECKING:
    import polars as pl
    from ibis.backends import BaseBackend

    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.decide import Segment
    from tenure.progress import Progress
    from tenure.store import Warehouse

__all__ = ["SegmentsMixin"]


class SegmentsMixin:
    settings: Settings
    clock: Clock
    progress: Progress

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

    @property
    def _con(self) -> BaseBackend:
        return self.warehouse.ibis

    # -- definitions -------------------------------------------------------------------------

    def segment_definitions(self) -> list[Segment]:
        """Every segment: the built-ins first, then the user's segments by name."""
        from tenure.decide import builtin_segments, stored_segments

        stored = [s for s, _ in stored_segments(self._con)]
        return [*builtin_segments(self.settings.segments), *stored]

    def _definition(self, name: str) -> Segment:
        found = {s.name: s for s in self.segment_definitions()}
        if name not in found:
            close = difflib.get_close_matches(name, list(found), n=3)
            hint = f"Did you mean {' or '.join(map(repr, close))}? " if close else ""
            raise SegmentError(
                f"There is no segment named {name!r}. {hint}'tenure segments list' shows "
                "them; 'tenure segments create NAME RULE' makes one.",
                segment=name,
            )
        return found[name]

    def _profile_schema(self) -> Any:
        from tenure.decide import CUSTOMER_PROFILES, profile_schema

        if CUSTOMER_PROFILES in self._con.list_tables():
            return self._con.table(CUSTOMER_PROFILES).schema()
        return profile_schema()

    def segment_create(
        self, name: str, rule: str, *, description: str = "", replace: bool = False
    ) -> Segment:
        """Define a rule segment, checked against the profile columns, and evaluate it.

        The new segment is evaluated on every day segments were stored for (or, before
        any, on the latest profile day), so its sizes and history start with the others'.

        Raises
        ------
        SegmentError
            When the name is taken (unless ``replace``) or built in, or the rule is wrong.
        """
        from tenure.decide import (
            CUSTOMER_PROFILES,
            Segment,
            backfill_segment,
            builtin_segments,
            check_segment,
            save_segment,
        )

        segment = Segment(name, rule.strip(), description, "rule")
        if name in {s.name for s in builtin_segments(self.settings.segments)}:
            raise SegmentError(
                f"{name!r} is a built-in segment (docs/segments.md); pick another name.",
                segment=name,
            )
        check_segment(segment, self._profile_schema())
        save_segment(self._con, segment, created_at=self.clock.now(), replace=replace)
        days = self._member_days()
        if days:  # evaluated on every day the others were, so sizes and history line up
            backfill_segment(self._con, segment, self._con.table(CUSTOMER_PROFILES), days)
        elif (day := self._latest_profile_day()) is not None:
            self.refresh_segments(day)
        return segment

    def segment_delete(self, name: str) -> None:
        """Remove a user segment and its stored memberships (built-ins cannot be removed)."""
        from tenure.decide import delete_segment

        segment = self._definition(name)
        if segment.kind != "rule":
            raise SegmentError(
                f"{name!r} is a built-in segment and cannot be deleted; turn RFM off with "
                "[segments] rfm = false.",
                segment=name,
            )
        delete_segment(self._con, name)

    # -- evaluation --------------------------------------------------------------------------

    def _latest_profile_day(self) -> dt.date | None:
        from tenure.decide import CUSTOMER_PROFILES
        from tenure.store.results import slice_days

        days = slice_days(self._con, CUSTOMER_PROFILES)
        return days[-1] if days else None

    def refresh_segments(self, as_of: dt.date) -> dict[str, int]:
        """Evaluate every segment on the ``as_of`` profile slice and store the memberships.

        Re-running a day replaces its memberships. Returns the member count per segment.

        Raises
        ------
        SegmentError
            When ``customer_profiles`` has no slice for ``as_of``.
        """
        from tenure.decide import (
            CUSTOMER_PROFILES,
            invoice_purchases,
            segment_members,
            write_members,
        )
        from tenure.store.results import slice_days

        con = self._con
        if as_of not in slice_days(con, CUSTOMER_PROFILES):
            raise SegmentError(
                f"There are no customer profiles for {as_of.isoformat()}; build them first "
                f"(Workspace.refresh(as_of=...) or 'tenure refresh --as-of {as_of}')."
            )
        purchases = (
            invoice_purchases(con, as_of, currency=self.settings.reporting_currency)
            if "invoices" in con.list_tables()
            else None
        )
        segments = self.segment_definitions()
        with self.progress.task(f"Segments as of {as_of}", total=None):
            members = segment_members(
                con.table(CUSTOMER_PROFILES),
                segments,
                as_of,
                purchases=purchases,
                settings=self.settings.segments,
            )
            write_members(con, as_of, members)
        sizes = self._sizes_on(as_of)
        return {s.name: sizes.get(s.name, 0) for s in segments}

    # -- reading -----------------------------------------------------------------------------

    def _member_days(self) -> list[dt.date]:
        from tenure.decide import SEGMENT_MEMBERS
        from tenure.store.results import slice_days

        return slice_days(self._con, SEGMENT_MEMBERS)

    def _sizes_on(self, day: dt.date) -> dict[str, int]:
        from tenure.decide import segment_sizes

        sizes = segment_sizes(self._con)
        if sizes is None:
            return {}
        rows = sizes.filter(sizes.as_of == day).to_pyarrow().to_pylist()
        return {r["segment"]: int(r["members"]) for r in rows}

    def segments(self) -> list[dict[str, Any]]:
        """Every segment with its definition and member count at the latest stored day."""
        days = self._member_days()
        latest = days[-1] if days else None
        sizes = self._sizes_on(latest) if latest else {}
        return [
            {
                "name": s.name,
                "kind": s.kind,
                "rule": s.rule,
                "description": s.description,
                "as_of": latest,
                "members": sizes.get(s.name, 0) if latest else None,
            }
            for s in self.segment_definitions()
        ]

    def segment(self, name: str) -> dict[str, Any]:
        """One segment: definition, size at the latest day, size per stored day, member means.

        ``mean_health`` and ``mean_mrr`` are over the members with a profile that day.
        """
        from tenure.decide import CUSTOMER_PROFILES, SEGMENT_MEMBERS, segment_sizes

        seg = self._definition(name)
        days = self._member_days()
        sizes = segment_sizes(self._con, name)
        counts: dict[dt.date, int] = {}
        if sizes is not None:
            counts = {r["as_of"]: int(r["members"]) for r in sizes.to_pyarrow().to_pylist()}
        trend = [{"as_of": d, "members": counts.get(d, 0)} for d in days]
        out: dict[str, Any] = {
            "name": seg.name,
            "kind": seg.kind,
            "rule": seg.rule,
            "description": seg.description,
            "as_of": days[-1] if days else None,
            "members": trend[-1]["members"] if trend else None,
            "trend": trend,
            "mean_health": None,
            "mean_mrr": None,
        }
        if days and CUSTOMER_PROFILES in self._con.list_tables():
            m = self._con.table(SEGMENT_MEMBERS)
            m = m.filter((m.segment == name) & (m.as_of == days[-1]))
            p = self._con.table(CUSTOMER_PROFILES)
            p = p.filter(p.as_of == days[-1])
            j = m.join(p, "customer_id")
            [row] = (
                j.aggregate(mean_health=j.health.mean(), mean_mrr=j.mrr.mean())
                .to_pyarrow()
                .to_pylist()
            )
            out |= row
        return out

    def segment_members(self, name: str, *, as_of: dt.date | None = None) -> pl.DataFrame:
        """The members of ``name`` on ``as_of`` (default: the latest stored day), with profiles.

        Columns: customer_id, as_of and, when the profile exists, plan, mrr, health,
        health_band and ltv; largest MRR first.
        """
        import polars as pl

        from tenure.decide import CUSTOMER_PROFILES, SEGMENT_MEMBERS

        self._definition(name)
        days = self._member_days()
        empty = pl.DataFrame(schema={"customer_id": pl.String, "as_of": pl.Date})
        if not days:
            return empty
        day = as_of or days[-1]
        if day not in days:
            raise SegmentError(
                f"Segments were not evaluated on {day.isoformat()}; stored days run from "
                f"{days[0]} to {days[-1]} (Workspace.refresh_segments(as_of) adds a day).",
                segment=name,
            )
        m = self._con.table(SEGMENT_MEMBERS)
        m = m.filter((m.segment == name) & (m.as_of == day)).select("customer_id", "as_of")
        if CUSTOMER_PROFILES in self._con.list_tables():
            p = self._con.table(CUSTOMER_PROFILES)
            wanted = [c for c in ("plan", "mrr", "health", "health_band", "ltv") if c in p.columns]
            p = p.filter(p.as_of == day).select("customer_id", *wanted)
            m = m.left_join(p, "customer_id").drop("customer_id_right")
            order = ["mrr", "customer_id"] if "mrr" in wanted else ["customer_id"]
        else:
            order = ["customer_id"]
        frame = pl.from_arrow(m.to_pyarrow())
        assert isinstance(frame, pl.DataFrame)
        return frame.sort(order, descending=[c == "mrr" for c in order], nulls_last=True)

    def segment_history(self, name: str) -> pl.DataFrame:
        """Who entered and left segment ``name``, and when: ``(customer_id, on, change)``."""
        import polars as pl

        from tenure.decide import segment_history

        self._definition(name)
        history = segment_history(self._con, name)
        if history is None:
            return pl.DataFrame(
                schema={"customer_id": pl.String, "on": pl.Date, "change": pl.String}
            )
        frame = pl.from_arrow(history.to_pyarrow())
        assert isinstance(frame, pl.DataFrame)
        return frame

    def segment_size_history(self) -> pl.DataFrame:
        """Members of every segment on every stored day: ``(segment, as_of, members)``.

        A segment without members on a stored day has 0 there; empty before any day.
        """
        import ibis
        import polars as pl

        from tenure.decide import SEGMENT_MEMBERS, segment_sizes

        empty = pl.DataFrame(schema={"segment": pl.String, "as_of": pl.Date, "members": pl.Int64})
        sizes = segment_sizes(self._con)
        if sizes is None:
            return empty
        names = ibis.memtable(
            {"segment": [s.name for s in self.segment_definitions()]},
            schema={"segment": "string"},
        )
        days = self._con.table(SEGMENT_MEMBERS).select("as_of").distinct()
        grid = names.cross_join(days)
        t = grid.left_join(sizes, ["segment", "as_of"])
        t = t.select(
            grid.segment, grid.as_of, members=t.members.fill_null(0).cast("int64")
        ).order_by("segment", "as_of")
        frame = pl.from_arrow(t.to_pyarrow())
        assert isinstance(frame, pl.DataFrame)
        return frame

    def segment_preview(self, rule: str, *, limit: int = 10) -> dict[str, Any]:
        """Check ``rule`` and show who it selects on the latest profile day, without saving.

        Returns ``as_of`` (None before any profile day), ``members`` (how many match),
        ``customers`` (profiles that day) and ``items``: the ``limit`` members with the
        largest MRR (customer_id, name, plan, mrr, health, health_band,
        churn_probability).

        Raises
        ------
        SegmentError
            When the rule does not parse or type-check (``column`` says where).
        """
        from tenure.decide import CUSTOMER_PROFILES, Segment, check_segment, segment_members

        segment = Segment("preview", rule.strip())
        check_segment(segment, self._profile_schema())
        day = self._latest_profile_day()
        out: dict[str, Any] = {"as_of": day, "members": 0, "customers": 0, "items": []}
        if day is None:
            return out
        p = self._con.table(CUSTOMER_PROFILES)
        p = p.filter(p.as_of == day)
        wanted = [
            c
            for c in ("plan", "mrr", "health", "health_band", "churn_probability")
            if c in p.columns
        ]
        m = segment_members(p, [segment], day).select("customer_id")
        j = m.join(p.select("customer_id", *wanted), "customer_id")
        if "customers" in self._con.list_tables():
            names = self._con.table("customers").select("customer_id", "name")
            j = j.left_join(names, "customer_id").drop("customer_id_right")
        order = (
            [j.mrr.desc(nulls_first=False), j.customer_id] if "mrr" in wanted else ["customer_id"]
        )
        items = j.order_by(order).limit(limit).to_pyarrow().to_pylist()
        [row] = p.aggregate(customers=p.count()).to_pyarrow().to_pylist()
        members = m.count().to_pyarrow().as_py()
        return out | {
            "members": int(members or 0),
            "customers": int(row["customers"]),
            "items": items,
        }

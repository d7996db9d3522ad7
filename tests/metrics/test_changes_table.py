"""The stored MRR changes (``mrr_changes``) kept by ingestion equal a full recomputation.

Each test ingests a small history through the loader, changes some customers in a second
ingest, and compares the table with :func:`~tenure.metrics.mrr.changes_table_expr`
computed from the canonical tables, and the series and cohorts read from it with those
computed without it (``MetricsContext(stored=False)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tenure.config import MetricsSettings
from tenure.errors import StoreError
from tenure.ingest import plan_file
from tenure.metrics import (
    CHANGES_TABLE,
    ChangesTable,
    CohortQuery,
    MetricsContext,
    SeriesQuery,
    cohort_tables,
    mrr_series,
)
from tenure.metrics.mrr import changes_table_expr, stored_changes
from tenure.store import LoadedRows, Warehouse
from tests.metrics.builders import World

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
AS_OFS = ("2026-02-14", "2026-05-31")
"""One day inside the history (rows after it are stored) and its last day."""


def _history() -> tuple[World, dict[str, str]]:
    """Five customers: plain, upgraded mid-period, in EUR, cancelled later, and a bystander."""
    w = World()
    basic, pro = w.price(amount=1_000), w.price(amount=2_500)
    eur = w.price(amount=900, currency="EUR")
    ids = {name: w.customer() for name in ("plain", "upgrade", "euro", "later", "bystander")}
    subs = {name: w.subscription(cid, start="2026-01-01") for name, cid in ids.items()}
    subs["euro"] = w.subscription(ids["euro"], start="2026-01-15", currency="EUR")
    for name in ("plain", "later", "bystander"):
        w.monthly_invoices(subs[name], basic, start="2026-01-01", months=5)
    w.bill(subs["upgrade"], basic, start="2026-01-01")
    w.change(
        subs["upgrade"],
        at="2026-01-10",
        period=("2026-01-01", "2026-02-01"),
        old=(basic, 1),
        new=(pro, 1),
    )
    w.monthly_invoices(subs["upgrade"], pro, start="2026-02-01", months=4)
    w.monthly_invoices(subs["euro"], eur, start="2026-01-15", months=4)
    w.fx_rate("EUR", "USD", "2025-12-01", 1.1)
    return w, subs


def _ingest(wh: Warehouse, w: World, folder: Path, now: dt.datetime) -> None:
    for path in w.files(folder):
        batch = plan_file(path, now=now, format="table", table=path.stem)
        result = wh.write_batch(batch, now=now)
        assert result.rejects == 0, wh.rejects()


def _stored_rows(wh: Warehouse) -> list[tuple[Any, ...]]:
    return sorted(wh.ibis.table(CHANGES_TABLE).to_pyarrow().to_pylist(), key=repr)  # type: ignore[arg-type]


def _computed_rows(wh: Warehouse, rules: MetricsSettings | None = None) -> list[tuple[Any, ...]]:
    ctx = MetricsContext(wh.ibis, dt.date(2000, 1, 1), rules=rules or MetricsSettings())
    return sorted(changes_table_expr(ctx).to_pyarrow().to_pylist(), key=repr)  # type: ignore[arg-type]


def _assert_metrics_match(wh: Warehouse, rules: MetricsSettings | None = None) -> None:
    """Series and cohorts from the table equal those computed without it, at every as_of."""
    for as_of in AS_OFS:
        day = dt.date.fromisoformat(as_of)
        r = rules or MetricsSettings()
        stored = MetricsContext(wh.ibis, day, rules=r)
        computed = MetricsContext(wh.ibis, day, rules=r, stored=False)
        assert stored_changes(stored) is not None
        for interval in ("day", "month"):
            q = SeriesQuery(interval=interval)
            assert mrr_series(stored, q).to_pyarrow().equals(mrr_series(computed, q).to_pyarrow())
        got = cohort_tables(stored, CohortQuery()).to_pyarrow()
        assert got.equals(cohort_tables(computed, CohortQuery()).to_pyarrow())


class _Rebuilds:
    """Counts whole-table recomputations."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        rebuild = ChangesTable.rebuild

        def counted(table: ChangesTable, *args: Any) -> None:
            self.count += 1
            rebuild(table, *args)

        monkeypatch.setattr(ChangesTable, "rebuild", counted)


def _second_ingest(w: World, subs: dict[str, str]) -> None:
    """Changes to three customers: a cancellation, a new invoice, a new exchange rate."""
    w.cancel(subs["later"], at="2026-03-10", ended_at="2026-04-01", at_period_end=True)
    w.monthly_invoices(subs["upgrade"], w.price(amount=4_000), start="2026-06-01", months=1)
    w.fx_rate("EUR", "USD", "2026-03-01", 1.2)


@pytest.fixture(
    params=["duckdb", pytest.param("postgres", marks=[pytest.mark.slow, pytest.mark.postgres])]
)
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Warehouse]:
    """A warehouse keeping ``mrr_changes`` with the default rules: DuckDB, then PostgreSQL."""
    if request.param == "duckdb":
        url = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    else:
        url = request.getfixturevalue("postgres_url")
    with Warehouse(url, threads=1) as wh:
        ChangesTable(wh.ibis).attach(wh)
        yield wh


def test_incremental_maintenance_equals_full_recompute_when_a_second_ingest_changes_some_customers(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first load builds the table; the second recomputes only the customers it touched.

    The second ingest cancels one subscription, bills one customer on a new price, and adds
    an exchange rate (which touches the EUR customer); the two untouched customers keep
    their rows, and the table equals a full recomputation.
    """
    w, subs = _history()
    _ingest(warehouse, w, tmp_path / "first", NOW)
    assert _stored_rows(warehouse) == _computed_rows(warehouse)
    _assert_metrics_match(warehouse)
    first = _stored_rows(warehouse)
    rebuilds = _Rebuilds(monkeypatch)
    monkeypatch.setattr("tenure.metrics._changes_table.FULL_SHARE", 1.0)  # never rebuild
    _second_ingest(w, subs)
    _ingest(warehouse, w, tmp_path / "second", NOW + dt.timedelta(days=1))
    assert rebuilds.count == 0
    assert _stored_rows(warehouse) != first
    assert _stored_rows(warehouse) == _computed_rows(warehouse)
    _assert_metrics_match(warehouse)


def test_a_load_recomputes_the_whole_table_when_it_touches_many_customers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three of five customers is more than ``FULL_SHARE``: the whole table is recomputed."""
    w, subs = _history()
    with Warehouse(f"duckdb://{tmp_path / 'wh.duckdb'}", threads=1) as wh:
        ChangesTable(wh.ibis).attach(wh)
        _ingest(wh, w, tmp_path / "first", NOW)
        rebuilds = _Rebuilds(monkeypatch)
        _second_ingest(w, subs)
        _ingest(wh, w, tmp_path / "second", NOW + dt.timedelta(days=1))
        assert rebuilds.count >= 1
        assert _stored_rows(wh) == _computed_rows(wh)


def test_table_is_rebuilt_when_the_metrics_settings_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A context with other rules computes; the next load with those rules rebuilds."""
    w, subs = _history()
    other = MetricsSettings(discounts="none", churn_recognition="cancellation")
    with Warehouse(f"duckdb://{tmp_path / 'wh.duckdb'}", threads=1) as wh:
        ChangesTable(wh.ibis).attach(wh)
        _ingest(wh, w, tmp_path / "first", NOW)
        assert stored_changes(MetricsContext(wh.ibis, dt.date(2026, 5, 31), rules=other)) is None
    with Warehouse(f"duckdb://{tmp_path / 'wh.duckdb'}", threads=1) as wh:
        ChangesTable(wh.ibis, rules=other).attach(wh)
        rebuilds = _Rebuilds(monkeypatch)
        monkeypatch.setattr("tenure.metrics._changes_table.FULL_SHARE", 1.0)
        _second_ingest(w, subs)
        _ingest(wh, w, tmp_path / "second", NOW + dt.timedelta(days=1))
        assert rebuilds.count == 1  # the first file rebuilt; the later ones were incremental
        assert _stored_rows(wh) == _computed_rows(wh, other)
        assert stored_changes(MetricsContext(wh.ibis, dt.date(2026, 5, 31))) is None
        _assert_metrics_match(wh, other)


def test_failed_load_leaves_the_table_unchanged_when_a_maintainer_raises(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    """The table is written in the load's transaction: an error after it rolls both back."""
    w, subs = _history()
    _ingest(warehouse, w, tmp_path / "first", NOW)
    before = _stored_rows(warehouse)
    counts = warehouse.counts()

    def fail(loaded: LoadedRows) -> None:
        raise StoreError(f"injected failure after maintaining for {loaded.ingest_id}")

    warehouse.maintain(fail)
    _second_ingest(w, subs)
    path = next(p for p in w.files(tmp_path / "second") if p.stem == "subscriptions")
    later = NOW + dt.timedelta(days=1)
    with pytest.raises(StoreError):
        warehouse.write_batch(
            plan_file(path, now=later, format="table", table=path.stem), now=later
        )
    assert _stored_rows(warehouse) == before
    assert warehouse.counts() == counts


def test_point_in_time_context_never_reads_the_stored_changes(
    tmp_path: Path,
) -> None:
    """A PointInTimeContext reads the versioned tables as known then, not the stored table."""
    from tenure.features.point_in_time import PointInTimeContext

    w, _ = _history()
    with Warehouse(f"duckdb://{tmp_path / 'wh.duckdb'}", threads=1) as wh:
        ChangesTable(wh.ibis).attach(wh)
        _ingest(wh, w, tmp_path / "first", NOW)
        assert stored_changes(MetricsContext(wh.ibis, dt.date(2026, 5, 31))) is not None
        assert stored_changes(PointInTimeContext(wh.ibis, dt.date(2026, 5, 31))) is None


def test_fingerprint_covers_every_rule_when_the_changes_read_one() -> None:
    """Each ``ctx.rules.<name>`` read by the MRR code is in the fingerprint's rules."""
    import re

    import tenure.metrics.mrr as mrr

    read = set(re.findall(r"ctx\.rules\.(\w+)", Path(mrr.__file__).read_text(encoding="utf-8")))
    assert read and read <= set(mrr.CHANGES_RULES)

"""The SQL each metric compiles to, per dialect, is stored and reviewed (STYLE.md 10).

``tests/metrics/snapshots/<metric>/<dialect>.sql`` holds the SQL of each metric of
``tests.metrics.backends.metric_cases`` (called with its defaults) for DuckDB, PostgreSQL
and Spark. A change to a metric changes these files in the same PR.
Rewrite them with::

    TENURE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/metrics/test_snapshots.py

Expressions are built on an empty in-memory warehouse. Some metrics run queries while
they are built (the first day of the data, a per-period table that is then labelled in
Python); those queries run on the engine too, so each file holds them first, then the
SQL of the returned expression. Memtable names are random, so they are numbered instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pytest
from ibis.backends import BaseBackend

from tenure.config import MetricsSettings
from tenure.metrics import MetricsContext
from tenure.store import Warehouse
from tenure.workspace import DEMO_ACTIVATION_EVENT
from tests.metrics.backends import MetricCase, metric_cases, normalise_sql

SNAPSHOTS = Path(__file__).parent / "snapshots"
DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "spark": "pyspark"}
"""Snapshot file name -> Ibis compiler."""
UPDATE = os.environ.get("TENURE_UPDATE_SNAPSHOTS") == "1"
CASES = [case for case in metric_cases() if not case.kwargs]
"""Each metric with its defaults; the variants compile to much the same SQL."""


@pytest.fixture(scope="module")
def ctx() -> Iterator[MetricsContext]:
    rules = MetricsSettings(activation_event=DEMO_ACTIVATION_EVENT)
    with Warehouse("duckdb://:memory:", threads=1) as wh:
        yield MetricsContext(wh.ibis, dt.date(2026, 11, 1), rules=rules)


@contextlib.contextmanager
def recording(con: BaseBackend) -> Iterator[list[ir.Expr]]:
    """Every expression ``con`` executes meanwhile."""
    run: list[ir.Expr] = []

    def record(method: str) -> Any:
        original = getattr(con, method)

        def wrapper(expr: ir.Expr, *args: Any, **kwargs: Any) -> Any:
            if not run or run[-1] is not expr:
                run.append(expr)
            return original(expr, *args, **kwargs)

        return wrapper

    methods = ("execute", "to_pyarrow")
    for method in methods:
        setattr(con, method, record(method))
    try:
        yield run
    finally:
        for method in methods:
            delattr(con, method)


@pytest.fixture(scope="module")
def built(ctx: MetricsContext) -> dict[str, tuple[list[ir.Expr], ir.Expr]]:
    """Each case's expression and the queries run while building it, made once."""
    return {}


def compiled(
    case: MetricCase,
    ctx: MetricsContext,
    dialect: str,
    built: dict[str, tuple[list[ir.Expr], ir.Expr]],
) -> str:
    """The snapshot text: the queries run while building ``case``, then its expression."""
    if dialect == "spark":
        pytest.importorskip("pyspark")
        # The compiler reads options that only loading the backend registers (ibis 12).
        importlib.import_module("ibis.backends.pyspark").Backend.register_options()
    if case.id not in built:
        with recording(ctx.con) as run:
            built[case.id] = (run, case.expr(ctx))
    run, expr = built[case.id]
    parts = [
        f"-- run while the expression is built ({i} of {len(run)})\n"
        f"{ibis.to_sql(e, dialect=DIALECTS[dialect])};\n"
        for i, e in enumerate(run, 1)
    ]
    parts.append(f"-- the metric\n{ibis.to_sql(expr, dialect=DIALECTS[dialect])}")
    return normalise_sql("\n".join(parts))


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_metric_sql_matches_snapshot_when_compiled(
    case: MetricCase,
    dialect: str,
    ctx: MetricsContext,
    built: dict[str, tuple[list[ir.Expr], ir.Expr]],
) -> None:
    sql = compiled(case, ctx, dialect, built)
    path = SNAPSHOTS / case.id / f"{dialect}.sql"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != sql:
            path.write_text(sql, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}; write it with TENURE_UPDATE_SNAPSHOTS=1"
    assert path.read_text(encoding="utf-8") == sql, (
        f"{case.id} compiles to different {dialect} SQL than {path}; review the change and "
        "rewrite the snapshots with TENURE_UPDATE_SNAPSHOTS=1"
    )


def test_snapshots_belong_to_metrics_when_listed() -> None:
    """A snapshot of a metric or variant that no longer exists is removed (on update)."""
    known = {c.id for c in CASES}
    stale = sorted(p for p in SNAPSHOTS.iterdir() if p.is_dir() and p.name not in known)
    if UPDATE:
        for path in stale:
            shutil.rmtree(path)
        return
    assert not stale, f"snapshots of unknown cases: {[p.name for p in stale]}"

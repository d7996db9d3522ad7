"""Every metric answers the same on PostgreSQL and on Spark as on DuckDB.

One small demo world (150 customers over 12 months, ending 2026-11-01) is ingested into
DuckDB once, then copied table by table (through Arrow) into a fresh PostgreSQL database
and into a local SparkSession. Each public metric of ``tenure.metrics`` that takes a
:class:`~tenure.metrics.MetricsContext`, with its defaults and the variants in
``tests.metrics.backends.VARIANTS``, runs on all three; rows are sorted and compared,
floats within 1e-6 relative. A gap that an engine cannot close is marked
``xfail(strict=True, reason="notimpl: ...")`` in ``GAPS`` (STYLE.md 8).
"""

from __future__ import annotations

import datetime as dt
import gc
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from ibis.backends import BaseBackend

from tenure.clock import FixedClock
from tenure.config import MetricsSettings
from tenure.demo import generate
from tenure.metrics import MetricsContext
from tenure.workspace import DEMO_ACTIVATION_EVENT, Workspace
from tests.conftest import NOW
from tests.metrics.backends import (
    MetricCase,
    assert_same_rows,
    copy_to_postgres,
    copy_to_spark,
    export_tables,
    fresh_postgres_database,
    metric_cases,
    result_rows,
    spark_session,
)

AS_OF = dt.date(2026, 11, 1)
RULES = MetricsSettings(activation_event=DEMO_ACTIVATION_EVENT)
CASES = metric_cases()
GAPS: dict[tuple[str, str], str] = {}
"""``(engine, case id) -> reason`` of what an engine cannot do yet ("notimpl: ...")."""

SPARK_NOISE = [
    # pyspark 4.0's toPandas passes pandas 3 a deprecated keyword (pyspark/sql/pandas/types.py).
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
    # pyspark leaves the sockets it reads results from to the garbage collector (util.py).
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]

Rows = tuple[list[str], list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("engines")
    generate(root / "demo", customers=150, months=12, seed=3)
    with Workspace.init(root / "ws", clock=FixedClock(NOW)) as ws:
        ws.ingest([root / "demo"])
        yield ws


@pytest.fixture(scope="module")
def duckdb(demo_world: Workspace) -> BaseBackend:
    return demo_world.warehouse.ibis


@pytest.fixture(scope="module")
def expected(duckdb: BaseBackend) -> dict[str, Rows]:
    """Each case's rows on DuckDB, computed once and shared by the engines."""
    return {}


@pytest.fixture(scope="module")
def postgres(duckdb: BaseBackend) -> Iterator[BaseBackend]:
    with fresh_postgres_database() as url:
        con = copy_to_postgres(export_tables(duckdb), url)
        yield con
        con.disconnect()


@pytest.fixture(scope="module")
def spark(duckdb: BaseBackend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BaseBackend]:
    with spark_session(tmp_path_factory.mktemp("spark")) as session:
        yield copy_to_spark(export_tables(duckdb), session)
    with warnings.catch_warnings():  # collect pyspark's unclosed sockets here, quietly
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _params(engine: str, *marks: pytest.MarkDecorator) -> list[Any]:
    out = []
    for case in CASES:
        gap = GAPS.get((engine, case.id))
        extra = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        out.append(pytest.param(case, marks=[pytest.mark.slow, *marks, *extra], id=case.id))
    return out


def _reference(case: MetricCase, duckdb: BaseBackend, expected: dict[str, Rows]) -> Rows:
    if case.id not in expected:
        expected[case.id] = result_rows(case.expr(MetricsContext(duckdb, AS_OF, rules=RULES)))
    return expected[case.id]


def test_metric_suite_covers_mrr_when_metrics_are_discovered() -> None:
    ids = {case.id for case in CASES}
    assert {"mrr_segments", "mrr_changes", "mrr_series", "mrr_series-week"} <= ids
    assert "check_currencies" not in ids  # takes segments: not a metric of its own


@pytest.mark.slow
def test_demo_world_has_mrr_when_computed_on_duckdb(
    duckdb: BaseBackend, expected: dict[str, Rows]
) -> None:
    """Guards the comparisons below against comparing empty results."""
    cases = {case.id: case for case in CASES}
    names, rows = _reference(cases["mrr_series"], duckdb, expected)
    assert len(rows) == 13  # 2025-11 .. 2026-11
    assert max(r[names.index("mrr")] for r in rows) > 0


@pytest.mark.parametrize("case", _params("postgres", pytest.mark.postgres))
def test_metric_matches_duckdb_when_run_on_postgres(
    case: MetricCase,
    postgres: BaseBackend,
    duckdb: BaseBackend,
    expected: dict[str, Rows],
) -> None:
    want = _reference(case, duckdb, expected)
    got = result_rows(case.expr(MetricsContext(postgres, AS_OF, rules=RULES)))
    assert_same_rows(want, got, engine="PostgreSQL")


@pytest.mark.parametrize("case", _params("spark", pytest.mark.spark, *SPARK_NOISE))
def test_metric_matches_duckdb_when_run_on_spark(
    case: MetricCase,
    spark: BaseBackend,
    duckdb: BaseBackend,
    expected: dict[str, Rows],
) -> None:
    want = _reference(case, duckdb, expected)
    got = result_rows(case.expr(MetricsContext(spark, AS_OF, rules=RULES)))
    assert_same_rows(want, got, engine="Spark")

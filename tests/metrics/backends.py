"""Helpers of the cross-engine metric tests: copy a warehouse, discover metrics, compare rows.

The metric suite is Ibis, so it should answer the same on every engine (STYLE.md 8).
:func:`export_tables` reads a DuckDB warehouse's canonical tables (the current-version
views, materialised) and every ``<name>_versions`` table into Arrow; :func:`copy_to_postgres`
loads the stored tables into a PostgreSQL warehouse (whose views give the canonical ones) and
:func:`copy_to_spark` loads them all into a local SparkSession.
:func:`metric_cases` finds every public metric in ``tenure.metrics.__all__`` that takes a
:class:`~tenure.metrics.MetricsContext`, so a new metric is checked without editing the
tests; :func:`result_rows` and :func:`assert_same_rows` compare what they return.

Nothing here imports pyspark or psycopg at import time: both are optional.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import math
import os
import re
import shutil
import subprocess
import sys
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest
from ibis.backends import BaseBackend

import tenure.metrics
from tenure.metrics import CohortQuery, MetricsContext, SeriesQuery
from tenure.schema import TABLES
from tenure.store import Warehouse
from tests.conftest import PG_ADMIN

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = [
    "VARIANTS",
    "MetricCase",
    "assert_same_rows",
    "copy_to_postgres",
    "copy_to_spark",
    "export_tables",
    "find_java_home",
    "fresh_postgres_database",
    "metric_cases",
    "normalise_sql",
    "result_rows",
    "spark_session",
]

# -- copying a warehouse ---------------------------------------------------------------------


def table_names() -> list[str]:
    """Every table a metric may read: the canonical tables and their ``_versions`` tables."""
    names = {spec.name for spec in TABLES.values()}
    names |= {spec.storage_name for spec in TABLES.values()}
    return sorted(names)


def export_tables(con: BaseBackend) -> dict[str, pa.Table]:
    """The tables of :func:`table_names` in ``con`` as Arrow; JSON columns become strings.

    Timestamps stay ``timestamp[us, tz=UTC]``.
    """
    out = {}
    for name in table_names():
        t = con.table(name)
        json = {c: t[c].cast("string") for c, typ in t.schema().items() if typ.is_json()}
        out[name] = t.mutate(**json).to_pyarrow()
    return out


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (dropped afterwards); skips when there is no server.

    On CI (``CI`` set) an unreachable server is an error, as in ``tests/conftest.py``.
    """
    psycopg = pytest.importorskip("psycopg")
    name = f"tenure_engines_{os.getpid()}_{os.urandom(3).hex()}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgres://") + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_to_postgres(tables: dict[str, pa.Table], url: str) -> BaseBackend:
    """Open a Tenure warehouse at ``url`` and copy the storage tables of ``tables`` into it.

    The warehouse creates the tables and the current-version views (which then read the
    copied ``_current`` flags), and sets up the session: Ibis sets ``TimeZone = UTC`` on
    connect (checked here, or ``DATE(timestamptz)`` shifts days) and the warehouse turns
    JIT off. The rows go in with ``COPY`` (Ibis inserts row by row). Returns the backend.
    """
    con = Warehouse(url).ibis
    zone = con.raw_sql("SHOW TimeZone").fetchone()[0]
    if zone != "UTC":
        raise AssertionError(f"the PostgreSQL session runs in {zone}, not UTC")
    for name in sorted({spec.storage_name for spec in TABLES.values()}):
        table = tables[name]
        columns = ", ".join(f'"{c}"' for c in table.column_names)
        with con.con.transaction(), con.con.cursor() as cur:
            with cur.copy(f'COPY "{name}" ({columns}) FROM STDIN') as copy:
                for row in table.to_pylist():
                    copy.write_row(tuple(row.values()))
            cur.execute(f'ANALYZE "{name}"')
    return con


# -- Spark -----------------------------------------------------------------------------------

SPARK_JAVA = (17, 21)
"""Java versions Spark 4.0 supports."""


def _java_major(home: Path) -> int | None:
    """The major version of the JDK/JRE in ``home``, from its ``release`` file."""
    release = home / "release"
    if not release.is_file():
        return None
    m = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(encoding="utf-8"), re.MULTILINE)
    return int(m.group(1)) if m else None


def find_java_home() -> Path | None:
    """A Java home Spark can use: ``JAVA_HOME``, the ``java`` on PATH, or a usual location.

    Only Java 17 and 21 are taken (Spark 4.0 supports no other).
    """
    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    if java := shutil.which("java"):
        candidates.append(Path(java).resolve().parents[1])
    for pattern in ("/usr/lib/jvm/*", "/Library/Java/JavaVirtualMachines/*/Contents/Home"):
        root, _, glob = pattern.partition("*")
        if Path(root).is_dir():
            candidates.extend(sorted(Path(root).glob("*" + glob)))
    for home in candidates:
        if (home / "bin" / "java").is_file() and _java_major(home) in SPARK_JAVA:
            return home
    return None


# Small data, two shared cores: no UI, one shuffle partition, no code generation (compiling
# Java for every stage costs more than running it interpreted) and a client-tuned JIT.
SPARK_CONF = {
    "spark.master": "local[2]",
    "spark.app.name": "tenure-tests",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": (
        "-Duser.timezone=UTC -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m"
    ),
}


@contextlib.contextmanager
def spark_session(tmp: Path) -> Iterator[SparkSession]:
    """A local SparkSession in UTC that writes only below ``tmp``; stopped afterwards.

    Sets ``JAVA_HOME`` (to a Java 17 or 21) and the Python of the workers for the
    session's lifetime; skips when pyspark or a suitable Java is missing (an error on CI).
    """
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    home = find_java_home()
    if home is None:
        message = f"no Java {' or '.join(map(str, SPARK_JAVA))} found for Spark"
        if os.environ.get("CI"):
            raise RuntimeError(message)
        pytest.skip(message)
    env = {
        "JAVA_HOME": str(home),
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOCAL_DIRS": str(tmp / "local"),
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    builder = SparkSession.builder
    for key, value in {**SPARK_CONF, "spark.sql.warehouse.dir": str(tmp / "warehouse")}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        _stop_jvm()
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _stop_jvm() -> None:
    """End the JVM this process started for Spark (``stop()`` leaves it running)."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    if gateway is None:
        return
    SparkContext._gateway = SparkContext._jvm = None
    gateway.shutdown()
    proc = getattr(gateway, "proc", None)
    if proc is not None:  # the JVM exits when its stdin closes
        proc.stdin.close()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def copy_to_spark(tables: dict[str, pa.Table], session: SparkSession) -> BaseBackend:
    """Register each Arrow table as a temporary view of ``session``; return the backend."""
    for name, table in tables.items():
        session.createDataFrame(table).createOrReplaceTempView(name)
    return ibis.pyspark.connect(session)


# -- metric discovery ------------------------------------------------------------------------

VARIANTS: dict[str, dict[str, dict[str, Any]]] = {
    "cohort_tables": {"by_plan": {"query": CohortQuery(by="plan")}},
    "engagement": {"week": {"interval": "week"}},
    "mrr_changes": {"by_plan": {"by": "plan"}},
    "mrr_series": {
        "week": {"query": SeriesQuery(interval="week")},
        "quarter": {"query": SeriesQuery(interval="quarter")},
        "by_plan": {"query": SeriesQuery(by="plan")},
    },
}
"""Extra arguments each metric is also run with, besides its defaults."""


@dataclass(frozen=True)
class MetricCase:
    """One metric call: ``func(ctx, **kwargs)``, named ``id`` (``mrr_series-week``)."""

    id: str
    func: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def expr(self, ctx: MetricsContext) -> ir.Expr:
        out = self.func(ctx, **self.kwargs)
        if not isinstance(out, ir.Expr):
            raise TypeError(
                f"{self.id} returned {type(out).__name__}, not an Ibis expression; teach "
                "tests/metrics/backends.py how to compare it"
            )
        return out


def _takes_context(func: Callable[..., Any]) -> bool:
    """A function whose first parameter is a MetricsContext and the rest have defaults."""
    params = list(inspect.signature(func).parameters.values())
    if not params:
        return False
    try:
        first = typing.get_type_hints(func).get(params[0].name)
    except Exception:  # an annotation that only resolves under TYPE_CHECKING
        first = params[0].annotation
    if first not in (MetricsContext, "MetricsContext"):
        return False
    return all(
        p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in params[1:]
    )


def metric_cases() -> list[MetricCase]:
    """Every public metric of ``tenure.metrics`` with its defaults, then its :data:`VARIANTS`."""
    cases = []
    for name in sorted(tenure.metrics.__all__):
        func = getattr(tenure.metrics, name)
        if not inspect.isfunction(func) or not _takes_context(func):
            continue
        cases.append(MetricCase(name, func))
        for variant, kwargs in VARIANTS.get(name, {}).items():
            cases.append(MetricCase(f"{name}-{variant}", func, kwargs))
    return cases


# -- comparing results -----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value comparable across engines: UTC-naive datetimes, floats for decimals."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return tuple(sorted((k, _plain(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Nulls first; floats rounded so that engines' last-bit differences do not reorder."""
    key = []
    for v in row:
        if v is None:
            key.append((0, ""))
        elif isinstance(v, bool):
            key.append((1, str(v)))
        elif isinstance(v, int | float):
            key.append((2, float(f"{float(v):.9g}")))
        else:
            key.append((3, str(v)))
    return tuple(key)


def result_rows(expr: ir.Expr) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and sorted, plain rows of what ``expr`` returns."""
    if isinstance(expr, ir.Table):
        arrow = expr.to_pyarrow()
        names = arrow.column_names
        rows = [tuple(_plain(v) for v in r.values()) for r in arrow.to_pylist()]
    elif isinstance(expr, ir.Column):
        names = [expr.get_name()]
        rows = [(_plain(v),) for v in expr.to_pyarrow().to_pylist()]
    else:
        names, rows = ["value"], [(_plain(expr.to_pyarrow().as_py()),)]
    return names, sorted(rows, key=_sort_key)


def _same(a: Any, b: Any, rel: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
    return bool(a == b)


def assert_same_rows(
    expected: tuple[list[str], list[tuple[Any, ...]]],
    actual: tuple[list[str], list[tuple[Any, ...]]],
    *,
    rel: float = 1e-6,
    engine: str = "the engine",
) -> None:
    """Same columns, same number of rows, every value equal (floats within ``rel``)."""
    (names, want), (got_names, got) = expected, actual
    assert got_names == names, f"{engine} returns columns {got_names}, DuckDB {names}"
    assert len(got) == len(want), f"{engine} returns {len(got)} rows, DuckDB {len(want)}"
    diffs = [
        f"row {i} {names[j]}: DuckDB {a!r}, {engine} {b!r}"
        for i, (w, g) in enumerate(zip(want, got, strict=True))
        for j, (a, b) in enumerate(zip(w, g, strict=True))
        if not _same(a, b, rel)
    ]
    assert not diffs, f"{len(diffs)} values differ:\n" + "\n".join(diffs[:20])


# -- SQL snapshots ---------------------------------------------------------------------------

_MEMTABLE = re.compile(r"ibis_[a-z_]*memtable_[a-z0-9]+")
_EXCLUDE = re.compile(r"EXCLUDE \(([^()]*)\)")


def normalise_sql(sql: str) -> str:
    """``sql`` made stable: random memtable names numbered by first appearance, and the
    columns of DuckDB's ``EXCLUDE (...)`` sorted (Ibis keeps them in a set)."""
    seen: dict[str, str] = {}

    def name(m: re.Match[str]) -> str:
        return seen.setdefault(m.group(0), f"ibis_memtable_{len(seen)}")

    def exclude(m: re.Match[str]) -> str:
        return f"EXCLUDE ({', '.join(sorted(c.strip() for c in m.group(1).split(',')))})"

    sql = _MEMTABLE.sub(name, sql)
    return _EXCLUDE.sub(exclude, sql).rstrip() + "\n"

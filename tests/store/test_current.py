"""Each key's latest version carries ``_current``, on DuckDB and on PostgreSQL.

The views ``<table>`` filter on that flag, so the loader must keep it equal to what the
old view computed: per key, the greatest ``(_version_at, _ingest_id, _line)``. Each test
checks exactly that, with :func:`assert_flags_match_ranking`, after versions arrive out of
order, within one file, across the slices of one file, and after a warehouse made before
the flag existed is opened.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pytest

import tenure.store.warehouse as warehouse_module
from tenure.ingest import plan_file
from tenure.schema import TABLES
from tenure.store import Warehouse
from tenure.store._loader import Loader
from tests.conftest import NOW

VERSIONED = [spec for spec in TABLES.values() if spec.versioned]
SUB = {
    "id": "sub_1",
    "object": "subscription",
    "customer": "cus_1",
    "status": "active",
    "created": 1735689600,
    "items": {"data": []},
}


@pytest.fixture(
    params=["duckdb", pytest.param("postgres", marks=[pytest.mark.slow, pytest.mark.postgres])]
)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "duckdb":
        yield f"duckdb://{tmp_path / 'w.duckdb'}"
    else:
        yield request.getfixturevalue("postgres_url")


def _event(n: int, created: int, **changes: Any) -> dict[str, Any]:
    return {
        "id": f"evt_{n}",
        "object": "event",
        "type": "customer.subscription.updated",
        "created": created,
        "data": {"object": {**SUB, **changes}},
    }


def _write(path: Path, objects: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(o) for o in objects) + "\n", encoding="utf-8")
    return path


def _ingest(wh: Warehouse, path: Path, now: dt.datetime = NOW) -> None:
    result = wh.write_batch(plan_file(path, now=now), now=now)
    assert result.rejects == 0, result.reasons


def assert_flags_match_ranking(wh: Warehouse) -> None:
    """In every versioned table, ``_current`` marks exactly the versions the ranking picks."""
    for spec in VERSIONED:
        t = wh.table(spec.storage_name)
        rank = ibis.row_number().over(
            group_by=list(spec.key),
            order_by=[ibis.desc("_version_at"), ibis.desc("_ingest_id"), ibis.desc("_line")],
        )
        cols = [*spec.key, "_version_at", "_ingest_id", "_line"]
        latest = t.mutate(_rank=rank).filter(ibis._._rank == 0).select(*cols)
        flagged = t.filter(t._current).select(*cols)
        want = sorted(map(str, latest.to_pyarrow().to_pylist()))
        got = sorted(map(str, flagged.to_pyarrow().to_pylist()))
        assert got == want, spec.name
        nulls = t.filter(t._current.isnull()).count().to_pyarrow().as_py()
        assert nulls == 0, f"{spec.name} has versions without a flag"


def _status(wh: Warehouse) -> list[str]:
    rows = wh.table("subscriptions").select("status").to_pyarrow().to_pylist()
    return [r["status"] for r in rows]


def test_latest_version_stays_current_when_older_versions_arrive_later(
    url: str, tmp_path: Path
) -> None:
    with Warehouse(url) as wh:
        _ingest(wh, _write(tmp_path / "late.jsonl", [_event(3, 1740000000, status="canceled")]))
        older = [_event(1, 1735689600), _event(2, 1738000000, status="past_due")]
        _ingest(wh, _write(tmp_path / "early.jsonl", older))
        assert _status(wh) == ["canceled"]
        assert_flags_match_ranking(wh)
        # An export is a snapshot observed when it is ingested: newer than every event.
        _ingest(wh, _write(tmp_path / "export.jsonl", [{**SUB, "status": "unpaid"}]))
        assert _status(wh) == ["unpaid"]
        assert_flags_match_ranking(wh)


def test_one_version_is_current_when_a_file_holds_several_of_one_key(
    url: str, tmp_path: Path
) -> None:
    versions = [
        _event(2, 1738000000, status="past_due"),
        _event(3, 1740000000, status="canceled"),
        _event(1, 1735689600),
    ]
    with Warehouse(url) as wh:
        _ingest(wh, _write(tmp_path / "events.jsonl", versions))
        assert _status(wh) == ["canceled"]
        assert_flags_match_ranking(wh)


def test_flags_are_kept_when_a_key_spans_the_slices_of_a_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warehouse_module, "Loader", functools.partial(Loader, slice_lines=1))
    versions = [
        _event(1, 1735689600),
        _event(3, 1740000000, status="canceled"),
        _event(2, 1738000000, status="past_due"),
        {**SUB, "id": "sub_2"},
    ]
    with Warehouse(url) as wh:
        _ingest(wh, _write(tmp_path / "events.jsonl", versions))
        _ingest(wh, _write(tmp_path / "later.jsonl", [_event(4, 1741000000, status="unpaid")]))
        rows = wh.table("subscriptions").select("subscription_id", "status").to_pyarrow()
        assert sorted(tuple(r.values()) for r in rows.to_pylist()) == [
            ("sub_1", "unpaid"),
            ("sub_2", "active"),
        ]
        assert_flags_match_ranking(wh)


def _make_old(wh: Warehouse) -> None:
    """Turn ``wh`` into a warehouse as Tenure made it before ``_current``: no column, and
    views that rank the versions."""
    for spec in VERSIONED:
        keys = ", ".join(f'"{k}"' for k in spec.key)
        cols = ", ".join(f'"{c}"' for c in (*spec.column_names, "_version_at"))
        for sql in (
            f'DROP VIEW "{spec.name}"',
            f"ALTER TABLE {spec.storage_name} DROP COLUMN _current",
            f"""CREATE VIEW "{spec.name}" AS SELECT {cols} FROM (
                SELECT *, row_number() OVER (PARTITION BY {keys}
                    ORDER BY _version_at DESC, _ingest_id DESC, _line DESC) AS _rank
                FROM {spec.storage_name}) AS t WHERE _rank = 1""",
        ):
            wh._server_sql(sql) if not wh.embedded else wh.con.execute(sql)


def test_old_warehouse_gets_flags_when_it_is_opened(url: str, tmp_path: Path) -> None:
    versions = [_event(2, 1738000000, status="past_due"), _event(1, 1735689600)]
    customer = {"id": "cus_1", "object": "customer", "created": 1735689600, "email": "a@b.c"}
    with Warehouse(url) as wh:
        _ingest(wh, _write(tmp_path / "events.jsonl", versions))
        _ingest(wh, _write(tmp_path / "customers.jsonl", [customer]))
        later = _write(tmp_path / "later.jsonl", [{**customer, "email": "b@c.d"}])
        _ingest(wh, later, NOW + dt.timedelta(days=1))
        before = wh.counts()
        _make_old(wh)
        assert "_current" not in wh.table("subscriptions_versions").columns
        assert _status(wh) == ["past_due"]
    with Warehouse(url) as wh:
        assert wh.counts() == before
        assert _status(wh) == ["past_due"]
        emails = wh.table("customers").select("email").to_pyarrow().to_pylist()
        assert emails == [{"email": "b@c.d"}]
        assert_flags_match_ranking(wh)
        _ingest(wh, _write(tmp_path / "last.jsonl", [_event(3, 1740000000, status="canceled")]))
        assert _status(wh) == ["canceled"]
        assert_flags_match_ranking(wh)


@pytest.mark.slow
@pytest.mark.postgres
def test_jit_is_off_when_the_warehouse_is_postgres(postgres_url: str) -> None:
    with Warehouse(postgres_url) as wh:
        cur = wh.ibis.raw_sql("SHOW jit")
        assert cur.fetchone() == ("off",)
        cur.close()

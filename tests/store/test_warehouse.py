from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tenure.schema import TABLES
from tenure.workspace import Workspace


def test_every_table_has_a_unique_grain_when_a_world_is_loaded(
    ws: Workspace, tmp_path: Path
) -> None:
    f = tmp_path / "s.jsonl"
    objs = [
        {"id": "cus_1", "object": "customer", "created": 1735689600, "email": "a@b.c"},
        {"id": "cus_1", "object": "customer", "created": 1735689600, "email": "a@b.c"},
        {
            "id": "evt_1",
            "object": "event",
            "type": "customer.updated",
            "created": 1736000000,
            "data": {
                "object": {
                    "id": "cus_1",
                    "object": "customer",
                    "created": 1735689600,
                    "email": "new@b.c",
                }
            },
        },
    ]
    f.write_text("\n".join(json.dumps(o) for o in objs) + "\n", encoding="utf-8")
    ws.ingest([f])
    con = ws.warehouse.con
    for spec in TABLES.values():
        keys = ", ".join(spec.key)
        dupes = con.execute(
            f"SELECT count(*) FROM (SELECT {keys} FROM {spec.name} GROUP BY ALL "
            "HAVING count(*) > 1)"
        ).fetchone()
        assert dupes == (0,), spec.name
    # the export line was observed at ingest time, after the event of January 2025
    assert con.execute("SELECT email FROM customers").fetchall() == [("a@b.c",)]
    assert con.execute("SELECT count(*) FROM customers_versions").fetchone() == (2,)


def test_tables_are_readable_through_ibis_when_opened(ws: Workspace) -> None:
    t = ws.warehouse.table("subscriptions")
    assert "subscription_id" in t.columns
    assert t.count().execute() == 0


def test_ingest_uses_its_own_memory_limit_when_queries_have_a_larger_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tenure.ingest import plan_file
    from tenure.store import Warehouse
    from tenure.store._loader import Loader
    from tests.conftest import NOW

    seen: list[str] = []
    run = Loader.run

    def recording(self: Loader, batch: Any) -> Any:
        seen.append(self.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        return run(self, batch)

    monkeypatch.setattr(Loader, "run", recording)
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"id": "cus_1", "object": "customer", "created": 1735689600}))

    def limit(wh: Warehouse) -> str:
        return str(wh.con.execute("SELECT current_setting('memory_limit')").fetchone()[0])

    with Warehouse(
        f"duckdb://{tmp_path / 'w.duckdb'}", memory_limit="512MB", query_memory_limit="2GB"
    ) as wh:
        assert limit(wh) == "1.8 GiB"  # DuckDB shows 2GB (10^9) in GiB
        wh.write_batch(plan_file(f, now=NOW), now=NOW)
        assert seen == ["488.2 MiB"]
        assert limit(wh) == "1.8 GiB"

from __future__ import annotations

import json
from pathlib import Path

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

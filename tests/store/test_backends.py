"""The same ingestion gives the same warehouse on DuckDB and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenure.ingest import plan_file
from tenure.store import Warehouse
from tests.conftest import NOW


def _files(tmp_path: Path) -> list[Path]:
    stripe = tmp_path / "stripe.jsonl"
    objs = [
        {
            "id": "cus_1",
            "object": "customer",
            "created": 1735689600,
            "email": "a@b.c",
            "metadata": {"channel": "organic"},
            "currency": "eur",
        },
        {
            "id": "price_1",
            "object": "price",
            "currency": "eur",
            "unit_amount": 900,
            "created": 1735689600,
            "recurring": {"interval": "month", "interval_count": 1},
        },
        {
            "id": "sub_1",
            "object": "subscription",
            "customer": "cus_1",
            "status": "active",
            "created": 1735689600,
            "items": {
                "data": [
                    {"id": "si_1", "object": "subscription_item", "price": "price_1", "quantity": 2}
                ]
            },
        },
        {
            "id": "evt_1",
            "object": "event",
            "type": "customer.subscription.deleted",
            "created": 1740000000,
            "data": {
                "object": {
                    "id": "sub_1",
                    "object": "subscription",
                    "customer": "cus_1",
                    "status": "canceled",
                    "created": 1735689600,
                    "ended_at": 1740000000,
                }
            },
        },
        {"id": "x", "object": "banana"},
    ]
    stripe.write_text("\n".join(json.dumps(o) for o in objs) + "\n{bad\n", encoding="utf-8")
    feedback = tmp_path / "feedback.csv"
    feedback.write_text(
        "feedback_id,customer_id,kind,score,comment,submitted_at\n"
        'f1,cus_1,nps,3,"zu teuer, leider",2025-02-01T00:00:00Z\n'
        "f2,cus_1,nps,12,,2025-02-02T00:00:00Z\n",
        encoding="utf-8",
    )
    return [stripe, feedback]


def _ingest(url: str, files: list[Path]) -> tuple[dict[str, int], list[tuple[object, ...]]]:
    with Warehouse(url) as wh:
        results = [wh.write_batch(plan_file(f, now=NOW), now=NOW) for f in files]
        assert sum(r.inserted for r in results) > 0
        again = [wh.write_batch(plan_file(f, now=NOW), now=NOW) for f in files]
        assert sum(r.inserted for r in again) == 0
        assert sum(r.rejects for r in again) == 0
        counts = wh.counts()
        subs = wh.table("subscriptions").select("subscription_id", "status", "ended_at")
        rows = [tuple(r.values()) for r in subs.to_pyarrow().to_pylist()]
        return counts, rows


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_matches_duckdb_when_the_same_files_are_ingested_twice(
    tmp_path: Path, postgres_url: str
) -> None:
    files = _files(tmp_path)
    duck = _ingest(f"duckdb://{tmp_path / 'w.duckdb'}", files)
    pg = _ingest(postgres_url, files)
    assert duck == pg
    counts, rows = pg
    assert counts["rejects"] == 3  # banana, the malformed line, the NPS of 12
    assert counts["subscription_items"] == 1
    # The export line is a snapshot observed at ingest time, so it is newer than the event.
    assert rows == [("sub_1", "active", None)]


def test_missing_backend_names_the_extra_when_url_scheme_is_unknown() -> None:
    from tenure.errors import StoreError

    with pytest.raises(StoreError):
        Warehouse("nosuchbackend://localhost/db")

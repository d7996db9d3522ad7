"""End to end: generate a demo world, ingest it, and find exactly what the generator wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenure.demo import generate
from tenure.workspace import Workspace

TABLE_OF = {"charges": "payments", "segment_events": "events"}


@pytest.fixture(scope="module", params=["current", "legacy"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(f"world-{request.param}")
    generate(out, customers=300, months=12, seed=11, stripe_shape=request.param)
    return out


def test_row_counts_match_manifest_when_world_is_ingested(ws: Workspace, world: Path) -> None:
    counts_expected = json.loads((world / "manifest.json").read_text())["counts"]
    results = ws.ingest([world / "stripe", world / "segment", world / "tables"])
    assert sum(r.rejects for r in results) == 0, [r.reasons for r in results if r.rejects]
    counts = ws.counts()
    for name, expected in counts_expected.items():
        assert counts[TABLE_OF.get(name, name)] == expected, name


def test_reingesting_the_world_adds_nothing_when_run_twice(ws: Workspace, world: Path) -> None:
    paths = [world / "stripe", world / "segment", world / "tables"]
    ws.ingest(paths)
    before = ws.counts()
    again = ws.ingest(paths)
    assert sum(r.inserted for r in again) == 0
    assert ws.counts() == before

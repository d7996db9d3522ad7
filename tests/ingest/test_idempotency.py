"""Re-ingesting adds nothing; a crash mid-ingest leaves the warehouse as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tenure.workspace import Workspace
from tests.conftest import ROOT


def _events(path: Path, n: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            fh.write(
                json.dumps(
                    {
                        "type": "track",
                        "messageId": f"m{i}",
                        "userId": f"u{i % 7}",
                        "event": "Feature Used",
                        "timestamp": "2025-05-01T10:00:00Z",
                        "properties": {"feature": "export"},
                        "context": {"groupId": f"cus_{i % 3}"},
                    }
                )
                + "\n"
            )
    return path


def test_second_ingest_adds_nothing_when_file_is_unchanged(ws: Workspace, tmp_path: Path) -> None:
    f = _events(tmp_path / "e.jsonl", 100)
    [first] = ws.ingest([f])
    [second] = ws.ingest([f])
    assert first.rows == {"events": 100}
    assert second.rows == {"events": 0}
    assert second.duplicates == 100
    assert ws.counts()["events"] == 100


def test_overlapping_files_add_only_new_messages_when_reingested(
    ws: Workspace, tmp_path: Path
) -> None:
    ws.ingest([_events(tmp_path / "a.jsonl", 50)])
    [res] = ws.ingest([_events(tmp_path / "b.jsonl", 50, start=25)])
    assert res.rows == {"events": 25}
    assert ws.counts()["events"] == 75


def test_rejects_are_not_repeated_when_a_bad_file_is_reingested(
    ws: Workspace, tmp_path: Path
) -> None:
    f = tmp_path / "e.jsonl"
    f.write_text('{"broken"\n', encoding="utf-8")
    ws.ingest([f], format="segment")
    ws.ingest([f], format="segment")
    assert len(ws.rejects()) == 1


@pytest.mark.slow
def test_warehouse_is_unchanged_when_ingest_is_killed_midway(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace.init(root).close()
    first = _events(tmp_path / "first.jsonl", 1000)
    with Workspace.open(root) as ws:
        ws.ingest([first])
        before = ws.counts()
    big = _events(tmp_path / "big.jsonl", 400_000, start=10_000)
    script = textwrap.dedent(f"""
        import sys
        from tenure.workspace import Workspace
        ws = Workspace.open({str(root)!r})
        print("started", flush=True)
        ws.ingest([{str(big)!r}])
        print("finished", flush=True)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.0)
    assert proc.poll() is None, "the ingest finished before it could be killed; use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    with Workspace.open(root) as ws:
        assert ws.counts() == before
        assert ws.warehouse.con.execute("SELECT count(*) FROM ingests").fetchone() == (1,)
        [res] = ws.ingest([big])
        assert res.rows == {"events": 400_000}

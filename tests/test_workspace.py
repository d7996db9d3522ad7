from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenure.errors import UnknownFormatError
from tenure.workspace import Workspace


def test_unknown_files_are_passed_over_when_found_in_a_folder(
    ws: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "manifest.json").write_text('{"counts": {}}', encoding="utf-8")
    (folder / "notes.txt").write_text("not read", encoding="utf-8")
    (folder / "events.jsonl").write_text(
        json.dumps(
            {
                "type": "track",
                "messageId": "m1",
                "userId": "u1",
                "event": "Logged In",
                "timestamp": "2025-01-01T00:00:00Z",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    results = ws.ingest([folder])
    assert [(r.source.name, r.note is not None) for r in results] == [
        ("events.jsonl", False),
        ("manifest.json", True),
    ]
    assert ws.counts()["events"] == 1


def test_unknown_file_is_an_error_when_named_directly(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "manifest.json"
    f.write_text('{"counts": {}}', encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="pass --format"):
        ws.ingest([f])

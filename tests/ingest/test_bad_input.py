"""Bad input is rejected with file, line, field and reason, and nothing good is lost."""

from __future__ import annotations

import json
from pathlib import Path

from tenure.workspace import Workspace

SEG = {
    "type": "track",
    "event": "Report Created",
    "userId": "u1",
    "timestamp": "2025-03-01T10:00:00Z",
    "context": {"groupId": "cus_1"},
}


def _seg(i: int, **changes: object) -> str:
    msg = {**SEG, "messageId": f"m{i}", **changes}
    return json.dumps({k: v for k, v in msg.items() if v is not None})


def _write(path: Path, lines: list[str], *, end: str = "\n") -> Path:
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


def _only_reject(ws: Workspace) -> dict[str, object]:
    rows = ws.rejects()
    assert len(rows) == 1, rows
    return rows[0]


def test_malformed_json_line_is_rejected_when_others_are_good(
    ws: Workspace, tmp_path: Path
) -> None:
    f = _write(tmp_path / "e.jsonl", [_seg(1), '{"type": "track", "messageId": ', _seg(3)])
    [res] = ws.ingest([f])
    assert res.rows == {"events": 2}
    rej = _only_reject(ws)
    assert rej["line"] == 2
    assert "not valid JSON" in str(rej["reason"])


def test_missing_required_field_is_rejected_when_message_id_absent(
    ws: Workspace, tmp_path: Path
) -> None:
    f = _write(tmp_path / "e.jsonl", [_seg(1), _seg(2, messageId=None), _seg(3)])
    [res] = ws.ingest([f], format="segment")
    assert res.rows == {"events": 2}
    rej = _only_reject(ws)
    assert (rej["line"], rej["field"]) == (2, "message_id")
    assert "required field 'message_id' is missing" in str(rej["reason"])


def test_wrong_type_is_rejected_when_timestamp_is_not_a_time(ws: Workspace, tmp_path: Path) -> None:
    f = _write(tmp_path / "e.jsonl", [_seg(1), _seg(2, timestamp="yesterday")])
    ws.ingest([f])
    rej = _only_reject(ws)
    assert (rej["line"], rej["field"]) == (2, "occurred_at")
    assert "ISO 8601" in str(rej["reason"]) and "yesterday" in str(rej["reason"])


def _price(pid: str, amount: object, currency: str = "usd") -> str:
    return json.dumps(
        {
            "id": pid,
            "object": "price",
            "currency": currency,
            "unit_amount": amount,
            "created": 1735689600,
            "product": "prod_1",
            "type": "recurring",
            "recurring": {"interval": "month", "interval_count": 1},
        }
    )


def test_negative_amount_is_rejected_when_price_is_below_zero(
    ws: Workspace, tmp_path: Path
) -> None:
    f = _write(tmp_path / "p.jsonl", [_price("price_a", 1000), _price("price_b", -5)])
    [res] = ws.ingest([f])
    assert res.rows["prices"] == 1
    rej = _only_reject(ws)
    assert (rej["line"], rej["field"]) == (2, "amount_minor")
    assert "must not be negative" in str(rej["reason"])


def test_non_integer_amount_is_rejected_when_amount_has_decimals(
    ws: Workspace, tmp_path: Path
) -> None:
    f = _write(tmp_path / "p.jsonl", [_price("price_a", 12.5)])
    ws.ingest([f])
    rej = _only_reject(ws)
    assert rej["field"] == "amount_minor"
    assert "whole number of minor units" in str(rej["reason"])


def test_unknown_currency_is_rejected_when_code_is_not_iso(ws: Workspace, tmp_path: Path) -> None:
    f = _write(tmp_path / "p.jsonl", [_price("price_a", 100, "xyz"), _price("price_b", 100, "eur")])
    [res] = ws.ingest([f])
    assert res.rows["prices"] == 1
    rej = _only_reject(ws)
    assert (rej["line"], rej["field"]) == (1, "currency")
    assert "ISO 4217" in str(rej["reason"])


def test_unknown_object_type_is_rejected_when_stripe_type_is_not_read(
    ws: Workspace, tmp_path: Path
) -> None:
    f = _write(tmp_path / "s.jsonl", [_price("price_a", 100), '{"id": "x_1", "object": "banana"}'])
    [res] = ws.ingest([f])
    assert res.rows["prices"] == 1
    rej = _only_reject(ws)
    assert rej["line"] == 2
    assert "object type 'banana' is not one Tenure reads" in str(rej["reason"])


def test_future_timestamp_is_rejected_when_later_than_now(ws: Workspace, tmp_path: Path) -> None:
    f = _write(tmp_path / "e.jsonl", [_seg(1), _seg(2, timestamp="2031-01-01T00:00:00Z")])
    [res] = ws.ingest([f])
    assert res.rows == {"events": 1}
    rej = _only_reject(ws)
    assert (rej["line"], rej["field"]) == (2, "occurred_at")
    assert "in the future" in str(rej["reason"])


def test_duplicate_id_with_different_content_is_rejected_when_in_one_file(
    ws: Workspace, tmp_path: Path
) -> None:
    f = _write(tmp_path / "e.jsonl", [_seg(1), _seg(1, event="Other Event"), _seg(1)])
    [res] = ws.ingest([f])
    assert res.rows == {"events": 1}
    assert res.duplicates == 1
    rej = _only_reject(ws)
    assert rej["line"] == 2
    assert "duplicate id m1 with different content" in str(rej["reason"])
    assert "line 1" in str(rej["reason"])


def test_duplicate_id_with_different_content_is_rejected_when_in_a_later_file(
    ws: Workspace, tmp_path: Path
) -> None:
    ws.ingest([_write(tmp_path / "a.jsonl", [_seg(1)])])
    [res] = ws.ingest([_write(tmp_path / "b.jsonl", [_seg(1, event="Changed")])])
    assert res.rows == {"events": 0}
    rej = _only_reject(ws)
    assert "a.jsonl line 1" in str(rej["reason"])
    assert ws.warehouse.con.execute("SELECT event FROM events").fetchall() == [("Report Created",)]


def test_truncated_file_keeps_complete_lines_when_last_line_is_cut(
    ws: Workspace, tmp_path: Path
) -> None:
    full = _seg(3)
    f = _write(tmp_path / "e.jsonl", [_seg(1), _seg(2), full[: len(full) // 2]], end="")
    [res] = ws.ingest([f])
    assert res.rows == {"events": 2}
    rej = _only_reject(ws)
    assert rej["line"] == 3
    assert "truncated" in str(rej["reason"])


def test_empty_file_is_reported_when_it_has_no_bytes(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "empty.jsonl"
    f.write_bytes(b"")
    [res] = ws.ingest([f])
    assert res.inserted == 0
    rej = _only_reject(ws)
    assert "file is empty" in str(rej["reason"])


def test_non_utf8_line_is_rejected_when_bytes_are_invalid(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "e.jsonl"
    bad = _seg(2).replace("Report", "Caf\u00e9").encode("latin-1")
    f.write_bytes(b"\n".join([_seg(1).encode(), bad, _seg(3).encode(), _seg(4).encode()]) + b"\n")
    [res] = ws.ingest([f])
    assert res.rows == {"events": 3}
    rej = _only_reject(ws)
    assert rej["line"] == 2
    assert "UTF-8" in str(rej["reason"])
    got = ws.warehouse.con.execute("SELECT message_id FROM events ORDER BY 1").fetchall()
    assert got == [("m1",), ("m3",), ("m4",)]


def test_line_numbers_stay_right_when_an_earlier_line_was_unreadable(
    ws: Workspace, tmp_path: Path
) -> None:
    f = tmp_path / "e.jsonl"
    lines = [_seg(1).encode(), b'{"x": "\xff"}', b"", _seg(4, messageId=None).encode()]
    f.write_bytes(b"\n".join(lines) + b"\n")
    ws.ingest([f])
    got = sorted((r["line"], r["field"]) for r in ws.rejects())
    assert got == [(2, None), (4, "message_id")]


def test_csv_table_rejects_bad_score_when_nps_is_out_of_range(
    ws: Workspace, tmp_path: Path
) -> None:
    f = tmp_path / "feedback.csv"
    f.write_text(
        "feedback_id,customer_id,kind,score,comment,submitted_at\n"
        "f1,cus_1,nps,9,great,2025-01-02T10:00:00Z\n"
        "f2,cus_1,nps,11,,2025-01-03T10:00:00Z\n"
        'f3,cus_2,csat,4,"fine, thanks",2025-01-04T10:00:00Z\n',
        encoding="utf-8",
    )
    [res] = ws.ingest([f])
    assert res.rows == {"feedback": 2}
    rej = _only_reject(ws)
    assert (rej["line"], rej["field"]) == (3, "score")
    assert "between 0 and 10" in str(rej["reason"])

"""No leakage: changing anything dated after ``as_of`` changes no feature.

A demo workspace's warehouse is edited after ``as_of`` in every way a later export or
webhook could: later events, invoices, payments, tickets and feedback are deleted or
added, and later versions of the objects that existed before get new states (paid,
cancelled, refunded, closed with a bad CSAT). The feature frame at ``as_of`` must stay
the same, while the frame at a later day does change (so the edits reach the features).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import ibis
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tenure.config import MetricsSettings
from tenure.features import feature_frame

RULES = MetricsSettings(activation_event="Report Created")


def _features(db: Path, as_of: dt.date) -> pl.DataFrame:
    con = ibis.duckdb.connect(str(db))
    try:
        return feature_frame(con, as_of, rules=RULES).sort("customer_id")
    finally:
        con.disconnect()


def _edit_after(db: Path, as_of: dt.date) -> None:
    d = f"TIMESTAMPTZ '{as_of.isoformat()} 00:00:00+00'"
    with duckdb.connect(str(db)) as con:
        con.execute("SET TimeZone = 'UTC'")
        statements = [
            # later product events: removed, and others made up
            f"""INSERT INTO events SELECT * REPLACE (message_id || '-x' AS message_id,
                occurred_at + INTERVAL 400 DAY AS occurred_at,
                'Report Created' AS event) FROM events
                WHERE occurred_at < {d} AND occurred_at + INTERVAL 400 DAY >= {d}""",
            f"DELETE FROM events WHERE occurred_at >= {d} AND message_id NOT LIKE '%-x'",
            f"DELETE FROM stripe_events WHERE created_at >= {d}",
            # invoices created later are gone; the others get paid later, after many tries
            f"""DELETE FROM invoice_lines_versions WHERE invoice_id IN
                (SELECT invoice_id FROM invoices_versions WHERE created_at >= {d})""",
            f"DELETE FROM invoices_versions WHERE created_at >= {d}",
            f"""UPDATE invoices_versions SET status = 'paid', attempt_count = 9,
                paid_at = {d} + INTERVAL 5 DAY, amount_paid_minor = amount_due_minor
                WHERE _version_at >= {d} AND (paid_at IS NULL OR paid_at >= {d})
                AND voided_at IS NULL""",
            f"DELETE FROM payments_versions WHERE created_at >= {d}",
            f"""UPDATE payments_versions SET amount_refunded_minor = amount_minor
                WHERE _version_at >= {d}""",
            # later versions of subscriptions: all cancelled for non-payment
            f"""UPDATE subscriptions_versions SET status = 'canceled',
                canceled_at = {d} + INTERVAL 1 DAY, ended_at = {d} + INTERVAL 3 DAY,
                cancellation_reason = 'payment_failed', cancel_at_period_end = TRUE,
                current_period_end_at = {d} + INTERVAL 100 DAY
                WHERE _version_at >= {d} AND (ended_at IS NULL OR ended_at >= {d})""",
            f"DELETE FROM subscriptions_versions WHERE created_at >= {d}",
            # tickets: later ones gone, open ones closed later with the worst CSAT
            f"DELETE FROM support_tickets_versions WHERE opened_at >= {d}",
            f"""UPDATE support_tickets_versions SET status = 'closed', csat = 1,
                closed_at = {d} + INTERVAL 2 DAY
                WHERE _version_at >= {d} AND (closed_at IS NULL OR closed_at >= {d})""",
            # feedback: later answers gone, and a made-up detractor wave
            f"DELETE FROM feedback_versions WHERE submitted_at >= {d}",
            f"""INSERT INTO feedback_versions SELECT * REPLACE (feedback_id || '-x' AS
                feedback_id, 0 AS score, {d} + INTERVAL 1 DAY AS submitted_at,
                {d} + INTERVAL 1 DAY AS _version_at) FROM feedback_versions
                WHERE kind = 'nps'""",
            f"UPDATE customers_versions SET delinquent = TRUE WHERE _version_at >= {d}",
            f"DELETE FROM customers_versions WHERE created_at >= {d}",
        ]
        for sql in statements:
            con.execute(sql)


@pytest.mark.slow
def test_changing_data_after_as_of_changes_no_feature(demo_copy: Path) -> None:
    manifest = json.loads((demo_copy / "data" / "manifest.json").read_text())
    start = dt.date.fromisoformat(manifest["start"])
    as_of = dt.date(start.year + (start.month + 8 - 1) // 12, (start.month + 8 - 1) % 12 + 1, 1)
    later = as_of + dt.timedelta(days=61)
    db = demo_copy / "warehouse.duckdb"
    before, before_later = _features(db, as_of), _features(db, later)
    assert before.height > 100
    assert before["mrr"].sum() > 0 and before["events_30d"].sum() > 0

    _edit_after(db, as_of)

    assert_frame_equal(_features(db, as_of), before)
    after_later = _features(db, later)
    changed = [
        c
        for c in before_later.columns
        if c != "customer_id"
        and before_later.height == after_later.height
        and not before_later[c].equals(after_later[c], null_equal=True)
    ]
    assert before_later.height != after_later.height or len(changed) >= 5, changed

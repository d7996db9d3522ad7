"""``OperationalStore.enrolment_arms``: the journey report's columns, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tenure.clock import FixedClock
from tenure.workspace import Deployment

pytestmark = pytest.mark.slow

AT = dt.datetime(2026, 3, 2, 12, 30, tzinfo=dt.UTC)


def test_enrolment_arms_are_one_journeys_rows_in_order_with_utc_entry_times(folder: Path) -> None:
    Deployment.upgrade(folder)
    with Deployment.open(folder, clock=FixedClock(AT)) as d:
        tenant = d.create_tenant("acme")
        entries = [("cus_2", "k1", "treatment", None), ("cus_1", "k2", "holdout", None)]
        d.store.enroll(tenant.id, "limit", entries, watermark=AT, reenter=False)
        d.store.enroll(
            tenant.id, "other", [("cus_3", "k", "control", None)], watermark=AT, reenter=False
        )
        rows = d.store.enrolment_arms(tenant.id, "limit")
    assert rows == [
        ("cus_2", "treatment", None, "active", AT),
        ("cus_1", "holdout", None, "active", AT),
    ]
    assert all(r[4].utcoffset() == dt.timedelta(0) for r in rows)

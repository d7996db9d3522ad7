"""A world whose journeys' retention and MRR per arm are known, for the journey report.

Two journeys run through the real worker (arms and A/B variants by hashing) at
``ENTRY`` (2026-03-02 12:00 UTC); then the billing that followed is ingested:

- ``ab`` (customers 0-799 enter at ``ENTRY``, 100 more at ``LATE``, 10 days before the
  report, too young for 30 days): variant ``a`` keeps a paying customer with probability
  0.8 and lifts their price by 10.00 a month; variant ``b`` keeps them with 0.65; the
  kept-out customers (control and holdout) with 0.5.
- ``aa`` (customers 900-1299 enter at ``ENTRY``): an A/A test, every arm keeps a paying
  customer with probability 0.6.

Every tenth customer never pays. A paying customer's price is 10-30 a month; they pay
monthly from 2025-12-15, so at entry they pay; a customer who is not kept is billed up to
2026-02-15 and cancels at 2026-03-15 (not paying on day 30, 2026-04-01). ``REPORT_ON``
(2026-05-15) is the day of the last invoice. :class:`Truth` holds, per enrolment, the
probability of being kept, the price and the realised outcome. The world is the same in
every run: the tenant id is fixed (the arms are hashed with it) and the draws are seeded
and made in customer order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import text

from tenure.clock import FixedClock
from tenure.workspace import Deployment, Workspace
from tests.act.journey_world import customer_id, make_world
from tests.metrics.builders import World

TENANT_ID = "ten_journeyreport0"
ENTRY = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
LATE = dt.datetime(2026, 5, 5, 12, 0, tzinfo=dt.UTC)
REPORT_AT = dt.datetime(2026, 5, 15, 12, 0, tzinfo=dt.UTC)
REPORT_ON = REPORT_AT.date()
KEEP = {("ab", "a"): 0.8, ("ab", "b"): 0.65, ("ab", None): 0.5, ("aa", None): 0.6}
UPLIFT = {("ab", "a"): 10.0}

AB = """\
name: ab
description: A/B test of two upgrade nudges
trigger: {type: event, event: usage_limit_reached}
holdout: 0.2
steps:
  - id: split
    type: branch
    split:
      - {variant: a, weight: 1, goto: note_a}
      - {variant: b, weight: 1, goto: note_b}
  - {id: note_a, type: send, channel: inapp, title: A, body: a}
  - {id: end_a, type: exit}
  - {id: note_b, type: send, channel: inapp, title: B, body: b}
"""
AA = """\
name: aa
description: An A/A test
trigger: {type: event, event: checked_in}
holdout: 0.3
steps:
  - {id: note, type: send, channel: inapp, title: Hi, body: hello}
"""


@dataclass
class Truth:
    """Per enrolment of the first batch: ``(journey, customer) -> values``."""

    arm: dict[tuple[str, str], str] = field(default_factory=dict)
    variant: dict[tuple[str, str], str | None] = field(default_factory=dict)
    keep: dict[tuple[str, str], float] = field(default_factory=dict)  # P(paying on day 30)
    kept: dict[tuple[str, str], bool] = field(default_factory=dict)
    price: dict[tuple[str, str], float] = field(default_factory=dict)  # 0 for never paying
    change: dict[tuple[str, str], float] = field(default_factory=dict)  # realised MRR change
    expected_change: dict[tuple[str, str], float] = field(default_factory=dict)

    def members(self, journey: str, group: str) -> list[tuple[str, str]]:
        """Enrolments of an arm, ``kept out`` or a variant (``a``, ``b``) of ``journey``."""
        keys = [k for k in self.arm if k[0] == journey]
        if group == "kept out":
            return [k for k in keys if self.arm[k] in ("control", "holdout")]
        if group in ("treatment", "control", "holdout"):
            return [k for k in keys if self.arm[k] == group]
        return [k for k in keys if self.arm[k] == "treatment" and self.variant[k] == group]


def _events() -> list[tuple[int, str, dt.datetime]]:
    first = [(i, "usage_limit_reached", ENTRY - dt.timedelta(hours=1)) for i in range(800)]
    late = [(i, "usage_limit_reached", LATE - dt.timedelta(hours=1)) for i in range(800, 900)]
    aa = [(i, "checked_in", ENTRY - dt.timedelta(hours=1)) for i in range(900, 1300)]
    return first + late + aa


def build(folder: Path, *, smtp_port: int, seed: int = 3) -> Truth:
    """Write, run and bill the world in ``folder`` (a workspace and its own deployment)."""
    make_world(
        folder,
        customers=1300,
        events=_events(),
        journeys={"ab": AB, "aa": AA},
        smtp_port=smtp_port,
        extra_toml="[journeys]\ncontrol_share = 0.1\n",
    )
    with Deployment.open(folder) as d, d.store.engine.begin() as con:
        # A fixed tenant id: the arms are hashed with it, so every run has the same world.
        con.execute(text("UPDATE tenants SET id = :id WHERE slug = 'acme'"), {"id": TENANT_ID})
    for at in (ENTRY, LATE):
        with Deployment.open(folder, clock=FixedClock(at)) as d:
            d.run_journeys()
    with Deployment.open(folder) as d:
        enrolments = d.store.enrolments(d.tenant("acme").id)
    truth = Truth()
    rng = np.random.default_rng(seed)
    world = World()
    prices = {amount: world.price(amount=amount) for amount in (1000, 1500, 2000, 2500, 3000)}
    upgraded = {amount: world.price(amount=amount + 1000) for amount in prices}
    for e in sorted(enrolments, key=lambda e: (e.journey, e.customer_id)):
        i = int(e.customer_id.removeprefix("cus_"))
        key = (e.journey, e.customer_id)
        arm_key = (e.journey, e.variant if e.arm == "treatment" else None)
        p = KEEP[arm_key]
        kept = bool(rng.random() < p) or e.entered_at == LATE
        amount = 1000 + 500 * (i % 5)
        if e.entered_at == ENTRY:
            truth.arm[key], truth.variant[key] = e.arm, e.variant
        if i % 10 == 9:  # never pays
            if e.entered_at == ENTRY:
                truth.keep[key], truth.kept[key], truth.price[key] = 0.0, False, 0.0
                truth.change[key] = truth.expected_change[key] = 0.0
            continue
        sub = world.subscription(customer_id(i), start="2025-12-15")
        uplift = UPLIFT.get(arm_key, 0.0)
        if kept:
            world.monthly_invoices(sub, prices[amount], start="2025-12-15", months=3)
            later = upgraded[amount] if uplift else prices[amount]
            world.monthly_invoices(sub, later, start="2026-03-15", months=3)
        else:
            world.monthly_invoices(sub, prices[amount], start="2025-12-15", months=3)
            world.cancel(sub, at="2026-03-15")
        if e.entered_at == ENTRY:
            price = amount / 100
            truth.keep[key], truth.kept[key], truth.price[key] = p, kept, price
            truth.change[key] = uplift if kept else -price
            truth.expected_change[key] = p * uplift - (1 - p) * price
    with Workspace.open(folder) as ws:
        for path in world.files(folder / "data" / "billing"):
            [result] = ws.ingest([path], format="table")
            assert result.rejects == 0, ws.rejects()
    return truth

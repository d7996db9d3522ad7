"""Generate a demo world: draw customers, simulate them, write every file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import numpy as np

from tenure.demo._activity import NO_TIME, Activity
from tenure.demo._calendar import World, default_start
from tenure.demo._catalog import build_catalog
from tenure.demo._files import (
    LAYOUT,
    StreamedFiles,
    open_output,
    write_csv,
    write_json_lines,
    write_parquet,
)
from tenure.demo._ground_truth import ground_truth_frame
from tenure.demo._ids import IdFactory
from tenure.demo._ledger import Ledger
from tenure.demo._lifecycle import Simulator
from tenure.demo._manifest import DemoManifest
from tenure.demo._population import Population, draw_population
from tenure.demo._releases import release_lines
from tenure.demo._segment import one_off_messages, session_messages, write_messages
from tenure.demo._sessions import sessions
from tenure.demo._stripe_objects import API_VERSIONS
from tenure.demo._tables import feedback_and_tickets, fx_rates
from tenure.demo._users import build_users
from tenure.errors import ConfigError
from tenure.progress import NullProgress, Progress

__all__ = ["generate"]

_STREAMED = ("customers", "subscriptions", "invoices", "charges")
_MAX_CUSTOMERS = 1_000_000
_MAX_MONTHS = 120


def _check(customers: int, months: int, seed: int, stripe_shape: str) -> None:
    def bad(name: str, rule: str, value: object) -> ConfigError:
        return ConfigError(
            f"The {name!r} parameter of generate must be {rule}. Got {value!r} instead."
        )

    if (
        isinstance(customers, bool)
        or not isinstance(customers, int)
        or not (1 <= customers <= _MAX_CUSTOMERS)
    ):
        raise bad("customers", f"an int in the range [1, {_MAX_CUSTOMERS}]", customers)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= _MAX_MONTHS:
        raise bad("months", f"an int in the range [1, {_MAX_MONTHS}]", months)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise bad("seed", "a non-negative int", seed)
    if stripe_shape not in API_VERSIONS:
        raise bad("stripe_shape", "a str among {'current', 'legacy'}", stripe_shape)


def generate(
    out: Path,
    *,
    customers: int = 2000,
    months: int = 24,
    seed: int = 0,
    start: dt.date | None = None,
    stripe_shape: Literal["current", "legacy"] = "current",
    progress: Progress | None = None,
) -> DemoManifest:
    """Write a synthetic B2B SaaS world, with its ground truth, into folder ``out``.

    Stripe exports (JSON lines of API objects and webhook events), Segment messages,
    feedback, support tickets and exchange rates are written in the layout Tenure's
    ingestion reads, plus ``ground_truth/churn_drivers.parquet`` with each customer's latent
    churn hazard, cancel reason and the like, and ``manifest.json``. The same arguments
    always produce byte-identical files.

    Parameters
    ----------
    out
        Folder to write into; created if missing, files of the layout are overwritten.
    customers
        Customers signing up during the world.
    months
        Length of the world in calendar months.
    seed
        Seed of every random choice.
    start
        First day of the world; by default the first of the month ``months`` months
        before 2026-11-01 (the wall clock is never read).
    stripe_shape
        ``"current"`` for the 2025+ Stripe API shape (``2025-03-31.basil``) or
        ``"legacy"`` for the 2024-06-20 shape.
    progress
        Receives progress; nothing is reported by default.

    Returns
    -------
    DemoManifest
        What was written, with the row counts ingestion should produce.

    Raises
    ------
    ConfigError
        If an argument is out of range.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> manifest = generate(Path(tempfile.mkdtemp()), customers=30, months=6, seed=1)
    >>> manifest.counts["customers"], manifest.start, manifest.end
    (30, datetime.date(2026, 5, 1), datetime.date(2026, 11, 1))
    """
    _check(customers, months, seed, stripe_shape)
    progress = progress if progress is not None else NullProgress()
    world = World(start if start is not None else default_start(months), months)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    streams = np.random.SeedSequence(seed).spawn(8)
    rngs = [np.random.default_rng(s) for s in streams]
    pop = draw_population(rngs[0], customers, world)
    ids = IdFactory(int(rngs[1].integers(0, 2**62)))
    catalog = build_catalog(ids, created=world.start_ts)
    seeds = rngs[2].integers(0, 2**62, customers).tolist()
    files: dict[str, int] = {}

    with StreamedFiles(out, _STREAMED) as streamed:
        ledger = Ledger(streamed.handles, shape=stripe_shape, ids=ids)
        sim = Simulator(
            pop, catalog=catalog, ids=ids, ledger=ledger, end_ts=world.end_ts, seeds=seeds
        )
        with progress.task("Simulating customers", total=customers) as task:
            for i in range(customers):
                sim.run_customer(i)
                if i % 100 == 99 or i == customers - 1:
                    task.advance(100 if i % 100 == 99 else (i % 100) + 1)
    files[LAYOUT["products"]] = write_json_lines(out, "products", catalog.products)
    files[LAYOUT["prices"]] = write_json_lines(out, "prices", [p.obj for p in catalog.all_prices()])
    files[LAYOUT["coupons"]] = write_json_lines(out, "coupons", catalog.coupon_objects())
    files[LAYOUT["stripe_events"]] = write_json_lines(out, "stripe_events", ledger.sorted_events())
    for name in _STREAMED:
        files[LAYOUT[name]] = ledger.counts[name]

    act = sim.activity
    access = act.access_arrays()
    first_stop = act.first_access_stop()
    activation = np.where(
        pop.activated & (pop.activation_ts < first_stop) & (pop.activation_ts < world.end_ts),
        pop.activation_ts,
        NO_TIME,
    )
    with progress.task("Writing product events", total=1) as task:
        n_segment = _segment(
            out,
            pop,
            act,
            sim,
            rngs[3],
            access=access,
            activation=activation,
            first_stop=first_stop,
            world=world,
        )
        task.advance()
    files[LAYOUT["segment_events"]] = n_segment

    with progress.task("Writing tables", total=1) as task:
        users_per_customer = _users_per_customer(pop, act)
        feedback, tickets = feedback_and_tickets(
            pop,
            act,
            customer_ids=sim.customer_ids,
            user_counts=users_per_customer,
            seed=int(rngs[4].integers(0, 2**62)),
            world=world,
        )
        files[LAYOUT["feedback"]] = write_csv(out, "feedback", feedback)
        files[LAYOUT["support_tickets"]] = write_csv(out, "support_tickets", tickets)
        files[LAYOUT["fx_rates"]] = write_csv(out, "fx_rates", fx_rates(rngs[5], world))
        truth = ground_truth_frame(
            pop, act, customer_ids=sim.customer_ids, user_ids=sim.user_ids, activation=activation
        )
        files[LAYOUT["ground_truth"]] = write_parquet(out, "ground_truth", truth)
        task.advance()

    counts = {
        "customers": ledger.counts["customers"],
        "products": len(catalog.products),
        "prices": len(catalog.all_prices()),
        "coupons": files[LAYOUT["coupons"]],
        "subscriptions": ledger.counts["subscriptions"],
        "subscription_items": len(ledger.item_ids),
        "invoices": ledger.counts["invoices"],
        "invoice_lines": ledger.counts["invoice_lines"],
        "charges": ledger.counts["charges"],
        "stripe_events": ledger.event_count,
        "segment_events": n_segment,
        "feedback": files[LAYOUT["feedback"]],
        "support_tickets": files[LAYOUT["support_tickets"]],
        "fx_rates": files[LAYOUT["fx_rates"]],
    }
    manifest = DemoManifest(
        out=out,
        seed=seed,
        customers=customers,
        months=months,
        start=world.start,
        end=world.end,
        stripe_shape=stripe_shape,
        stripe_api_version=API_VERSIONS[stripe_shape],
        counts=counts,
        files=dict(sorted(files.items())),
    )
    manifest.write()
    return manifest


def _users_per_customer(pop: Population, act: Activity) -> list[int]:
    seats = np.asarray(act.max_seats, dtype=np.int64)
    return [int(k) for k in 1 + np.where(seats > 1, np.minimum(seats - 1, 24), 0)]


def _segment(
    out: Path,
    pop: Population,
    act: Activity,
    sim: Simulator,
    rng: np.random.Generator,
    *,
    access: tuple[np.ndarray, ...],
    activation: np.ndarray,
    first_stop: np.ndarray,
    world: World,
) -> int:
    start_ts, end_ts = world.start_ts, world.end_ts
    plans = (
        np.asarray(act.plan_customer, dtype=np.int64),
        np.asarray(act.plan_at, dtype=np.int64),
        np.asarray(act.plan_code, dtype=np.int64),
    )
    last_stop = np.full(pop.n, 0, dtype=np.int64)
    np.maximum.at(last_stop, access[0], access[2])
    users = build_users(
        rng,
        pop,
        customer_ids=sim.customer_ids,
        owner_ids=sim.user_ids,
        max_seats=np.asarray(act.max_seats, dtype=np.int64),
        last_stop=last_stop,
    )
    actions = sessions(
        rng, pop, users, access=access, activation=activation, plans=plans, end_ts=end_ts
    )
    templates = session_messages(actions)
    templates += one_off_messages(
        pop, users, rng, activation=activation, first_stop=first_stop, plans=plans, end_ts=end_ts
    )
    with open_output(out, "segment_events") as handle:
        count = write_messages(handle, templates, users, rng, windows=_windows(start_ts, end_ts))
        releases = release_lines(end_ts)  # product-wide, after the users' messages
        handle.write("".join(releases).encode("utf-8"))
        return count + len(releases)


def _windows(start_ts: int, end_ts: int, *, days: int = 30) -> list[tuple[int, int]]:
    """Consecutive ``[start, stop)`` windows in unix ms covering the world."""
    step = days * 86_400
    return [(t * 1000, min(t + step, end_ts) * 1000) for t in range(start_ts, end_ts, step)]

"""The demo world: reproducible, self-consistent, in Stripe's shapes, driven by its latents."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tenure.demo import DemoManifest, generate
from tenure.errors import ConfigError

CUSTOMERS, MONTHS = 200, 12
PREFIXES = {
    "customers": ("customer", "cus_"),
    "products": ("product", "prod_"),
    "prices": ("price", "price_"),
    "subscriptions": ("subscription", "sub_"),
    "invoices": ("invoice", "in_"),
    "charges": ("charge", "ch_"),
    "events": ("event", "evt_"),
}
GERMAN_WORDS = {
    "wir",
    "und",
    "zu",
    "die",
    "der",
    "das",
    "nicht",
    "ist",
    "uns",
    "für",
    "den",
    "es",
    "ein",
    "eine",
    "unser",
    "unsere",
    "zum",
    "mit",
    "danke",
    "hat",
    "kaum",
    "nie",
    "niemand",
    "fehlt",
    "fehlen",
    "gut",
    "aber",
    "immer",
    "noch",
    "wurden",
}


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _count(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate(tmp_path_factory.mktemp("current"), seed=7, customers=CUSTOMERS, months=MONTHS)


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate(
        tmp_path_factory.mktemp("legacy"),
        seed=7,
        stripe_shape="legacy",
        customers=CUSTOMERS,
        months=MONTHS,
    )


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    return generate(tmp_path_factory.mktemp("larger"), customers=1000, months=12, seed=3)


def test_files_are_byte_identical_when_arguments_are_the_same(
    current: DemoManifest, tmp_path: Path
) -> None:
    again = generate(tmp_path / "again", seed=7, customers=CUSTOMERS, months=MONTHS)
    assert again.counts == current.counts
    assert _files(again.out) == _files(current.out)


def test_files_differ_when_seed_differs(current: DemoManifest, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", seed=8, customers=CUSTOMERS, months=MONTHS)
    mine, theirs = _files(current.out), _files(other.out)
    assert mine.keys() == theirs.keys()
    for name in mine:
        if name not in ("stripe/products.jsonl", "stripe/prices.jsonl", "stripe/coupons.jsonl"):
            assert mine[name] != theirs[name], name
    assert mine["stripe/prices.jsonl"] != theirs["stripe/prices.jsonl"]  # ids follow the seed


def test_manifest_counts_match_files_when_world_is_written(current: DemoManifest) -> None:
    out = current.out
    assert DemoManifest.read(out) == current
    for name, records in current.files.items():
        path = out / name
        if path.suffix == ".jsonl":
            assert _count(path) == records, name
        elif path.suffix == ".csv":
            assert len(_csv(path)) == records, name
        else:
            assert pl.read_parquet(path).height == records, name
    subs = list(_lines(out / "stripe/subscriptions.jsonl"))
    events = list(_lines(out / "stripe/events.jsonl"))
    invoices = list(_lines(out / "stripe/invoices.jsonl"))
    items = {i["id"] for s in subs for i in s["items"]["data"]}
    items |= {
        i["id"]
        for e in events
        if e["data"]["object"]["object"] == "subscription"
        for i in e["data"]["object"]["items"]["data"]
    }
    segment = [m["messageId"] for m in _lines(out / "segment/events.jsonl")]
    counts = current.counts
    assert counts["customers"] == CUSTOMERS
    assert counts["subscriptions"] == len({s["id"] for s in subs})
    assert counts["subscription_items"] == len(items)
    assert counts["invoices"] == len({i["id"] for i in invoices})
    assert counts["invoice_lines"] == len({li["id"] for i in invoices for li in i["lines"]["data"]})
    assert counts["stripe_events"] == len({e["id"] for e in events})
    assert counts["segment_events"] == len(set(segment)) == len(segment)
    assert counts["fx_rates"] == 2 * MONTHS


@pytest.mark.parametrize("fixture", ["current", "legacy"])
def test_every_stripe_object_has_its_type_and_id_prefix_when_written(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    manifest: DemoManifest = request.getfixturevalue(fixture)
    for name, (kind, prefix) in PREFIXES.items():
        for obj in _lines(manifest.out / f"stripe/{name}.jsonl"):
            assert obj["object"] == kind and obj["id"].startswith(prefix), (name, obj["id"])
    for coupon in _lines(manifest.out / "stripe/coupons.jsonl"):
        assert coupon["object"] == "coupon" and len(coupon["id"]) == 8
    for sub in _lines(manifest.out / "stripe/subscriptions.jsonl"):
        assert all(
            i["object"] == "subscription_item" and i["id"].startswith("si_")
            for i in sub["items"]["data"]
        )
    for inv in _lines(manifest.out / "stripe/invoices.jsonl"):
        assert all(
            li["object"] == "line_item" and li["id"].startswith("il_")
            for li in inv["lines"]["data"]
        )


def test_shapes_follow_the_api_version_when_shape_is_current_or_legacy(
    current: DemoManifest, legacy: DemoManifest
) -> None:
    cur_inv = list(_lines(current.out / "stripe/invoices.jsonl"))
    old_inv = list(_lines(legacy.out / "stripe/invoices.jsonl"))
    for line in (li for i in cur_inv for li in i["lines"]["data"]):
        assert "parent" in line and line["pricing"]["type"] == "price_details"
        assert line["pricing"]["price_details"]["price"].startswith("price_")
        assert not {"type", "price", "subscription", "plan"} & line.keys()
    assert all("subscription" not in i for i in cur_inv)
    assert {i["parent"]["type"] for i in cur_inv if i["parent"]} == {"subscription_details"}
    for line in (li for i in old_inv for li in i["lines"]["data"]):
        assert line["type"] in ("subscription", "invoiceitem") and "parent" not in line
        assert line["price"]["object"] == "price" and isinstance(line["proration"], bool)
    assert all("parent" not in i for i in old_inv)
    assert any(i["subscription"] for i in old_inv)
    for sub in _lines(current.out / "stripe/subscriptions.jsonl"):
        assert "current_period_start" not in sub and "discount" not in sub
        assert all("current_period_end" in i for i in sub["items"]["data"])
    for sub in _lines(legacy.out / "stripe/subscriptions.jsonl"):
        assert sub["current_period_start"] < sub["current_period_end"] and "discounts" not in sub
    versions = {e["api_version"] for e in _lines(current.out / "stripe/events.jsonl")}
    assert versions == {"2025-03-31.basil"}
    versions = {e["api_version"] for e in _lines(legacy.out / "stripe/events.jsonl")}
    assert versions == {"2024-06-20"}


def test_prorations_come_as_credit_and_debit_pairs_when_plans_change(current: DemoManifest) -> None:
    prorations = [
        li
        for i in _lines(current.out / "stripe/invoices.jsonl")
        for li in i["lines"]["data"]
        if li["parent"]["type"] == "invoice_item_details"
        and li["parent"]["invoice_item_details"]["proration"]
    ]
    assert prorations, "a year of 200 customers has plan changes"
    assert any(li["amount"] < 0 for li in prorations)
    assert any(li["amount"] > 0 for li in prorations)


def test_invoice_amounts_add_up_when_lines_discounts_and_tax_are_summed(
    current: DemoManifest,
) -> None:
    charges: dict[str, list[dict[str, Any]]] = {}
    for charge in _lines(current.out / "stripe/charges.jsonl"):
        charges.setdefault(charge["invoice"], []).append(charge)
    for inv in _lines(current.out / "stripe/invoices.jsonl"):
        lines = inv["lines"]["data"]
        discount = sum(d["amount"] for li in lines for d in li["discount_amounts"])
        assert inv["subtotal"] == sum(li["amount"] for li in lines)
        assert inv["total"] == inv["subtotal"] - discount + inv["tax"]
        assert sum(d["amount"] for d in inv["total_discount_amounts"]) == discount
        if inv["status"] != "draft":
            assert inv["amount_due"] == max(inv["total"] + inv["starting_balance"], 0)
        attempts = charges.get(inv["id"], [])
        assert len(attempts) == inv["attempt_count"]
        assert all(c["amount"] == inv["amount_due"] for c in attempts)
        paid = [c for c in attempts if c["status"] == "succeeded"]
        if inv["status"] == "paid":
            assert inv["amount_paid"] == inv["amount_due"]
            assert len(paid) == (1 if inv["amount_due"] else 0)
        else:
            assert not paid and inv["amount_paid"] == 0


def test_every_occurrence_lies_in_the_world_when_timestamps_are_written(
    current: DemoManifest,
) -> None:
    out = current.out
    lo = int(dt.datetime.combine(current.start, dt.time(), dt.UTC).timestamp())
    hi = int(dt.datetime.combine(current.end, dt.time(), dt.UTC).timestamp())

    def check(value: int | None, where: str) -> None:
        assert value is None or lo <= value < hi, (where, value)

    for name in ("customers", "products", "prices", "coupons", "charges", "events"):
        for obj in _lines(out / f"stripe/{name}.jsonl"):
            check(obj["created"], name)
    for sub in _lines(out / "stripe/subscriptions.jsonl"):
        for key in ("created", "start_date", "canceled_at", "ended_at", "trial_start"):
            check(sub[key], f"subscription.{key}")
    for inv in _lines(out / "stripe/invoices.jsonl"):
        check(inv["created"], "invoice.created")
        for key, value in inv["status_transitions"].items():
            check(value, f"invoice.{key}")
    iso = "%Y-%m-%dT%H:%M:%S.%f%z"
    for msg in _lines(out / "segment/events.jsonl"):
        check(
            int(dt.datetime.strptime(msg["timestamp"].replace("Z", "+0000"), iso).timestamp()),
            "segment",
        )
    for row in _csv(out / "tables/feedback.csv"):
        check(int(dt.datetime.fromisoformat(row["submitted_at"]).timestamp()), "feedback")
    for row in _csv(out / "tables/support_tickets.csv"):
        for key in ("opened_at", "closed_at"):
            if row[key]:
                check(int(dt.datetime.fromisoformat(row[key]).timestamp()), key)


def test_every_segment_message_names_its_account_when_written(current: DemoManifest) -> None:
    customers = {c["id"]: c for c in _lines(current.out / "stripe/customers.jsonl")}
    owners = {c["metadata"]["user_id"] for c in customers.values()}
    kinds: Counter[str] = Counter()
    users: set[str] = set()
    for msg in _lines(current.out / "segment/events.jsonl"):
        assert msg["timestamp"].endswith("Z")
        if msg.get("event") == "Feature Released":  # product-wide: a release names no account
            assert "groupId" not in msg["context"] and msg["properties"]["feature"]
            continue
        assert msg["context"]["groupId"] in customers
        kinds[msg.get("event") or msg["type"]] += 1
        users.add(msg["userId"])
        if msg["type"] == "identify":
            assert msg["traits"]["customer_id"] == msg["context"]["groupId"]
    assert owners <= users and users - owners, "owners plus invited seat users"
    for name in (
        "identify",
        "group",
        "page",
        "Signed Up",
        "Onboarding Step Completed",
        "Report Created",
        "Logged In",
        "Feature Used",
        "Invite Sent",
    ):
        assert kinds[name] > 0, name


def test_first_report_marks_activation_when_ground_truth_is_compared(current: DemoManifest) -> None:
    first: dict[str, str] = {}
    for msg in _lines(current.out / "segment/events.jsonl"):
        if msg.get("event") == "Report Created":
            first.setdefault(msg["context"]["groupId"], msg["timestamp"])
    truth = pl.read_parquet(current.out / "ground_truth/churn_drivers.parquet")
    activated = truth.filter(pl.col("activated"))
    assert set(first) == set(activated["customer_id"])
    for cid, at in zip(activated["customer_id"], activated["activated_at"], strict=True):
        assert first[cid] == at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_usage_stops_when_a_customer_has_churned_for_good(current: DemoManifest) -> None:
    ended: dict[str, list[int]] = {}
    for sub in _lines(current.out / "stripe/subscriptions.jsonl"):
        # a subscription still running never ends: count it as the end of time
        ended.setdefault(sub["customer"], []).append(
            sub["ended_at"] if sub["status"] == "canceled" else 1 << 62
        )
    gone = {cid: max(ends) for cid, ends in ended.items() if max(ends) < 1 << 62}
    assert gone
    for msg in _lines(current.out / "segment/events.jsonl"):
        cid = msg["context"].get("groupId")  # none on the product's feature releases
        if cid in gone:
            stamp = dt.datetime.fromisoformat(msg["timestamp"].replace("Z", "+00:00"))
            assert stamp.timestamp() < gone[cid] + 600, (cid, msg["timestamp"])


def test_churn_follows_the_latent_hazard_when_customers_are_ranked(
    larger: DemoManifest,
) -> None:
    truth = pl.read_parquet(larger.out / "ground_truth/churn_drivers.parquet")
    paying = truth.filter(pl.col("first_paid_at").is_not_null())

    def churn_rate(frame: pl.DataFrame, kind: str) -> float:
        return float(frame.select((pl.col("churn_type") == kind).fill_null(False).mean()).item())

    hazard = paying["monthly_churn_hazard"]
    high = churn_rate(paying.filter(hazard >= hazard.median()), "voluntary")
    low = churn_rate(paying.filter(hazard < hazard.median()), "voluntary")
    assert high > 2 * low
    risk = paying["payment_failure_prob"]
    risky = churn_rate(paying.filter(risk >= risk.quantile(2 / 3)), "involuntary")
    safe = churn_rate(paying.filter(risk < risk.quantile(1 / 3)), "involuntary")
    assert risky > safe
    everyone = truth["monthly_churn_hazard"]
    churned = truth.group_by(everyone >= everyone.median()).agg(pl.col("churned").mean())
    rates = dict(churned.iter_rows())
    assert rates[True] > 1.5 * rates[False]


@pytest.fixture(scope="module")
def offers_world(tmp_path_factory: pytest.TempPathFactory) -> DemoManifest:
    """Long enough for offers to both savable customers and discount seekers."""
    return generate(tmp_path_factory.mktemp("offers"), customers=1000, months=18, seed=3)


def test_retention_offers_are_accepted_exactly_by_savable_or_seekers_when_made(
    offers_world: DemoManifest,
) -> None:
    truth = pl.read_parquet(offers_world.out / "ground_truth/churn_drivers.parquet")
    assert not (truth["discount_seeker"] & truth["discount_would_save"]).any()
    offered = truth.filter(pl.col("retention_offer_at").is_not_null())
    assert offered["discount_seeker"].sum() > 0 and offered["discount_would_save"].sum() > 0
    takes = offered["discount_would_save"] | offered["discount_seeker"]
    assert (offered["retention_offer_accepted"] == takes).all()


def test_use_fades_before_an_offer_a_savable_customer_accepts_and_not_a_seekers_when_made(
    offers_world: DemoManifest,
) -> None:
    """Whoever really decided to leave used the product less and less before deciding,
    whether an offer then saved them or not; a seeker, who never meant to leave, did not.
    (The fade must not depend on what comes after the decision: a model reads it.)"""
    truth = pl.read_parquet(offers_world.out / "ground_truth/churn_drivers.parquet")
    offered = truth.filter(pl.col("retention_offer_accepted")).select(
        "customer_id",
        "discount_seeker",
        at=pl.col("retention_offer_at").dt.epoch("s"),
    )
    at = dict(zip(offered["customer_id"], offered["at"], strict=True))
    recent: Counter[str] = Counter()
    earlier: Counter[str] = Counter()
    for msg in _lines(offers_world.out / "segment/events.jsonl"):
        cid = msg["context"].get("groupId")
        if cid not in at:
            continue
        stamp = dt.datetime.fromisoformat(msg["timestamp"].replace("Z", "+00:00")).timestamp()
        ago = (at[cid] - stamp) / 86_400
        if 0 <= ago < 30:
            recent[cid] += 1
        elif 30 <= ago < 90:
            earlier[cid] += 1

    def ratio(seeker: bool) -> float:
        ids = offered.filter(pl.col("discount_seeker") == seeker)["customer_id"]
        rows = [(recent[c], earlier[c] / 2) for c in ids if earlier[c] > 0]

        assert len(rows) >= 5
        return sum(r for r, _ in rows) / sum(e for _, e in rows)

    assert ratio(seeker=False) < 0.6  # the savable: a month of use at most 60% of before
    assert ratio(seeker=True) > 0.8


def test_seekers_take_their_cancellation_back_when_not_offered(
    offers_world: DemoManifest,
) -> None:
    """A seeker's cancel request is a bluff: scheduled for the period end, then reverted."""
    truth = pl.read_parquet(offers_world.out / "ground_truth/churn_drivers.parquet")
    seekers = truth.filter(
        pl.col("discount_seeker") & pl.col("retention_offer_at").is_null()
    ).select("customer_id", "churned", "churn_type")
    assert seekers.height > 0
    assert (seekers["churn_type"] != "voluntary").all()  # none of them left by choice
    ids = set(seekers["customer_id"].to_list())
    taken_back: set[str] = set()
    with (offers_world.out / "stripe/events.jsonl").open() as lines:
        for line in lines:
            if '"customer.subscription.updated"' not in line:
                continue
            data = json.loads(line)["data"]
            if data["object"]["customer"] in ids and data["previous_attributes"].get(
                "cancel_at_period_end"
            ):
                taken_back.add(data["object"]["customer"])
    assert len(taken_back) > 0  # the warehouse sees the request and its take-back
    with (offers_world.out / "stripe/subscriptions.jsonl").open() as lines:
        ended = [json.loads(line) for line in lines]
    requested = [
        sub
        for sub in ended
        if sub["customer"] in taken_back
        and sub["status"] == "canceled"
        and sub["cancellation_details"]["reason"] == "cancellation_requested"
    ]
    assert requested == []  # none of their cancel requests went through


def test_seekers_give_the_price_and_ask_again_when_a_request_was_taken_back(
    offers_world: DemoManifest,
) -> None:
    """A seeker's stated reason is mostly the price (a stated reason is the real one 85% of
    the time, and a seeker's is the price), and after a take-back they ask again."""
    truth = pl.read_parquet(offers_world.out / "ground_truth/churn_drivers.parquet")
    seekers = set(truth.filter(pl.col("discount_seeker"))["customer_id"].to_list())
    reasons = [
        row["cancel_reason"]
        for row in _csv(offers_world.out / "tables/feedback.csv")
        if row["kind"] == "cancel_reason" and row["customer_id"] in seekers
    ]
    assert reasons and reasons.count("too_expensive") >= 0.7 * len(reasons)
    taken_back: dict[str, int] = {}
    for event in _lines(offers_world.out / "stripe/events.jsonl"):
        if event["type"] != "customer.subscription.updated":
            continue
        customer = event["data"]["object"]["customer"]
        if customer in seekers and event["data"]["previous_attributes"].get("cancel_at_period_end"):
            taken_back[customer] = taken_back.get(customer, 0) + 1
    assert max(taken_back.values()) >= 2  # asked, took it back, asked again


def test_comments_are_german_when_locale_is_de(current: DemoManifest) -> None:
    def german(text: str) -> bool:
        words = {w.strip(".,!?").lower() for w in text.split()}
        return bool(words & GERMAN_WORDS) or any(ch in text for ch in "äöüß")

    comments: dict[str, set[str]] = {"de": set(), "en": set()}
    for row in _csv(current.out / "tables/feedback.csv"):
        if row["comment"]:
            comments[row["locale"]].add(row["comment"])
    assert comments["de"] and comments["en"]
    assert not comments["de"] & comments["en"]
    assert all(german(c) for c in comments["de"])
    customers = {c["id"]: c for c in _lines(current.out / "stripe/customers.jsonl")}
    for sub in _lines(current.out / "stripe/subscriptions.jsonl"):
        comment = sub["cancellation_details"]["comment"]
        if comment and customers[sub["customer"]]["preferred_locales"] == ["de"]:
            assert german(comment), comment


def test_tables_have_the_documented_columns_when_written(current: DemoManifest) -> None:
    out = current.out
    header = {
        name: _header(out / f"tables/{name}.csv")
        for name in ("feedback", "support_tickets", "fx_rates")
    }
    assert header["feedback"] == [
        "feedback_id",
        "customer_id",
        "kind",
        "score",
        "comment",
        "survey",
        "cancel_reason",
        "locale",
        "submitted_at",
    ]
    assert header["support_tickets"] == [
        "ticket_id",
        "customer_id",
        "opened_at",
        "closed_at",
        "status",
        "priority",
        "channel",
        "subject",
        "csat",
    ]
    assert header["fx_rates"] == ["currency", "quote_currency", "rate_on", "rate"]
    kinds = Counter(row["kind"] for row in _csv(out / "tables/feedback.csv"))
    assert set(kinds) == {"nps", "csat", "cancel_reason"}
    truth = pl.read_parquet(out / "ground_truth/churn_drivers.parquet")
    assert truth["customer_id"].to_list() == [
        c["id"] for c in _lines(out / "stripe/customers.jsonl")
    ]


def test_start_defaults_to_months_before_november_2026_when_not_given(
    current: DemoManifest,
) -> None:
    assert current.start == dt.date(2025, 11, 1)
    assert current.end == dt.date(2026, 11, 1)


class _Recorder:
    def __init__(self) -> None:
        self.tasks: list[str] = []
        self.done = 0.0

    def task(self, description: str, *, total: float | None = None) -> _Recorder:
        self.tasks.append(description)
        return self

    def log(self, message: str) -> None:
        self.tasks.append(message)

    def advance(self, amount: float = 1) -> None:
        self.done += amount

    def __enter__(self) -> _Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_progress_hears_every_customer_when_a_progress_is_given(tmp_path: Path) -> None:
    recorder = _Recorder()
    generate(tmp_path, customers=150, months=3, progress=recorder)
    assert recorder.tasks[0] == "Simulating customers"
    assert recorder.done >= 150


@pytest.mark.parametrize(
    "arguments", [{"customers": 0}, {"months": 0}, {"seed": -1}, {"stripe_shape": "2019"}]
)
def test_generate_raises_config_error_when_an_argument_is_out_of_range(
    arguments: dict[str, Any], tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match="parameter of generate must be"):
        generate(tmp_path, **arguments)

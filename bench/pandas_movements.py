"""Monthly MRR movements and cohort retention in plain pandas: what an analyst would write.

It reads the current canonical tables out of the warehouse with DuckDB into pandas
DataFrames (``read_tables``, timed on its own by ``bench/metrics.py``) and recomputes,
with Tenure's definitions and default rules (``src/tenure/metrics/mrr.py``):

1. ``segments``: each non-void invoice line of a recurring price as a monthly amount over
   its service period, cut short when the subscription ends; prorations count at the full
   price of what changed, discounts are subtracted (a proration takes its billing period's
   discount share), EUR converts at the rate in force when the billing period began.
   Money is in *units* (hundredths of a cent), rounded half away from zero as Tenure
   rounds, so totals can match exactly.
2. ``changes``: per customer and day, the change in MRR and its movement (new,
   expansion, contraction, churn, reactivation).
3. ``monthly_movements`` and ``cohorts``: the monthly series and the cohort table.

It handles the rules' defaults only (ChartMogul's: churn at period end, past-due
invoices kept, every discount) and rates quoted directly into the reporting currency.

Usage: ``python bench/pandas_movements.py WAREHOUSE.duckdb [--as-of 2026-10-31]`` prints
both tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

MOVEMENTS = ["new", "expansion", "contraction", "churn", "reactivation"]
DAYS_PER_MONTH = 365.25 / 12
MONTHS_PER_INTERVAL = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}
UNITS_PER_MAJOR = 10_000  # hundredths of a cent per dollar

QUERIES = {
    "lines": """SELECT line_id, invoice_id, subscription_id, price_id, kind, amount_minor,
        currency, quantity, discount_minor, proration, period_start_at, period_end_at
        FROM invoice_lines""",
    "invoices": "SELECT invoice_id, customer_id, currency, status FROM invoices",
    "prices": "SELECT price_id, amount_minor, interval, interval_count, type FROM prices",
    "subscriptions": """SELECT subscription_id, status, canceled_at, ended_at
        FROM subscriptions""",
    "fx": "SELECT currency, quote_currency, rate_on, rate FROM fx_rates",
}


def read_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The current canonical tables the movements need, as DataFrames."""
    con.execute("SET TimeZone = 'UTC'")
    with warnings.catch_warnings():  # DuckDB 1.5 uses a pandas keyword pandas 3 deprecates
        warnings.simplefilter("ignore")
        return {name: con.sql(sql).df() for name, sql in QUERIES.items()}


def _day(ts: pd.Series) -> pd.Series:
    """The UTC day of a timestamp, as a naive midnight."""
    return ts.dt.tz_convert("UTC").dt.tz_localize(None).dt.floor("D")


def segments(t: dict[str, pd.DataFrame], currency: str = "USD") -> pd.DataFrame:
    """One row per MRR-carrying invoice line: customer, start/end day, monthly units."""
    inv = t["invoices"]
    inv = inv[~inv["status"].isin(["void", "draft"])]
    inv = inv.rename(columns={"currency": "inv_currency"})[
        ["invoice_id", "customer_id", "inv_currency"]
    ]
    prices = t["prices"].rename(columns={"amount_minor": "unit"})
    subs = t["subscriptions"]
    ended = subs["ended_at"].fillna(subs["canceled_at"].where(subs["status"] == "canceled"))
    stops = pd.DataFrame({"subscription_id": subs["subscription_id"], "stop_at": ended})

    df = t["lines"].merge(inv, on="invoice_id")
    df = df.merge(prices, on="price_id", how="left")
    df = df.merge(stops, on="subscription_id", how="left")
    recurring = df["interval"].notna() | (df["type"].isna() & (df["kind"] == "subscription"))
    df = df[
        df["subscription_id"].notna()
        & recurring
        & df["period_start_at"].notna()
        & df["period_end_at"].notna()
    ].copy()

    line_days = (df["period_end_at"] - df["period_start_at"]).dt.total_seconds() / 86400
    months = df["interval"].map(MONTHS_PER_INTERVAL) * df["interval_count"].fillna(1)
    months = months.astype(float).fillna(line_days / DAYS_PER_MONTH)
    amount = df["amount_minor"].fillna(0).astype(float)
    # A proration line is worth the full monthly price of what changed.
    full = (df["unit"] * df["quantity"].fillna(1)).astype(float)
    scaled = amount.abs() * (months * DAYS_PER_MONTH) / np.maximum(line_days, 1 / 24)
    prorated = np.sign(amount) * full.fillna(scaled)
    df["is_proration"] = df["proration"].fillna(False).astype(bool)
    listed = np.where(df["is_proration"], prorated, amount)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(amount == 0, 0.0, df["discount_minor"].fillna(0) / amount.abs())
    df["share"] = np.clip(share, 0.0, 1.0)
    df["monthly_list"] = listed / months
    df["end_at"] = df["period_end_at"].where(
        df["stop_at"].isna() | (df["period_end_at"] <= df["stop_at"]), df["stop_at"]
    )

    # A proration takes the exchange-rate day and the discount share of the regular
    # line(s) of its billing period (same subscription and period end).
    key = ["subscription_id", "period_end_at"]
    changed = df.loc[df["is_proration"], key].drop_duplicates()
    regular = df[~df["is_proration"]].merge(changed, on=key)
    anchors = regular.groupby(key, as_index=False).agg(
        anchor_at=("period_start_at", "min"), anchor_share=("share", "mean")
    )
    df = df.merge(anchors, on=key, how="left")
    use_anchor = df["is_proration"] & df["anchor_at"].notna()
    fx_at = df["period_start_at"].where(~use_anchor, df["anchor_at"])
    share = df["share"].where(
        ~(df["is_proration"] & df["anchor_share"].notna()), df["anchor_share"]
    )

    df["currency"] = df["currency"].fillna(df["inv_currency"]).str.upper()
    df["fx_on"] = _day(fx_at)
    df["start_on"] = _day(df["period_start_at"])
    df["end_on"] = _day(df["end_at"])
    df["monthly_minor"] = df["monthly_list"] * (1.0 - share)
    df = df[df["start_on"] < df["end_on"]]

    # The rate in force on fx_on; the first rate of a currency also covers earlier days.
    fx = t["fx"]
    fx = fx[fx["quote_currency"] == currency][["currency", "rate_on", "rate"]]
    fx = fx.assign(rate_on=pd.to_datetime(fx["rate_on"]).astype("datetime64[us]"))
    fx = fx.sort_values("rate_on")
    df = df.sort_values("fx_on")
    df["fx_on"] = df["fx_on"].astype("datetime64[us]")
    df = pd.merge_asof(df, fx, left_on="fx_on", right_on="rate_on", by="currency")
    first_rate = fx.groupby("currency")["rate"].first()
    rate = df["rate"].fillna(df["currency"].map(first_rate))
    rate = rate.where(df["currency"] != currency, 1.0)

    x = df["monthly_minor"] * rate * 100
    df["units"] = np.sign(x) * np.floor(np.abs(x) + 0.5)  # half away from zero
    return df[["customer_id", "start_on", "end_on", "units"]]


def changes(segs: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per customer and day of change: delta, MRR before/after and the movement."""
    live = segs[segs["units"].notna() & (segs["units"] != 0)]
    steps = pd.concat(
        [
            pd.DataFrame(
                {
                    "customer_id": live["customer_id"],
                    "day": live["start_on"],
                    "delta": live["units"],
                }
            ),
            pd.DataFrame(
                {"customer_id": live["customer_id"], "day": live["end_on"], "delta": -live["units"]}
            ),
        ]
    )
    steps = steps[steps["day"] <= pd.Timestamp(as_of)]
    ch = steps.groupby(["customer_id", "day"], as_index=False)["delta"].sum()
    ch = ch[ch["delta"] != 0].sort_values(["customer_id", "day"])
    ch["after"] = ch.groupby("customer_id")["delta"].cumsum()
    ch["before"] = ch["after"] - ch["delta"]
    starts = ch["day"].where((ch["before"] <= 0) & (ch["after"] > 0))
    ch["first_on"] = starts.groupby(ch["customer_id"]).transform("min")
    up, down = ch["delta"] > 0, ch["delta"] < 0
    ch["movement"] = np.select(
        [
            up & (ch["before"] <= 0) & (ch["day"] == ch["first_on"]),
            up & (ch["before"] <= 0),
            up,
            down & (ch["after"] <= 0),
        ],
        ["new", "reactivation", "expansion", "churn"],
        "contraction",
    )
    return ch


def _months(ch: pd.DataFrame, as_of: dt.date) -> pd.PeriodIndex:
    return pd.period_range(ch["day"].min().to_period("M"), pd.Period(as_of, "M"), freq="M")


def monthly_movements(ch: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per month: MRR, its movements (positive amounts) and customer counts."""
    ch = ch.assign(period=ch["day"].dt.to_period("M"), amount=ch["delta"].abs())
    months = _months(ch, as_of)
    moves = ch.pivot_table(
        index="period", columns="movement", values="amount", aggfunc="sum", fill_value=0
    )
    moves = moves.reindex(index=months, columns=MOVEMENTS, fill_value=0)
    logo = ((ch["before"] <= 0) & (ch["after"] > 0)).astype(int) - (
        (ch["before"] > 0) & (ch["after"] <= 0)
    ).astype(int)
    out = pd.DataFrame(index=months)
    net = ch.groupby("period")["delta"].sum().reindex(months, fill_value=0)
    out["mrr"] = net.cumsum()
    out["mrr_start"] = out["mrr"] - net
    for m in MOVEMENTS:
        out[m] = moves[m]
    out["customers"] = logo.groupby(ch["period"]).sum().reindex(months, fill_value=0).cumsum()
    for m, col in [
        ("new", "new_customers"),
        ("reactivation", "reactivated_customers"),
        ("churn", "churned_customers"),
    ]:
        who = ch[ch["movement"] == m]
        out[col] = who.groupby("period")["customer_id"].nunique().reindex(months, fill_value=0)
    money = ["mrr", "mrr_start", *MOVEMENTS]
    out[money] = out[money] / UNITS_PER_MAJOR
    out.index = out.index.strftime("%Y-%m")
    return out.rename_axis("period").reset_index()


def cohorts(ch: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Logo and MRR retention by month of first payment and months since."""
    months = _months(ch, as_of)
    ch = ch.assign(period=ch["day"].dt.to_period("M"))
    first = ch[ch["movement"] == "new"].groupby("customer_id")["day"].min().dt.to_period("M")
    # Each customer's MRR at the end of every month: the last change so far, carried on.
    last = ch.groupby(["customer_id", "period"])["after"].last()
    grid = last.unstack("period").reindex(columns=months).ffill(axis=1)
    grid.columns.name = "period"
    grid = grid[grid.index.isin(first.index)]
    paying = grid.stack().rename("mrr").reset_index()
    paying = paying[paying["mrr"] > 0]
    paying["cohort"] = paying["customer_id"].map(first)
    cells = paying.groupby(["cohort", "period"]).agg(
        customers=("customer_id", "size"), mrr=("mrr", "sum")
    )

    sizes = first.value_counts().rename("cohort_customers").rename_axis("cohort")
    t = sizes.reset_index().merge(pd.DataFrame({"period": months}), how="cross")
    t = t[t["period"] >= t["cohort"]]
    t = t.merge(cells.reset_index(), on=["cohort", "period"], how="left")
    t[["customers", "mrr"]] = t[["customers", "mrr"]].fillna(0)
    start = t[t["period"] == t["cohort"]].set_index("cohort")["mrr"]
    t["cohort_mrr"] = t["cohort"].map(start).fillna(0)
    t["period_index"] = (t["period"] - t["cohort"]).apply(lambda offset: offset.n)
    t["logo_retention"] = t["customers"] / t["cohort_customers"]
    t["mrr_retention"] = (t["mrr"] / t["cohort_mrr"]).where(t["cohort_mrr"] > 0)
    t[["mrr", "cohort_mrr"]] = t[["mrr", "cohort_mrr"]] / UNITS_PER_MAJOR
    t["customers"] = t["customers"].astype("int64")
    t["cohort"] = t["cohort"].dt.strftime("%Y-%m")
    t["period"] = t["period"].dt.strftime("%Y-%m")
    cols = ["cohort", "period_index", "period", "cohort_customers", "customers"]
    cols += ["logo_retention", "cohort_mrr", "mrr", "mrr_retention"]
    return t.sort_values(["cohort", "period_index"])[cols].reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 10, 31))
    args = ap.parse_args()
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        tables = read_tables(con)
    ch = changes(segments(tables), args.as_of)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(monthly_movements(ch, args.as_of))
        print(cohorts(ch, args.as_of))


if __name__ == "__main__":
    main()

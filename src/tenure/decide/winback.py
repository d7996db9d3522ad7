"""Win-back decisions: priority flags, and the offer and message for each churned customer.

Both work on the scored frame of churned customers (one row each, a few thousand at
most), with polars expressions: no loop over rows.

- :func:`flag_priorities`: ``high_ltv``, ``high_engagement`` and ``high_aov`` mark the
  top ``share`` (by rank; ties at the cut are all in) of the churned by ``revenue``
  (value realised), ``events_90d_before_churn`` and ``avg_mrr`` (average order value);
  ``priority`` is true when any is.
- :func:`choose_offers`: the offer and message of the customer's cancel reason (``other``
  when none was given or the reason has no entry). ``technical_issues`` names the tickets
  of theirs solved since they left; ``missing_features`` announces a release shipped after
  they left whose keywords their cancel comment contains, else it falls back to
  ``other``'s offer.
"""

from __future__ import annotations

import polars as pl

from tenure.config import WinbackSettings

__all__ = ["choose_offers", "flag_priorities"]

_PRIORITIES = {
    "high_ltv": "revenue",
    "high_engagement": "events_90d_before_churn",
    "high_aov": "avg_mrr",
}


def flag_priorities(frame: pl.DataFrame, share: float) -> pl.DataFrame:
    """``frame`` with the three priority flags and ``priority`` (any of them)."""
    flags = []
    for flag, column in _PRIORITIES.items():
        value = pl.col(column)
        top = value.rank("min", descending=True) <= pl.len() * share  # ties at the cut: all in
        flags.append((value.is_not_null() & (value > 0) & top).fill_null(False).alias(flag))
    out = frame.with_columns(flags)
    return out.with_columns(priority=pl.any_horizontal(*_PRIORITIES))


def choose_offers(
    frame: pl.DataFrame, fixed: pl.DataFrame, settings: WinbackSettings
) -> pl.DataFrame:
    """``frame`` with ``offer``, ``message`` and ``release`` (the announced feature).

    ``fixed`` has ``customer_id`` and ``fixed``, the count of their tickets solved since
    they left.
    """
    offers = settings.offers
    fallback = offers.get("other")
    reason = pl.col("cancel_reason").fill_null("other")
    known = reason.is_in(list(offers))
    reason = pl.when(known).then(reason).otherwise(pl.lit("other"))
    frame = frame.join(fixed, on="customer_id", how="left").with_columns(
        _reason=reason, fixed=pl.col("fixed").fill_null(0)
    )
    release = pl.lit(None, pl.Utf8)
    note = pl.lit(None, pl.Utf8)
    comment = pl.col("cancel_comment").fill_null("").str.to_lowercase()
    for r in sorted(settings.releases, key=lambda r: r.released_on):  # the newest wins
        asked = pl.any_horizontal(
            [comment.str.contains(k.lower(), literal=True) for k in r.keywords] or [pl.lit(False)]
        )
        shipped_since = pl.col("churned_on") < pl.lit(r.released_on)
        hit = asked & shipped_since
        release = pl.when(hit).then(pl.lit(r.feature)).otherwise(release)
        note = (
            pl.when(hit)
            .then(pl.lit(f"{r.feature} is live since {r.released_on:%d %B %Y}."))
            .otherwise(note)
        )
    frame = frame.with_columns(release=release, _note=note)
    no_release = (pl.col("_reason") == "missing_features") & pl.col("release").is_null()
    frame = frame.with_columns(
        _reason=pl.when(no_release & (fallback is not None))
        .then(pl.lit("other"))
        .otherwise(pl.col("_reason"))
    )
    offer = pl.lit(None, pl.Utf8)
    template = pl.lit(None, pl.Utf8)
    for name, o in offers.items():
        offer = pl.when(pl.col("_reason") == name).then(pl.lit(o.offer)).otherwise(offer)
        template = pl.when(pl.col("_reason") == name).then(pl.lit(o.message)).otherwise(template)
    months_gone = (pl.col("days_since_churn") / 30.4375).round(0).cast(pl.Int64).cast(pl.Utf8)
    fixed_text = (
        pl.when(pl.col("fixed") == 1)
        .then(pl.lit("the issue you reported"))
        .when(pl.col("fixed") > 1)
        .then(pl.col("fixed").cast(pl.Utf8) + pl.lit(" issues you reported"))
        .otherwise(pl.lit("the problems customers reported most"))
    )
    message = (
        template.str.replace_all("{months_gone}", months_gone, literal=True)
        .str.replace_all("{fixed}", fixed_text, literal=True)
        .str.replace_all("{release}", pl.col("_note").fill_null(""), literal=True)
        .str.replace_all("{plan}", _text(frame, "plan", "your plan"), literal=True)
        .str.replace_all("{name}", _text(frame, "name", "there"), literal=True)
    )
    out = frame.with_columns(offer=offer, message=message.str.strip_chars())
    return out.drop("_reason", "_note")


def _text(frame: pl.DataFrame, column: str, default: str) -> pl.Expr:
    if column not in frame.columns:
        return pl.lit(default)
    return pl.col(column).cast(pl.Utf8).fill_null(default)

"""The flat tables of the demo world: feedback, support tickets and exchange rates.

* NPS surveys go out 30 days after sign-up and every 26 weeks after; engaged
  customers answer more often, scores follow the latent NPS and drop before churn.
* Cancel-flow answers carry the stated (usually, not always, the true) reason.
* Tickets come more often from customers with technical problems (latent), more so
  before they churn, and after failed payments; some solved tickets get a CSAT score.
* Exchange rates for eur and gbp into usd follow a gentle monthly random walk.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import polars as pl

from tenure.demo._activity import NO_TIME, Activity
from tenure.demo._calendar import DAY, HOUR, World, add_months, iso_utc
from tenure.demo._population import Population
from tenure.demo._text import csat_comment, nps_comment, ticket_subject

__all__ = ["feedback_and_tickets", "fx_rates"]

_FEEDBACK_SCHEMA = {
    "feedback_id": pl.Utf8,
    "customer_id": pl.Utf8,
    "kind": pl.Utf8,
    "score": pl.Int64,
    "comment": pl.Utf8,
    "survey": pl.Utf8,
    "cancel_reason": pl.Utf8,
    "locale": pl.Utf8,
    "submitted_at": pl.Utf8,
}
_TICKET_SCHEMA = {
    "ticket_id": pl.Utf8,
    "customer_id": pl.Utf8,
    "opened_at": pl.Utf8,
    "closed_at": pl.Utf8,
    "status": pl.Utf8,
    "priority": pl.Utf8,
    "channel": pl.Utf8,
    "subject": pl.Utf8,
    "csat": pl.Int64,
}
_CATEGORIES = ("bug", "how_to", "feature_request", "account", "billing")


_Row = tuple[int, str, str, int, str, str, str, str]
"""A feedback answer: (at, customer_id, kind, score or -1, comment, survey, reason, locale)."""


def _nps(
    pop: Population, act: Activity, customer_ids: list[str], rnd: random.Random, end: int
) -> list[_Row]:
    rows: list[_Row] = []
    by_customer: dict[int, list[tuple[int, int, int]]] = {}
    for c, a, b, d in zip(
        act.access_customer, act.access_start, act.access_stop, act.access_decay, strict=True
    ):
        by_customer.setdefault(c, []).append((a, b, d))
    signup = pop.signup_ts.tolist()
    engagement = pop.engagement.tolist()
    latent = pop.nps_latent.tolist()
    locale = pop.locale.tolist()
    for c, intervals in by_customer.items():
        t = signup[c] + 30 * DAY
        while t < end:
            for a, b, d in intervals:
                if not a <= t < b or rnd.random() >= 0.2 + 0.3 * engagement[c]:
                    continue
                at = t + rnd.randrange(0, 3 * DAY)
                if at >= min(b, end):
                    continue
                fading = d != NO_TIME and 0 <= d - at < 60 * DAY
                score = round(latent[c] + rnd.gauss(0.0, 1.3) - (2.5 if fading else 0.0))
                score = max(0, min(10, score))
                comment = nps_comment(score, locale[c], rnd) if rnd.random() < 0.4 else ""
                rows.append(
                    (at, customer_ids[c], "nps", score, comment, "nps_in_app", "", locale[c])
                )
            t += 182 * DAY
    return rows


def _ticket_rate(tech: float, reason: str, users: int, near_churn: bool) -> float:
    monthly = 0.04 + 0.55 * tech + 0.03 * math.sqrt(users)
    if near_churn and reason in ("technical_issues", "poor_support"):
        monthly *= 3.0
    return monthly


def _cancel_answers(
    act: Activity, customer_ids: list[str], locale: list[str], rnd: random.Random, end: int
) -> list[_Row]:
    rows: list[_Row] = []
    for cancel in act.cancellations:
        at = cancel.at + rnd.randrange(30, 600)
        if cancel.answered_survey and at < end:
            c = cancel.customer
            rows.append(
                (
                    at,
                    customer_ids[c],
                    "cancel_reason",
                    -1,
                    cancel.comment,
                    "cancellation_flow",
                    cancel.stated_reason,
                    locale[c],
                )
            )
    return rows


def _ticket_openings(
    pop: Population, act: Activity, user_counts: list[int], rnd: random.Random, end: int
) -> list[tuple[int, int, str]]:
    """When each ticket is opened, by whom, and about what."""
    tickets: list[tuple[int, int, str]] = []
    tech = pop.tech_issues.tolist()
    reason = pop.true_reason.tolist()
    intervals = zip(
        act.access_customer, act.access_start, act.access_stop, act.access_decay, strict=True
    )
    for c, a, b, d in intervals:
        t = a
        while True:
            near = d != NO_TIME and 0 <= d - t < 60 * DAY
            rate = _ticket_rate(tech[c], reason[c], user_counts[c], near)
            t += int(rnd.expovariate(rate) * 30.44 * DAY)
            if t >= min(b, end):
                break
            weights = (0.2 + 2 * tech[c], 0.35, 0.12, 0.1, 0.08)
            tickets.append((t, c, rnd.choices(_CATEGORIES, weights=weights)[0]))
    for c, at in zip(act.failure_customer, act.failure_at, strict=True):
        opened = at + rnd.randrange(HOUR, 2 * DAY)
        if rnd.random() < 0.3 and opened < end:
            tickets.append((opened, c, "billing"))
    tickets.sort(key=lambda row: (row[0], row[1]))
    return tickets


def _tickets(
    pop: Population,
    openings: list[tuple[int, int, str]],
    customer_ids: list[str],
    rnd: random.Random,
    end: int,
) -> tuple[list[tuple[object, ...]], list[_Row]]:
    """Ticket rows, and the CSAT answers given after solved tickets."""
    locale = pop.locale.tolist()
    reason = pop.true_reason.tolist()
    rows: list[tuple[object, ...]] = []
    answers: list[_Row] = []
    for number, (opened, c, category) in enumerate(openings, start=1):
        slow = 3.0 if reason[c] == "poor_support" else 1.0
        closed = opened + int(rnd.expovariate(1.0 / (20 * HOUR * slow))) + 600
        priority = rnd.choices(
            ("low", "normal", "high", "urgent"),
            weights=(0.25, 0.55, 0.15 + 0.2 * (category == "bug"), 0.05),
        )[0]
        channel = rnd.choices(("email", "chat", "phone"), weights=(0.5, 0.4, 0.1))[0]
        subject = ticket_subject(category, locale[c], rnd)
        csat: int | None = None
        if closed >= end:
            status, closed_text = rnd.choice(("open", "pending")), ""
        else:
            status = "closed" if closed + 4 * DAY < end else "solved"
            closed_text = iso_utc(closed)
            sent = closed + rnd.randrange(HOUR, 2 * DAY)
            if rnd.random() < 0.45 and sent < end:
                base = 4.4 - (2.0 if reason[c] == "poor_support" else 0.0) - 0.2 * slow
                score = base + rnd.gauss(0.0, 0.8) - _hours_open(opened, closed) / 72
                csat = max(1, min(5, round(score)))
                comment = csat_comment(csat, locale[c], rnd) if rnd.random() < 0.3 else ""
                answers.append(
                    (sent, customer_ids[c], "csat", csat, comment, "support_csat", "", locale[c])
                )
        rows.append(
            (
                f"T-{number:06d}",
                customer_ids[c],
                iso_utc(opened),
                closed_text,
                status,
                priority,
                channel,
                subject,
                csat,
            )
        )
    return rows, answers


def feedback_and_tickets(
    pop: Population,
    act: Activity,
    *,
    customer_ids: list[str],
    user_counts: list[int],
    seed: int,
    world: World,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Build ``feedback.csv`` and ``support_tickets.csv`` as data frames."""
    rnd = random.Random(seed)
    end = world.end_ts
    feedback = _nps(pop, act, customer_ids, rnd, end)
    feedback += _cancel_answers(act, customer_ids, pop.locale.tolist(), rnd, end)
    openings = _ticket_openings(pop, act, user_counts, rnd, end)
    ticket_rows, csat = _tickets(pop, openings, customer_ids, rnd, end)
    feedback += csat
    feedback.sort(key=lambda row: (row[0], row[1], row[2]))
    feedback_rows = [
        (
            f"fb_{k:07d}",
            cid,
            kind,
            None if score < 0 else score,
            comment,
            survey,
            code,
            loc,
            iso_utc(at),
        )
        for k, (at, cid, kind, score, comment, survey, code, loc) in enumerate(feedback, 1)
    ]
    return (
        pl.DataFrame(feedback_rows, schema=_FEEDBACK_SCHEMA, orient="row"),
        pl.DataFrame(ticket_rows, schema=_TICKET_SCHEMA, orient="row"),
    )


def _hours_open(opened: int, closed: int) -> float:
    """Hours between opening and closing a ticket."""
    return (closed - opened) / HOUR


def fx_rates(rng: np.random.Generator, world: World) -> pl.DataFrame:
    """Monthly eur->usd and gbp->usd rates on the first of each month the world touches."""
    months: list[dt.date] = []
    day = world.start.replace(day=1)
    while day < world.end:
        months.append(day)
        day = add_months(day, 1)
    rows: list[tuple[str, str, str, float]] = []
    for currency, level in (("eur", 1.08), ("gbp", 1.27)):
        steps = rng.normal(0.0, 0.012, len(months))
        steps[0] = 0.0
        path = level * np.exp(np.cumsum(steps))
        for day, rate in zip(months, path.tolist(), strict=True):
            rows.append((currency, "usd", day.isoformat(), round(rate, 6)))
    return pl.DataFrame(
        rows,
        schema={
            "currency": pl.Utf8,
            "quote_currency": pl.Utf8,
            "rate_on": pl.Utf8,
            "rate": pl.Float64,
        },
        orient="row",
    )

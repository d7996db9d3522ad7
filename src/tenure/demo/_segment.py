"""Segment messages (identify, track, page, group) as JSON lines, built column-wise.

Every message carries ``context.groupId`` = the Stripe customer id, which is how
Tenure maps product usage to accounts. One-off messages mark the account's life:
``Signed Up``, the owner's ``identify`` and the account's ``group`` at sign-up,
``Onboarding Step Completed`` steps, the first ``Report Created`` (= activation),
``identify`` on plan changes and when invited users join (after an ``Invite Sent``).
Session actions come from ``_sessions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from tenure.demo._activity import NO_TIME
from tenure.demo._calendar import DAY, HOUR
from tenure.demo._catalog import PLANS
from tenure.demo._population import Population
from tenure.demo._sessions import Kind, plan_at
from tenure.demo._users import Users, random_hex

__all__ = ["Messages", "one_off_messages", "session_messages", "write_messages"]

I64 = npt.NDArray[np.int64]

_FEATURES = (
    "scheduled_reports",
    "alerts",
    "sql_editor",
    "data_blending",
    "forecasting",
    "sharing",
    "annotations",
    "embedding",
)
_PAGES = (
    ("Reports", "/reports"),
    ("Settings", "/settings"),
    ("Integrations", "/integrations"),
    ("Team", "/settings/team"),
    ("Docs", "/docs"),
    ("Pricing", "/pricing"),
)
_HOST = "https://app.tenure-demo.io"


def _choose(values: tuple[str, ...], col: str = "pick") -> pl.Expr:
    return pl.lit(pl.Series(values)).gather(pl.col(col) % len(values))


def _quoted(expr: pl.Expr) -> list[pl.Expr]:
    """A JSON string of ``expr``, whose values need no escaping (ids, fixed names)."""
    return [pl.lit('"'), expr, pl.lit('"')]


@dataclass(frozen=True)
class Messages:
    """Rows of one message template, sorted by time, not yet serialised.

    ``frame`` has ``ts`` (unix ms), ``user`` (index into the users) and the columns the
    template's expressions read.
    """

    frame: pl.DataFrame
    kind: str
    body: pl.Expr
    title: pl.Expr | None = None
    server: bool = False
    anonymous: bool = False
    page: pl.Expr | None = None

    def encode(
        self, users: Users, rng: np.random.Generator, *, start_ms: int, stop_ms: int
    ) -> pl.DataFrame:
        """Serialise the rows with ``start_ms <= ts < stop_ms`` into ``(ts, line)``.

        The line is assembled from string pieces: the per-user ``context`` is serialised
        once per user (see :class:`~tenure.demo._users.Users`), the ``properties`` or
        ``traits`` once per row; ids, names and timestamps need no JSON escaping.
        """
        ts = self.frame["ts"]
        lo, hi = ts.search_sorted(start_ms, side="left"), ts.search_sorted(stop_ms, side="left")
        frame = self.frame.slice(int(lo), int(hi) - int(lo))
        if frame.height == 0:
            return pl.DataFrame(schema={"ts": pl.Int64, "line": pl.Utf8})
        kind, page = self.kind, self.page
        context = (
            "context_server" if self.server else "context_open" if page is not None else "context"
        )
        wanted = ["user_id", "anonymous_id", "group_id", "name", "email", "role", context]
        joined = pl.concat(
            [frame, users.frame.select(wanted)[frame["user"].to_numpy()]], how="horizontal"
        )
        joined = joined.with_columns(message_id="ajs-" + random_hex(rng, joined.height, 16))
        stamp = pl.from_epoch(pl.col("ts"), time_unit="ms").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        parts = [
            pl.lit(f'{{"type":"{kind}","messageId":'),
            *_quoted(pl.col("message_id")),
            pl.lit(',"timestamp":'),
            *_quoted(stamp),
            pl.lit(',"userId":'),
            *_quoted(pl.col("user_id")),
        ]
        if self.anonymous:
            parts += [pl.lit(',"anonymousId":'), *_quoted(pl.col("anonymous_id"))]
        if self.title is not None:
            parts += [pl.lit(',"event":' if kind == "track" else ',"name":'), *_quoted(self.title)]
        if kind == "group":
            parts += [pl.lit(',"groupId":'), *_quoted(pl.col("group_id"))]
        parts += [
            pl.lit(',"traits":' if kind in ("identify", "group") else ',"properties":'),
            self.body.struct.json_encode(),
            pl.lit(',"context":'),
            pl.col(context),
        ]
        if page is not None:
            parts += [pl.lit(',"page":'), page.struct.json_encode(), pl.lit("}")]
        parts.append(pl.lit("}"))
        return joined.select(pl.col("ts"), pl.concat_str(parts).alias("line"))


def _encode(
    frame: pl.DataFrame,
    *,
    kind: str,
    body: pl.Expr,
    title: pl.Expr | None = None,
    server: bool = False,
    anonymous: bool = False,
    page: pl.Expr | None = None,
) -> Messages:
    return Messages(
        frame.sort("ts", maintain_order=True), kind, body, title, server, anonymous, page
    )


def write_messages(
    handle: IO[bytes],
    templates: list[Messages],
    users: Users,
    rng: np.random.Generator,
    *,
    windows: list[tuple[int, int]],
) -> int:
    """Write every message, in time order, one window at a time; return the count.

    Only one window's lines are in memory at once.
    """
    count = 0
    for start_ms, stop_ms in windows:
        parts = [t.encode(users, rng, start_ms=start_ms, stop_ms=stop_ms) for t in templates]
        lines = pl.concat(parts).sort("ts", maintain_order=True).select("line")
        lines.write_csv(handle, include_header=False, quote_style="never", line_terminator="\n")
        count += lines.height
    return count


def _track(actions: pl.DataFrame, kind: Kind, event: str, body: pl.Expr) -> Messages:
    rows = actions.filter(pl.col("kind") == int(kind))
    return _encode(rows, kind="track", title=pl.lit(event), body=body)


def session_messages(actions: pl.DataFrame) -> list[Messages]:
    """Templates of every in-session action."""
    out = [
        _track(
            actions,
            Kind.LOGGED_IN,
            "Logged In",
            pl.struct(method=_choose(("password", "google", "password", "sso"))),
        ),
        _track(
            actions,
            Kind.DASHBOARD_VIEWED,
            "Dashboard Viewed",
            pl.struct(dashboard_id=pl.format("db_{}", pl.col("pick") % 12 + 1)),
        ),
        _track(
            actions,
            Kind.FEATURE_USED,
            "Feature Used",
            pl.struct(feature=_choose(_FEATURES + _FEATURES[:3])),
        ),
        _track(
            actions,
            Kind.REPORT_CREATED,
            "Report Created",
            pl.struct(
                report_type=_choose(("table", "chart", "pivot", "funnel", "cohort")),
                first_report=pl.lit(False),
            ),
        ),
        _track(
            actions,
            Kind.EXPORT_CREATED,
            "Export Created",
            pl.struct(format=_choose(("csv", "xlsx", "pdf", "csv"))),
        ),
        _track(
            actions,
            Kind.INVITE_SENT,
            "Invite Sent",
            pl.struct(invitee_role=_choose(("editor", "viewer"))),
        ),
        _track(
            actions,
            Kind.INTEGRATION_CONNECTED,
            "Integration Connected",
            pl.struct(
                integration=_choose(
                    (
                        "google_sheets",
                        "hubspot",
                        "salesforce",
                        "stripe",
                        "postgres",
                        "bigquery",
                        "snowflake",
                        "shopify",
                    )
                )
            ),
        ),
        _track(
            actions,
            Kind.USAGE_LIMIT_REACHED,
            "Usage Limit Reached",
            pl.struct(limit=_choose(("reports", "rows", "dashboards")), plan=pl.lit("free")),
        ),
    ]
    names = pl.Series([p[0] for p in _PAGES])
    paths = pl.Series([p[1] for p in _PAGES])
    pages = actions.filter(
        pl.col("kind").is_in([int(Kind.PAGE), int(Kind.PAGE_DASHBOARD), int(Kind.PAGE_BILLING)])
    )
    pages = pages.with_columns(
        page_name=pl.when(pl.col("kind") == int(Kind.PAGE_DASHBOARD))
        .then(pl.lit("Dashboard"))
        .when(pl.col("kind") == int(Kind.PAGE_BILLING))
        .then(pl.lit("Billing"))
        .otherwise(pl.lit(names).gather(pl.col("pick") % len(_PAGES))),
        page_path=pl.when(pl.col("kind") == int(Kind.PAGE_DASHBOARD))
        .then(pl.lit("/dashboard"))
        .when(pl.col("kind") == int(Kind.PAGE_BILLING))
        .then(pl.lit("/settings/billing"))
        .otherwise(pl.lit(paths).gather(pl.col("pick") % len(_PAGES))),
    ).with_columns(page_url=pl.lit(_HOST) + pl.col("page_path"))
    page_fields = pl.struct(
        path=pl.col("page_path"), title=pl.col("page_name"), url=pl.col("page_url")
    )
    out.append(
        _encode(
            pages,
            kind="page",
            title=pl.col("page_name"),
            body=page_fields,
            page=page_fields,
            anonymous=True,
        )
    )
    return out


def _rows(ts_ms: I64, user: I64, **columns: Any) -> pl.DataFrame:
    return pl.DataFrame({"ts": ts_ms.astype(np.int64), "user": user.astype(np.int64), **columns})


def one_off_messages(
    pop: Population,
    users: Users,
    rng: np.random.Generator,
    *,
    activation: I64,
    first_stop: I64,
    plans: tuple[I64, I64, I64],
    end_ts: int,
) -> list[Messages]:
    """Templates of sign-up, onboarding, activation, plan changes and invitations."""
    owner = users.offset
    signup_ms = pop.signup_ts * 1000
    plan_names = np.asarray(PLANS)
    out: list[Messages] = []
    signed = _rows(signup_ms, owner, plan=pop.initial_plan, trial=pop.trial, channel=pop.channel)
    out.append(
        _encode(
            signed,
            kind="track",
            title=pl.lit("Signed Up"),
            body=pl.struct("plan", "trial", "channel"),
            server=True,
            anonymous=True,
        )
    )
    ident = _rows(signup_ms + 2000, owner, plan=pop.initial_plan, created=pop.signup_ts)
    out.append(_identify(ident))
    group = _rows(
        signup_ms + 3000,
        owner,
        plan=pop.initial_plan,
        industry=pop.industry,
        employees=pop.company_size,
        company=np.asarray(pop.company),
    )
    out.append(
        _encode(
            group,
            kind="group",
            server=True,
            body=pl.struct(
                name=pl.col("company"),
                plan=pl.col("plan"),
                industry=pl.col("industry"),
                employees=pl.col("employees"),
            ),
        )
    )
    out.append(
        _onboarding(pop, users, rng, activation=activation, first_stop=first_stop, end_ts=end_ts)
    )
    activated = np.flatnonzero(activation != NO_TIME)
    first = _rows(
        activation[activated] * 1000,
        owner[activated],
        pick=rng.integers(0, 1 << 30, activated.size),
    )
    out.append(
        _encode(
            first,
            kind="track",
            title=pl.lit("Report Created"),
            body=pl.struct(
                report_type=_choose(("table", "chart", "pivot")), first_report=pl.lit(True)
            ),
        )
    )
    p_cust, p_at, p_code = plans
    changed = np.ones(p_cust.size, dtype=bool)
    order = np.lexsort((p_at, p_cust))
    p_cust, p_at, p_code = p_cust[order], p_at[order], p_code[order]
    changed[1:] = (p_cust[1:] != p_cust[:-1]) | (p_code[1:] != p_code[:-1])
    later = changed & (p_at > pop.signup_ts[p_cust] + 60) & (p_at < end_ts)
    moves = _rows(
        p_at[later] * 1000 + 500,
        owner[p_cust[later]],
        plan=plan_names[p_code[later]],
        created=pop.signup_ts[p_cust[later]],
    )
    out.append(_identify(moves))
    invited = np.flatnonzero(np.arange(users.customer.size) != owner[users.customer])
    if invited.size:
        inv_cust = users.customer[invited]
        join = users.join[invited]
        sent = np.maximum(
            join - (rng.random(invited.size) * 2 * DAY).astype(np.int64),
            pop.signup_ts[inv_cust] + HOUR,
        )
        invite = _rows(sent * 1000, owner[inv_cust], pick=rng.integers(0, 1 << 30, invited.size))
        out.append(
            _encode(
                invite,
                kind="track",
                title=pl.lit("Invite Sent"),
                body=pl.struct(invitee_role=_choose(("editor", "viewer"))),
            )
        )
        plan_then = plan_names[
            plan_at(inv_cust, join, plan_customer=plans[0], plan_at_ts=plans[1], plan_code=plans[2])
        ]
        joined = _rows(join * 1000, invited, plan=plan_then, created=join)
        out.append(_identify(joined))
    return out


def _identify(rows: pl.DataFrame) -> Messages:
    stamp = pl.from_epoch(pl.col("created"), time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = pl.struct(
        customer_id=pl.col("group_id"),
        email=pl.col("email"),
        name=pl.col("name"),
        role=pl.col("role"),
        plan=pl.col("plan"),
        created_at=stamp,
    )
    return _encode(rows, kind="identify", body=body, server=True)


_STEPS = (
    "create_account",
    "connect_data_source",
    "create_first_report",
    "invite_teammate",
    "customize_dashboard",
)


def _onboarding(
    pop: Population,
    users: Users,
    rng: np.random.Generator,
    *,
    activation: I64,
    first_stop: I64,
    end_ts: int,
) -> Messages:
    n = pop.n
    signup = pop.signup_ts
    active = activation != NO_TIME
    connect_at = np.where(
        active,
        signup + ((activation - signup) * rng.uniform(0.2, 0.8, n)).astype(np.int64),
        signup + (rng.exponential(1.5, n) * DAY).astype(np.int64),
    )
    times = [
        (signup + 5, np.ones(n, dtype=bool)),
        (connect_at, active | (rng.random(n) < 0.5)),
        (activation, active),
        (
            activation + (rng.exponential(2.0, n) * DAY).astype(np.int64) + HOUR,
            active & ((users.count > 1) | (rng.random(n) < 0.3)),
        ),
        (
            activation + (rng.exponential(3.0, n) * DAY).astype(np.int64) + 2 * HOUR,
            active & (rng.random(n) < 0.6),
        ),
    ]
    ts_parts, cust_parts, step_parts = [], [], []
    for index, (at, mask) in enumerate(times):
        ok = mask & (at < first_stop) & (at < end_ts)
        ts_parts.append(at[ok] * 1000 + 1)
        cust_parts.append(np.flatnonzero(ok))
        step_parts.append(np.full(int(ok.sum()), index, dtype=np.int64))
    cust = np.concatenate(cust_parts)
    step = np.concatenate(step_parts)
    rows = _rows(
        np.concatenate(ts_parts),
        users.offset[cust],
        step=np.asarray(_STEPS)[step],
        step_index=step + 1,
    )
    return _encode(
        rows,
        kind="track",
        title=pl.lit("Onboarding Step Completed"),
        body=pl.struct("step", "step_index"),
    )

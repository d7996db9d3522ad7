"""The people behind each account: the owner plus invited seat users, with devices.

The owner's user id is the one in the Stripe customer's ``metadata.user_id``. Accounts
on per-seat plans invite up to 24 more users over their first months; a user only
produces events after joining.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from tenure.demo._calendar import DAY
from tenure.demo._names import FIRST_NAMES, LAST_NAMES, ascii_slug
from tenure.demo._population import Population

__all__ = ["Users", "build_users", "random_hex", "random_uuids"]

I64 = npt.NDArray[np.int64]

_OS = (  # name, version, device type, weight
    ("Mac OS X", "14.5.0", "desktop", 0.30),
    ("Mac OS X", "15.1.0", "desktop", 0.17),
    ("Windows", "10.0.0", "desktop", 0.22),
    ("Windows", "11.0.0", "desktop", 0.16),
    ("Linux", "6.5.0", "desktop", 0.03),
    ("iOS", "17.5.1", "mobile", 0.06),
    ("Android", "14.0.0", "mobile", 0.04),
    ("iOS", "18.1.0", "tablet", 0.02),
)
_ROLES = ("admin", "editor", "viewer")
BROWSER_LIBRARY = ("analytics.js", "next-1.70.0")
SERVER_LIBRARY = ("analytics-node", "2.1.2")


def _context(library: tuple[str, str]) -> pl.Expr:
    """The Segment ``context`` of a user's messages, serialised."""
    return pl.struct(
        groupId=pl.col("group_id"),
        ip=pl.col("ip"),
        library=pl.struct(name=pl.lit(library[0]), version=pl.lit(library[1])),
        locale=pl.col("locale"),
        location=pl.struct(country=pl.col("country")),
        os=pl.struct(name=pl.col("os_name"), version=pl.col("os_version")),
        device=pl.struct(type=pl.col("device_type")),
        timezone=pl.col("timezone"),
    ).struct.json_encode()


def random_hex(rng: np.random.Generator, n: int, n_bytes: int) -> pl.Series:
    """``n`` random lower-case hex strings of ``2 * n_bytes`` digits."""
    raw = rng.integers(0, 256, size=n * n_bytes, dtype=np.uint8).tobytes()
    array = pa.FixedSizeBinaryArray.from_buffers(pa.binary(n_bytes), n, [None, pa.py_buffer(raw)])
    series = pl.Series(pl.from_arrow(array)).cast(pl.Binary).bin.encode("hex")
    return series


def random_uuids(rng: np.random.Generator, n: int) -> pl.Series:
    """``n`` random version-4-style UUID strings."""
    h = random_hex(rng, n, 16)
    return pl.select(
        pl.concat_str(
            [
                h.str.slice(0, 8),
                pl.lit("-"),
                h.str.slice(8, 4),
                pl.lit("-4"),
                h.str.slice(13, 3),
                pl.lit("-a"),
                h.str.slice(17, 3),
                pl.lit("-"),
                h.str.slice(20, 12),
            ]
        )
    ).to_series()


@dataclass(frozen=True)
class Users:
    """All users, sorted by account then rank (0 = owner).

    ``frame`` holds the per-user JSON fields, including the serialised Segment
    ``context`` (browser library, server library, and browser without its closing
    brace, for page calls to append ``page``); ``offset[c]``/``count[c]`` locate account
    ``c``'s users; ``join`` is when each user joined.
    """

    frame: pl.DataFrame
    customer: I64
    join: I64
    offset: I64
    count: I64


def build_users(
    rng: np.random.Generator,
    pop: Population,
    *,
    customer_ids: list[str],
    owner_ids: list[str],
    max_seats: I64,
    last_stop: I64,
) -> Users:
    """Create the owner and the invited users of every account."""
    n = pop.n
    extra = np.where(max_seats > 1, np.minimum(max_seats - 1, 24), 0)
    cust_extra = np.repeat(np.arange(n), extra)
    join_extra = pop.signup_ts[cust_extra] + (
        DAY * (1.0 + rng.exponential(30.0, cust_extra.size))
    ).astype(np.int64)
    keep = join_extra < last_stop[cust_extra]
    cust = np.concatenate([np.arange(n), cust_extra[keep]])
    join = np.concatenate([pop.signup_ts, join_extra[keep]])
    rank = np.concatenate([np.zeros(n, dtype=np.int64), np.ones(int(keep.sum()), np.int64)])
    order = np.lexsort((join, rank, cust))
    cust, join, rank = cust[order], join[order], rank[order]
    count = np.bincount(cust, minlength=n).astype(np.int64)
    offset = (np.cumsum(count) - count).astype(np.int64)
    total = cust.size
    is_owner = rank == 0

    ids_np = np.asarray(("u_" + random_hex(rng, total, 6)).to_list(), dtype=object)
    ids_np[is_owner] = np.asarray(owner_ids, dtype=object)[cust[is_owner]]

    locale = pop.locale[cust]
    first = np.where(
        locale == "de",
        np.asarray(FIRST_NAMES["de"])[rng.integers(0, len(FIRST_NAMES["de"]), total)],
        np.asarray(FIRST_NAMES["en"])[rng.integers(0, len(FIRST_NAMES["en"]), total)],
    )
    last = np.where(
        locale == "de",
        np.asarray(LAST_NAMES["de"])[rng.integers(0, len(LAST_NAMES["de"]), total)],
        np.asarray(LAST_NAMES["en"])[rng.integers(0, len(LAST_NAMES["en"]), total)],
    )
    owners = np.flatnonzero(is_owner)
    first[owners] = np.asarray(pop.first_name)[cust[owners]]
    last[owners] = np.asarray(pop.last_name)[cust[owners]]
    domain = np.asarray(pop.domain)[cust]
    emails = [
        f"{ascii_slug(f)}.{ascii_slug(ln)}@{d}"
        for f, ln, d in zip(first.tolist(), last.tolist(), domain.tolist(), strict=True)
    ]
    emails_np = np.asarray(emails, dtype=object)
    emails_np[owners] = np.asarray(pop.email, dtype=object)[cust[owners]]
    role = np.where(
        is_owner, "admin", np.asarray(_ROLES)[rng.choice(3, total, p=[0.15, 0.4, 0.45])]
    )
    os_pick = rng.choice(len(_OS), total, p=np.asarray([o[3] for o in _OS]))
    ip = pl.concat_str(
        [
            pl.Series(rng.integers(11, 223, total)).cast(pl.Utf8),
            pl.Series(rng.integers(0, 256, total)).cast(pl.Utf8),
            pl.Series(rng.integers(0, 256, total)).cast(pl.Utf8),
            pl.Series(rng.integers(1, 255, total)).cast(pl.Utf8),
        ],
        separator=".",
    )
    country = pop.country[cust]
    frame = pl.DataFrame(
        {
            "user_id": ids_np.astype(str),
            "anonymous_id": random_uuids(rng, total),
            "group_id": np.asarray(customer_ids)[cust],
            "name": np.char.add(np.char.add(first.astype(str), " "), last.astype(str)),
            "email": emails_np.astype(str),
            "role": role,
            "ip": pl.select(ip).to_series(),
            "os_name": np.asarray([o[0] for o in _OS])[os_pick],
            "os_version": np.asarray([o[1] for o in _OS])[os_pick],
            "device_type": np.asarray([o[2] for o in _OS])[os_pick],
            "locale": np.char.add(np.char.add(locale.astype(str), "-"), country.astype(str)),
            "timezone": pop.timezone[cust],
            "country": country,
        }
    )
    frame = frame.with_columns(
        context=_context(BROWSER_LIBRARY), context_server=_context(SERVER_LIBRARY)
    ).with_columns(context_open=pl.col("context").str.strip_suffix("}"))
    return Users(
        frame=frame,
        customer=cust.astype(np.int64),
        join=join.astype(np.int64),
        offset=offset,
        count=count,
    )

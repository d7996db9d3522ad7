"""``tenure demo`` runs the shipped playbooks on its world, against local receivers.

After the demo workspace is built (docs/demo.md, "Playbooks on the demo world") the demo
copies ``playbooks/*.yaml`` into its ``journeys/`` folder, starts an SMTP sink (aiosmtpd,
in this process, on a free port) and an HTTP receiver for webhooks, points the
workspace's ``[email]`` and ``[webhooks]`` at them, and runs the journey worker every
:data:`STEP_DAYS` simulated days from :data:`REPLAY_DAYS` days before the world's end to
:data:`AFTER_DAYS` days after it (a :class:`~tenure.clock.FixedClock` set for each tick).
Per playbook it reports enrolments, sends per channel, suppressed and capped sends, and
the lift of goal conversion (treatment against the kept-out) with its interval.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tenure.cli.console import RichProgress, console
from tenure.cli.metrics import render
from tenure.errors import ConfigError

__all__ = ["AFTER_DAYS", "REPLAY_DAYS", "STEP_DAYS", "demo_journeys", "print_demo_journeys"]

REPLAY_DAYS = 14
"""Days before the world's end the simulated run starts (the triggers look at them)."""
AFTER_DAYS = 8
"""Days after the world's end it goes on (so the waits of a week pass)."""
STEP_DAYS = 2
"""Simulated days between two ticks (each tick looks at the days since the last one)."""


@dataclass
class _Sinks:
    """What the local receivers got: e-mails (``To``, ``Subject``) and webhook bodies."""

    mails: list[tuple[str, str]] = field(default_factory=list)
    posts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.mails.append((str(message["To"]), str(message["Subject"])))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _receivers() -> Iterator[tuple[_Sinks, int, str]]:
    """An SMTP sink and an HTTP receiver on localhost: ``(sinks, smtp port, webhook url)``."""
    from aiosmtpd.controller import Controller

    sinks = _Sinks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with sinks.lock:
                sinks.posts += 1
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    port = _free_port()
    smtp = Controller(sinks, hostname="127.0.0.1", port=port)
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield sinks, port, f"http://127.0.0.1:{http.server_address[1]}/hooks"
    finally:
        http.shutdown()
        http.server_close()
        smtp.stop()


def _configure(folder: Path, smtp_port: int, webhook_url: str) -> None:
    """Point the workspace's ``[email]`` and ``[webhooks]`` at the local receivers."""
    toml = folder / "tenure.toml"
    text = toml.read_text(encoding="utf-8")
    for table in ("[email]", "[webhooks]", "[journeys]"):
        if f"\n{table}\n" in f"\n{text}":
            raise ConfigError(
                f"The demo workspace's {toml} already has a {table} table, and tenure demo "
                "writes its own there for its local SMTP sink and webhook receiver; remove "
                "the table or run the demo with a new --dir."
            )
    toml.write_text(
        text.rstrip("\n") + "\n\n# tenure demo: its local SMTP sink and webhook receiver "
        "(they stop when the demo ends;\n# put your SMTP server and webhook URL here to send "
        "for real)\n"
        f'[email]\nhost = "127.0.0.1"\nport = {smtp_port}\n'
        'from_address = "Demo SaaS <hello@demo.tenure.local>"\n'
        f'unsubscribe_secret = "{secrets.token_urlsafe(24)}"\n'
        'unsubscribe_url = "http://127.0.0.1:8000/unsubscribe"\n'
        f'\n[webhooks]\nurl = "{webhook_url}"\nsecret = "whsec_{secrets.token_hex(16)}"\n'
        f"\n[journeys]\nlookback_hours = {24 * STEP_DAYS}\ncontrol_share = 0.1\n"
        'caps = {email = "3/7d"}\n',
        encoding="utf-8",
    )


def demo_journeys(folder: Path, end: dt.date) -> dict[str, Any]:
    """Run every playbook on the demo workspace ``folder`` whose data ends on ``end``.

    Returns ``rows`` (:func:`tenure.workspace.journey_summary`, one per playbook),
    ``mails`` and ``webhooks`` (what the local receivers got), ``days`` (the simulated
    run's first and last day), ``ticks`` and ``seconds`` (the run's wall time).
    """
    from tenure.workspace import copy_playbooks, replay_journeys

    copy_playbooks(folder / "journeys")
    start = dt.datetime.combine(end, dt.time(12), tzinfo=dt.UTC) - dt.timedelta(days=REPLAY_DAYS)
    days = range(0, REPLAY_DAYS + AFTER_DAYS + 1, STEP_DAYS)
    began = time.perf_counter()
    with _receivers() as (sinks, port, url):
        _configure(folder, port, url)
        rows = replay_journeys(
            folder, slug="demo", name="Demo SaaS", start=start, days=days, progress=RichProgress()
        )
        mails, posts = len(sinks.mails), sinks.posts
    return {
        "rows": rows,
        "mails": mails,
        "webhooks": posts,
        "days": (start.date(), (start + dt.timedelta(days=days[-1])).date()),
        "ticks": len(days),
        "seconds": time.perf_counter() - began,
    }


def _rate(pair: tuple[int, int]) -> str:
    converted, enrolled = pair
    return "-" if enrolled == 0 else f"{converted}/{enrolled} ({converted / enrolled:.0%})"


def _lift(value: tuple[float, float, float]) -> str:
    diff, low, high = value
    if low != low:  # NaN: an arm is empty
        return "-"
    return f"{diff:+.1%} [{low:+.1%}, {high:+.1%}]"


def print_demo_journeys(result: dict[str, Any], directory: Path) -> None:
    """The playbooks' table, what the receivers got, and where to read more."""
    import polars as pl

    first, last = result["days"]
    table = [
        {
            **row,
            "suppressed_capped": row["suppressed"] + row["capped"],
            "treatment": _rate(row["treatment"]),
            "kept_out": _rate(row["kept_out"]),
            "lift": _lift(row["lift"]),
        }
        for row in result["rows"]
    ]
    render(
        pl.DataFrame(table),
        title=f"Playbooks on the demo world, {first} to {last} (goal conversion, 95% interval)",
        columns={
            "journey": "playbook",
            "enrolled": "enrolled",
            "email": "e-mail",
            "inapp": "in-app",
            "webhook": "webhook",
            "withheld": "withheld",
            "suppressed_capped": "suppressed/capped",
            "treatment": "treatment",
            "kept_out": "kept out",
            "lift": "lift",
        },
    )
    console.print(
        f"{result['ticks']} worker ticks in {result['seconds']:.0f} s. "
        f"The local SMTP sink received {result['mails']:,} e-mails and the webhook receiver "
        f"{result['webhooks']:,} posts. The demo's customers do not react to messages, so "
        "the true lift is zero: the intervals show what chance alone gives. Per journey: "
        f"tenure journeys report NAME --tenant demo -w {directory}"
    )

"""A small world for journey tests: one workspace that is its own deployment.

``make_world`` writes customers (with e-mail, time zone and locale) and track events,
ingests them, makes the operational store and a tenant ``acme`` serving the folder,
and writes the given journey files into ``journeys/``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from tenure.workspace import Deployment, Workspace

UNSUBSCRIBE_SECRET = "unsubscribe-secret-for-tests"
WEBHOOK_SECRET = "whsec-journeys-tests"


def customer_id(i: int) -> str:
    return f"cus_{i:05d}"


def write_toml(folder: Path, *, store_url: str | None, smtp_port: int, extra: str = "") -> None:
    text = (
        'reporting_currency = "USD"\n'
        + (f'[store]\nurl = "{store_url}"\n' if store_url else "")
        + "[email]\n"
        + 'host = "127.0.0.1"\n'
        + f"port = {smtp_port}\n"
        + 'from_address = "Acme <hello@acme.test>"\n'
        + f'unsubscribe_secret = "{UNSUBSCRIBE_SECRET}"\n'
        + 'unsubscribe_url = "http://127.0.0.1:8000/unsubscribe"\n'
        + extra
    )
    (folder / "tenure.toml").write_text(text, encoding="utf-8")


def make_world(
    folder: Path,
    *,
    customers: int,
    events: Sequence[tuple[int, str, dt.datetime]],
    journeys: dict[str, str],
    store_url: str | None = None,
    smtp_port: int = 2525,
    extra_toml: str = "",
    timezones: Sequence[str] = ("Europe/Berlin", "America/New_York", "UTC"),
) -> None:
    """``events``: ``(customer number, track event, time)``."""
    folder.mkdir(parents=True, exist_ok=True)
    write_toml(folder, store_url=store_url, smtp_port=smtp_port, extra=extra_toml)
    data = folder / "data"
    data.mkdir(exist_ok=True)
    lines = ["customer_id,email,name,timezone,locale,created_at"]
    for i in range(customers):
        tz = timezones[i % len(timezones)]
        locale = "de" if tz == "Europe/Berlin" else "en"
        lines.append(
            f"{customer_id(i)},c{i}@example.test,Customer {i},{tz},{locale},2026-01-01T00:00:00Z"
        )
    (data / "customers.csv").write_text("\n".join(lines) + "\n")
    tracks = [
        {
            "type": "track",
            "event": name,
            "userId": f"u{i}",
            "context": {"groupId": customer_id(i)},
            "messageId": f"m-{n}",
            "timestamp": at.isoformat().replace("+00:00", "Z"),
        }
        for n, (i, name, at) in enumerate(events)
    ]
    (data / "events.jsonl").write_text("".join(json.dumps(t) + "\n" for t in tracks))
    with Workspace.init(folder) as ws:
        [c] = ws.ingest([data / "customers.csv"], format="table")
        assert c.rejects == 0, ws.rejects()
        if tracks:
            [e] = ws.ingest([data / "events.jsonl"], format="segment")
            assert e.rejects == 0, ws.rejects()
    (folder / "journeys").mkdir(exist_ok=True)
    for name, text in journeys.items():
        (folder / "journeys" / f"{name}.yaml").write_text(text, encoding="utf-8")
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        if "acme" not in {t.slug for t in deployment.tenants()}:
            deployment.create_tenant("acme", name="Acme", folder=".")

"""Deployment.deliver_webhooks: each tenant's rows signed with its own [webhooks]."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tenure.act.outbox import enqueue, messages
from tenure.act.webhooks import SIGNATURE_HEADER, verify
from tenure.workspace import Deployment
from tests.act.test_outbox import _Receiver, receiver

__all__ = ["receiver"]  # the fixture, used by name


def test_each_tenant_signs_with_its_secret_and_one_without_a_secret_waits(
    tmp_path: Path, receiver: tuple[str, type[_Receiver]]
) -> None:
    url, handler = receiver
    folder = tmp_path / "deployment"
    Deployment.upgrade(folder)
    with Deployment.open(folder) as deployment:
        secrets = {"acme": "whk_acme", "zeta": "whk_zeta", "nosecret": None}
        for slug, secret in secrets.items():
            deployment.create_tenant(slug)
            lines = [f'\n[webhooks]\nurl = "{url}"\n']
            lines += [f'secret = "{secret}"\n'] if secret else []
            toml = folder / "workspaces" / slug / "tenure.toml"
            with toml.open("a", encoding="utf-8") as fh:
                fh.writelines(lines)
            tenant = deployment.tenant(slug)
            with deployment.store.engine.begin() as con:
                enqueue(
                    con,
                    tenant_id=tenant.id,
                    kind="offer.accepted",
                    key=f"offer.accepted:{slug}",
                    destination=url,
                    body={"tenant": slug},
                    now=deployment.clock.now() - dt.timedelta(seconds=1),
                )
        report = deployment.deliver_webhooks()
        assert (report.sent, report.retried, report.dead) == (2, 0, 0)
        now = int(deployment.clock.now().timestamp())
        for headers, body in handler.received:
            slug = "acme" if b"acme" in body else "zeta"
            assert verify(secrets[slug] or "", body, headers[SIGNATURE_HEADER], now=now)
        waiting = messages(deployment.store.engine, status="pending")
        assert [m.key for m in waiting] == ["offer.accepted:nosecret"]
        with deployment.workspace(deployment.tenant("nosecret")) as ws:
            note = ws.cancel_flow_report().webhooks["note"]
        assert "[webhooks] secret is not set: 1 offer.accepted webhooks wait" in note

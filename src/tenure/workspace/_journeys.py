"""Journeys in the facade: definitions per workspace, the worker per deployment.

:class:`JourneysMixin` gives :class:`~tenure.workspace.Workspace` its journey files
(``[journeys] path``). :class:`DeploymentJourneysMixin` gives
:class:`~tenure.workspace.Deployment` the worker (:meth:`run_journeys`, :meth:`work`),
the in-app inbox and the unsubscribe list, all in the operational store. Each tenant's
journeys run with its own workspace's settings (journey files, ``[email]``,
``[webhooks]``, ``[journeys]``); only the worker's ``[journeys] poll_seconds`` is the
deployment's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.act.journeys import (
    Journey,
    JourneyRunner,
    TickResult,
    journey_file,
    load_journey,
    load_journeys,
    personal_rows,
    preview_step,
    read_unsubscribe_token,
    send_test,
    unsubscribe_tenant,
    worker_id,
)
from tenure.config import Settings
from tenure.errors import ConfigError, NotFoundError, TenureError
from tenure.measure import JourneyReport, journey_report

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

    from tenure.clock import Clock
    from tenure.store.operational import InappMessage, OperationalStore, Task, Tenant

__all__ = ["DeploymentJourneysMixin", "JourneysMixin", "check_journey_files"]


def check_journey_files(paths: Sequence[Path]) -> list[tuple[Path, Journey | ConfigError]]:
    """Each file's journey, or the error (with file, line and field) that stops it."""
    out: list[tuple[Path, Journey | ConfigError]] = []
    for path in paths:
        try:
            out.append((path, load_journey(path)))
        except ConfigError as exc:
            out.append((path, exc))
    return out


class JourneysMixin:
    """A workspace's journey definitions."""

    settings: Settings

    @property
    def journeys_path(self) -> Path:
        """The folder of journey files (``[journeys] path``, relative to the workspace)."""
        return self.settings.root / self.settings.journeys.path

    def journeys(self) -> list[Journey]:
        """Every journey defined in :attr:`journeys_path`, by file name."""
        return load_journeys(self.journeys_path)

    def journey(self, name: str) -> Journey:
        """The journey called ``name``."""
        for journey in self.journeys():
            if journey.name == name:
                return journey
        raise NotFoundError(
            f"there is no journey {name!r} in {self.journeys_path}; "
            "'tenure journeys list' shows them"
        )

    def _customer_row(self, customer_id: str) -> dict[str, Any]:
        c = self.warehouse.ibis.table("customers")  # type: ignore[attr-defined]
        rows = c.filter(c.customer_id == customer_id).to_pyarrow().to_pylist()
        if not rows:
            raise NotFoundError(f"there is no customer {customer_id!r} in the warehouse")
        return dict(rows[0])

    def journey_preview(self, name: str, step: str, customer_id: str) -> dict[str, Any]:
        """A send step rendered for one customer: channel, locale and the rendered texts.

        The personal variables (``metrics``, ``risk``, ...) are read as the worker reads
        them for a batch (:func:`~tenure.act.journeys.personal_rows`).
        """
        customer = self._customer_row(customer_id)
        con = self.warehouse.ibis  # type: ignore[attr-defined]
        return preview_step(
            self.journey(name),
            step,
            customer,
            settings=self.settings,
            personal=personal_rows(con, [customer_id]).get(customer_id),
            today=self.clock.now().date(),  # type: ignore[attr-defined]
            source=journey_file(self.journeys_path, name),
        )

    def journey_test_send(self, name: str, step: str, customer_id: str, *, to: str) -> str:
        """Send an e-mail step, rendered for ``customer_id``, to ``to``; its Message-ID."""
        preview = self.journey_preview(name, step, customer_id)
        now = self.clock.now().timestamp()  # type: ignore[attr-defined]
        return send_test(preview, settings=self.settings, to=to, at=now)


class DeploymentJourneysMixin:
    """The journey worker, the in-app inbox and the suppression list of a deployment."""

    settings: Settings
    store: OperationalStore

    if TYPE_CHECKING:

        @property
        def clock(self) -> Clock: ...
        @property
        def root(self) -> Path: ...
        def tenants(self) -> list[Tenant]: ...
        def tenant(self, slug: str) -> Tenant: ...
        def reader(self, tenant: Tenant) -> Any: ...

    @contextmanager
    def _journey_warehouse(self, tenant: Tenant, *, shared: bool) -> Iterator[BaseBackend]:
        """The tenant's warehouse for triggers: read-only and for one tick when alone.

        A DuckDB file admits one writing process, so a worker of its own opens it
        read-only for each tick and closes it, and ``tenure ingest`` runs between ticks;
        inside ``tenure serve`` (``shared``) the server's reading connection is used.
        """
        settings = Settings.load(self.root / tenant.folder)
        url = settings.warehouse_url()
        if shared or not url.startswith("duckdb://"):
            with self.reader(tenant) as ws:
                yield ws.warehouse.ibis
            return
        import ibis

        con = ibis.duckdb.connect(url.removeprefix("duckdb://"), read_only=True)
        try:
            con.raw_sql("SET TimeZone = 'UTC'")
            yield con
        finally:
            con.disconnect()

    def tenant_settings(self, tenant: Tenant) -> Settings:
        """The settings of a tenant's workspace (its channels and journeys)."""
        return Settings.load(self.root / tenant.folder)

    def tenant_journeys(self, tenant: Tenant) -> list[Journey]:
        """The journeys of a tenant's workspace."""
        settings = self.tenant_settings(tenant)
        return load_journeys(settings.root / settings.journeys.path)

    def run_journeys(
        self, *, owner: str | None = None, shared: bool = False, max_batches: int | None = None
    ) -> dict[str, TickResult]:
        """One tick of the worker for every tenant: enrol, then run every due step.

        Returns what the tick did, per tenant slug.
        """
        owner = owner or worker_id()
        results: dict[str, TickResult] = {}
        for tenant in self.tenants():
            settings = self.tenant_settings(tenant)
            journeys = load_journeys(settings.root / settings.journeys.path)
            if not journeys:
                continue
            with self._journey_warehouse(tenant, shared=shared) as con:
                runner = JourneyRunner(
                    self.store,
                    tenant.id,
                    journeys,
                    con,
                    settings,
                    clock=self.clock,
                    owner=owner,
                )
                try:
                    results[tenant.slug] = runner.tick(max_batches=max_batches)
                finally:
                    runner.close()
        return results

    def work(
        self,
        *,
        stop: threading.Event,
        shared: bool = False,
        on_tick: Any = None,
        on_error: Any = None,
    ) -> None:
        """Run :meth:`run_journeys` every ``[journeys] poll_seconds`` until ``stop`` is set.

        ``on_tick(results)`` and ``on_error(exc)`` report; a failing tick (an SMTP server
        down, a bad template) is reported and retried at the next poll.
        """
        owner = worker_id()
        while not stop.is_set():
            try:
                results = self.run_journeys(owner=owner, shared=shared)
                if on_tick is not None:
                    on_tick(results)
            except TenureError as exc:
                if on_error is None:
                    raise
                on_error(exc)
            stop.wait(self.settings.journeys.poll_seconds)

    # -- what journeys made ------------------------------------------------------------------

    def journey_counts(self, slug: str, journey: str | None = None) -> dict[str, Any]:
        """Enrolments per arm and status, and step runs per step and status."""
        tenant = self.tenant(slug)
        return {
            "enrolments": self.store.enrolment_counts(tenant.id, journey),
            "steps": self.store.step_runs(tenant.id, journey),
        }

    def journey_report(
        self,
        slug: str,
        journey: str,
        *,
        confidence: float = 0.95,
        days: Sequence[int] | None = None,
        as_of: dt.date | None = None,
    ) -> JourneyReport:
        """Conversion, retention and MRR of treatment against control and holdout, per variant.

        Retention and MRR are measured ``days`` after enrolment (default ``[journeys]
        report_days``) from the tenant's warehouse as of ``as_of`` (default: today, or
        the day of the latest invoice when the data stops earlier); docs/journeys.md.
        """
        from tenure.workspace._journey_outcomes import journey_outcomes

        tenant = self.tenant(slug)
        enrolments = self.store.enrolment_arms(tenant.id, journey)
        rows = [(arm, variant, status) for _, arm, variant, status, _ in enrolments]
        horizons = list(days or self.tenant_settings(tenant).journeys.report_days)
        if any(not 1 <= d <= 3650 for d in horizons):
            raise ConfigError(
                "The 'days' parameter of journey_report must be whole days in the range "
                f"[1, 3650]. Got {horizons} instead."
            )
        with self.reader(tenant) as ws:
            ctx = ws.metrics_context(as_of=as_of)
            outcomes = journey_outcomes(ctx, enrolments, horizons)
        report = journey_report(
            journey,
            rows,
            confidence=confidence,
            outcomes=outcomes,
            as_of=ctx.as_of,
            currency=ctx.currency,
        )
        defined = [j for j in self.tenant_journeys(tenant) if j.name == journey]
        if defined and defined[0].goal is None:
            note = "The journey has no goal: no enrolment can convert (add 'goal' to its file)."
            report = dataclasses.replace(report, notes=[note, *report.notes])
        return report

    def inbox(
        self, tenant: Tenant, customer_id: str, *, unread: bool = False
    ) -> list[InappMessage]:
        """A customer's in-app messages, newest first."""
        return self.store.inbox(tenant.id, customer_id, unread=unread)

    def mark_read(self, tenant: Tenant, customer_id: str, message_id: str) -> InappMessage:
        """Mark an in-app message read."""
        return self.store.mark_read(tenant.id, customer_id, message_id)

    def tasks(self, slug: str, *, open_only: bool = True) -> list[Task]:
        """Tasks journeys made for customer-success owners."""
        return self.store.tasks(self.tenant(slug).id, open_only=open_only)

    def unsubscribe(self, token: str) -> tuple[str, str]:
        """Put the customer of a signed unsubscribe token on the e-mail suppression list.

        Returns ``(tenant_id, customer_id)``; idempotent.

        The token names its tenant; the tenant's ``[email] unsubscribe_secret`` verifies it.

        Raises
        ------
        SignatureError
            When the token was not signed with that secret.
        NotFoundError
            When it names no tenant of this deployment.
        """
        tenant = self.store.tenant_by_id(unsubscribe_tenant(token))
        secret = self.tenant_settings(tenant).email.unsubscribe_secret
        if not secret:
            raise ConfigError(
                "The setting 'email.unsubscribe_secret' must be set to accept unsubscribe "
                "links. Got None instead."
            )
        tenant_id, customer_id = read_unsubscribe_token(secret, token)
        self.store.suppress(tenant_id, customer_id, channel="email", reason="unsubscribe")
        return tenant_id, customer_id

    def suppress(self, slug: str, customer_id: str, *, channel: str = "all") -> None:
        """Add a customer to the suppression list (``all``: no journey messages at all)."""
        if channel not in ("all", "email", "webhook", "inapp"):
            raise ConfigError(
                f"The 'channel' of a suppression must be all, email, webhook or inapp. "
                f"Got {channel!r} instead."
            )
        self.store.suppress(self.tenant(slug).id, customer_id, channel=channel, reason="manual")

"""``Deployment``: several tenants, each with its own Tenure workspace, behind one service.

A deployment folder holds ``tenure.toml`` (its ``[store]`` and ``[server]`` sections),
the operational store (``tenure.sqlite`` by default, or PostgreSQL by URL) and one
workspace folder per tenant under ``workspaces/<slug>/``. Every tenant's data lives only
in its own workspace; the API reaches a workspace only through the key's tenant.

Examples
--------
>>> import tempfile
>>> from tenure.workspace import Deployment
>>> folder = tempfile.mkdtemp()
>>> Deployment.upgrade(folder)
'0005'
>>> with Deployment.open(folder) as deployment:
...     tenant = deployment.create_tenant("acme", name="Acme Inc.")
...     key = deployment.create_key("acme", scope="read")
...     user = deployment.add_user("ana@acme.test", tenant="acme", password="correct horse")
...     login = deployment.login("ana@acme.test", "correct horse")
...     [t.slug for t in deployment.user_tenants(login.session.user)]
['acme']
>>> key.secret.startswith("tn_sk_")
True
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tenure.clock import Clock, SystemClock
from tenure.config import Settings
from tenure.errors import ConfigError, DataError, Location, NotFoundError
from tenure.progress import Progress
from tenure.store.operational import (
    ApiKey,
    KeyKind,
    NewKey,
    NewSession,
    OperationalStore,
    Scope,
    Tenant,
    User,
    WebSession,
)
from tenure.workspace._deployment_cancel import DeploymentCancelMixin
from tenure.workspace._insights import DASHBOARD_BREAKDOWNS, PAGE_VIEWS
from tenure.workspace._journeys import DeploymentJourneysMixin

if TYPE_CHECKING:
    from tenure.workspace import Workspace

__all__ = ["Deployment", "MoveResult", "StripeDelivery", "mask_secret"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_WHSEC = re.compile(r"^whsec_[A-Za-z0-9+/=_-]{8,240}$")
WORKSPACES = "workspaces"
INBOX = ".inbox"


@dataclass(frozen=True)
class MoveResult:
    """What one run of :meth:`Deployment.move_events` did."""

    events: int = 0
    batches: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class StripeDelivery:
    """What :meth:`Deployment.receive_stripe_webhook` did with one delivery."""

    event_id: str
    type: str
    duplicate: bool
    inserted: int = 0
    rejected: int = 0
    skipped: int = 0


def mask_secret(secret: str) -> str:
    """A secret as it may be shown: its kind and last four characters (``whsec_...x9Zq``)."""
    kind = secret.split("_", 1)[0] + "_" if "_" in secret else ""
    return f"{kind}...{secret[-4:]}"


class Deployment(DeploymentJourneysMixin, DeploymentCancelMixin):
    """The tenants of one service and their workspaces.

    Parameters
    ----------
    settings
        The deployment folder's settings (``[store]``, ``[server]``).
    clock, progress
        Passed to each tenant's :class:`Workspace`.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings
        self.store = OperationalStore(settings.store_url(), clock=clock)
        self._clock = clock
        self._progress = progress
        self._workspaces: dict[str, Workspace] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @classmethod
    def open(cls, folder: Path | str = ".", **kwargs: Any) -> Deployment:
        """Open the deployment in ``folder``; its operational store must be up to date."""
        deployment = cls(Settings.load(folder), **kwargs)
        try:
            deployment.store.check_schema()
        except BaseException:
            deployment.close()
            raise
        return deployment

    @classmethod
    def upgrade(cls, folder: Path | str = ".") -> str:
        """Create or migrate the operational store of ``folder`` (safe to repeat)."""
        Path(folder).mkdir(parents=True, exist_ok=True)
        with OperationalStore(Settings.load(folder).store_url()) as store:
            return store.upgrade()

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def clock(self) -> Clock:
        """The clock given to the deployment (the system clock by default)."""
        return self._clock or SystemClock()

    def close(self) -> None:
        """Close every tenant's workspace and the store's connections."""
        with self._guard:
            for ws in self._workspaces.values():
                ws.close()
            self._workspaces.clear()
        self.store.close()

    def __enter__(self) -> Deployment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tenants and keys --------------------------------------------------------------------

    def create_tenant(
        self, slug: str, *, name: str | None = None, folder: str | None = None
    ) -> Tenant:
        """Add a tenant and create its workspace in ``workspaces/<slug>``.

        With ``folder`` (relative to the deployment folder, ``.`` for the deployment
        folder itself) the tenant serves an existing workspace there instead, as
        ``tenure demo`` does for its demo workspace.
        """
        if not _SLUG.match(slug):
            raise ConfigError(
                "The 'slug' of a tenant must be 1-63 lowercase letters, digits or '-', "
                f"starting with a letter or digit. Got {slug!r} instead.",
                location=Location(field="slug"),
            )
        from tenure.workspace import Workspace

        if folder is None:
            folder = f"{WORKSPACES}/{slug}"
            Workspace.init(self.root / folder).close()
        else:
            Workspace.open(self.root / folder).close()  # a ConfigError names what is missing
        return self.store.create_tenant(slug=slug, name=name or slug, folder=folder)

    def tenants(self) -> list[Tenant]:
        """Every tenant, by slug."""
        return self.store.tenants()

    def tenant(self, slug: str) -> Tenant:
        """The tenant with this slug (:class:`~tenure.errors.NotFoundError` if none)."""
        return self.store.tenant(slug)

    def create_key(self, slug: str, *, scope: Scope, publishable: bool = False) -> NewKey:
        """Make an API key for a tenant; ``secret`` of the result is shown once."""
        tenant = self.store.tenant(slug)
        kind: KeyKind = "publishable" if publishable else "secret"
        return self.store.create_key(tenant.id, kind=kind, scope=scope)

    def keys(self, slug: str) -> list[ApiKey]:
        """A tenant's keys (never the keys themselves)."""
        return self.store.keys(self.store.tenant(slug).id)

    def revoke_key(self, key_id: str, *, tenant_id: str | None = None) -> ApiKey:
        """Revoke a key; with ``tenant_id`` only a key of that tenant is found."""
        return self.store.revoke_key(key_id, tenant_id=tenant_id)

    # -- dashboard users ---------------------------------------------------------------------

    def add_user(self, email: str, *, tenant: str, password: str | None = None) -> User:
        """Let ``email`` open the dashboard of ``tenant``, creating the user if new.

        A new user needs a ``password`` (at least 10 characters); for an existing user it
        is left as it is when None, and replaced otherwise.
        """
        target = self.store.tenant(tenant)
        try:
            user = self.store.user(email)
        except NotFoundError:
            if password is None:
                raise ConfigError(
                    f"{email!r} is a new user and needs a password; pass --password-stdin "
                    "or let 'tenure users add' ask for it",
                    location=Location(field="password"),
                ) from None
            user = self.store.create_user(email, password=password)
        else:
            if password is not None:
                self.store.set_password(user.id, password)
        self.store.add_membership(user.id, target.id)
        return user

    def users(self) -> list[tuple[User, list[str]]]:
        """Every dashboard user with the slugs of their tenants."""
        return self.store.users()

    def login(self, email: str, password: str) -> NewSession | None:
        """A new dashboard session when the password is right, else None.

        It lasts ``[server] session_hours``.
        """
        hours = self.settings.server.session_hours
        return self.store.login(email, password, ttl=dt.timedelta(hours=hours))

    def web_session(self, token: str) -> WebSession | None:
        """The live session of a session cookie's token, or None."""
        return self.store.web_session(token)

    def logout(self, token: str) -> None:
        """End the session of this token."""
        self.store.logout(token)

    def user_tenants(self, user: User) -> list[Tenant]:
        """The tenants a user may open, by slug."""
        ids = set(self.store.user_tenant_ids(user.id))
        return [t for t in self.store.tenants() if t.id in ids]

    # -- Stripe webhooks ---------------------------------------------------------------------

    def set_stripe_secret(self, slug: str, secret: str | None) -> str | None:
        """Set (None: remove) the tenant's Stripe webhook endpoint secret.

        Returns the secret masked (:func:`mask_secret`), the only form ever shown again.
        """
        if secret is not None and not _WHSEC.match(secret):
            raise ConfigError(
                "The 'secret' of a Stripe webhook endpoint must be the signing secret Stripe "
                "shows for the endpoint, 'whsec_' followed by letters and digits. Got "
                f"{mask_secret(secret) if secret else repr(secret)} instead.",
                location=Location(field="secret"),
            )
        tenant = self.store.tenant(slug)
        self.store.set_stripe_secret(tenant.id, secret)
        return mask_secret(secret) if secret is not None else None

    def receive_stripe_webhook(
        self, slug: str, payload: bytes, header: str | None, *, tolerance_seconds: int = 300
    ) -> StripeDelivery:
        """Verify one Stripe webhook delivery for a tenant and ingest its event once.

        The signature is checked against the tenant's secret at the deployment's clock
        (:func:`tenure.ingest.verify_stripe_signature`). An event id recorded before is a
        duplicate and not read again. Otherwise the event goes through
        :meth:`Workspace.ingest_stripe_events` (itself idempotent by event id) and only
        then is its id recorded, so a crash in between is repaired by Stripe's retry.

        Raises
        ------
        NotFoundError
            When no tenant has this slug, or it has no webhook secret (the same answer).
        SignatureError
            When the delivery is not signed with the tenant's secret, or is too old.
        """
        from tenure.ingest import verify_stripe_signature

        try:
            tenant, secret = self.store.stripe_endpoint(slug)
        except NotFoundError:
            secret = None
        if secret is None:
            raise NotFoundError(
                f"there is no Stripe webhook endpoint for {slug!r}; 'tenure tenants "
                "stripe-secret SLUG whsec_...' sets one"
            )
        event = verify_stripe_signature(
            payload, header, secret, tolerance_seconds=tolerance_seconds, now=self.clock.now()
        )
        event_id, kind = event.get("id"), event.get("type")
        if not isinstance(event_id, str) or not event_id:
            raise DataError("the signed Stripe event has no 'id'; is it a Stripe event?")
        kind = kind if isinstance(kind, str) else ""
        if self.store.stripe_event_seen(tenant.id, event_id):
            return StripeDelivery(event_id, kind, duplicate=True)
        with self.workspace(tenant) as ws:
            result = ws.ingest_stripe_events([event])
        self.store.record_stripe_event(tenant.id, event_id)
        return StripeDelivery(
            event_id,
            kind,
            duplicate=result.duplicates > 0,
            inserted=result.inserted,
            rejected=result.rejects,
            skipped=result.skipped,
        )

    # -- workspaces --------------------------------------------------------------------------

    @contextmanager
    def workspace(self, tenant: Tenant) -> Iterator[Workspace]:
        """The tenant's workspace, held (by a lock) until the block ends.

        One workspace (one warehouse connection) is kept open per tenant; the event mover
        and request handlers take turns on it.
        """
        with self._held(tenant.id, tenant) as ws:
            yield ws

    @contextmanager
    def reader(self, tenant: Tenant) -> Iterator[Workspace]:
        """The tenant's workspace for reading, held (by its own lock) until the block ends.

        A second workspace on the same warehouse (for DuckDB: a second connection to the
        same database), so reads do not wait while the event mover loads a micro-batch
        on the first one: they see the state of the last committed load.
        """
        if f"{tenant.id}:read" not in self._workspaces:
            with self.workspace(tenant):  # opened (schema made) before a second connection
                pass
        with self._held(f"{tenant.id}:read", tenant) as ws:
            yield ws

    @contextmanager
    def _held(self, name: str, tenant: Tenant) -> Iterator[Workspace]:
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            ws = self._workspaces.get(name)
            if ws is None:
                from tenure.workspace import Workspace

                kwargs: dict[str, Any] = {"clock": self._clock, "progress": self._progress}
                ws = Workspace.open(self.root / tenant.folder, **kwargs)
                ws.bind_operational(self.store, tenant.id)
                with self._guard:
                    self._workspaces[name] = ws
            yield ws

    def prepare(self) -> None:
        """Pay the process's one-time costs of a first read before the server takes requests.

        Opens the first tenant's reading workspace and reads its data version: the
        warehouse backend, its SQL compiler and its result converters are imported (about
        1 s, pandas among them), which the first page after a start would pay otherwise.
        A tenant whose warehouse cannot be opened is passed over.
        """
        from tenure.errors import TenureError

        for tenant in self.tenants():
            try:
                with self.reader(tenant) as ws:
                    ws.data_version()
            except TenureError:
                continue
            return

    def warm_up(
        self,
        *,
        breakdowns: tuple[str, ...] = DASHBOARD_BREAKDOWNS,
        stop: threading.Event | None = None,
    ) -> int:
        """Compute each tenant's default dashboard views once, so they are kept warm.

        The stored daily activity is built where it is missing (:meth:`Workspace.ensure_activity`).
        The monthly MRR series and the cohorts of every tenant with billing data are
        computed first on each tenant's reading workspace (:meth:`reader`, which the
        dashboard reads through; kept until the next load; results kept on disk by an
        earlier run are taken as they are and, if older than the data, recomputed in
        the background, so a step holds the workspace briefly), with one customer list
        and one customer 360 (whose queries are compiled once per workspace, and the
        warehouse connections opened, so the first visitor does not pay for them), then
        the monthly series by each of ``breakdowns``, then the engagement and feedback
        pages' defaults (:data:`tenure.workspace.PAGE_VIEWS`). A tenant whose data cannot
        be read is passed over: its pages will say why. Stops early when ``stop`` is set.
        Returns how many tenants were warmed.
        """
        from tenure.errors import TenureError

        warmed: list[Tenant] = []
        for tenant in self.tenants():
            if stop is not None and stop.is_set():
                return len(warmed)
            try:
                with self.workspace(tenant) as ws:  # a warehouse of an older Tenure
                    ws.ensure_activity()
                with self.reader(tenant) as ws, ws.serve_stale():
                    if ws.data_through() is None:
                        continue
                    ws.metrics(interval="month")
                    ws.cohorts()
                    # the first customer list and 360 compile their queries (0.5-1 s at 10k)
                    first = ws.customers(limit=1)["items"]
                    if first:
                        ws.customer_profile(first[0]["customer_id"])
            except TenureError:
                continue
            warmed.append(tenant)
        for by in breakdowns:
            for tenant in warmed:  # one step at a time: a visitor waits for one step at most
                if stop is not None and stop.is_set():
                    return len(warmed)
                try:
                    with self.reader(tenant) as ws, ws.serve_stale():
                        ws.metrics(interval="month", by=by)
                except TenureError:
                    continue
        for view in PAGE_VIEWS:  # then the engagement and feedback pages' defaults
            for tenant in warmed:
                if stop is not None and stop.is_set():
                    return len(warmed)
                try:
                    with self.reader(tenant) as ws, ws.serve_stale():
                        ws.warm_page_view(view)
                except TenureError:  # no events, no key action: the page says why
                    continue
        return len(warmed)

    # -- events ------------------------------------------------------------------------------

    def move_events(self, *, limit: int | None = None) -> MoveResult:
        """Move received events from the log into their tenants' warehouses.

        Each tenant's events become one Segment batch ingested by
        :meth:`Workspace.ingest`; only after it is committed are they marked moved. If
        the process dies in between, the next run ingests them again and the warehouse
        drops them by ``messageId``, so every event lands exactly once.
        """
        pending = self.store.pending_lines(limit=limit or self.settings.server.flush_events)
        by_tenant: dict[str, list[Any]] = {}
        for event in pending:
            by_tenant.setdefault(event.tenant_id, []).append(event)
        moved = inserted = duplicates = rejected = 0
        for tenant_id, events in by_tenant.items():
            tenant = self.store.tenant_by_id(tenant_id)
            batch_id = uuid.uuid4().hex
            with self.workspace(tenant) as ws:
                inbox = ws.root / INBOX
                inbox.mkdir(exist_ok=True)
                path = inbox / f"{batch_id}.jsonl"
                # the logged JSON text as it is, one line each (no decoding and encoding)
                path.write_text("".join(e.payload + "\n" for e in events), encoding="utf-8")
                try:
                    results = ws.ingest([path], format="segment")
                finally:
                    path.unlink(missing_ok=True)
            self.store.mark_moved([e.id for e in events], batch_id=batch_id)
            moved += len(events)
            inserted += sum(r.inserted for r in results)
            duplicates += sum(r.duplicates for r in results)
            rejected += sum(r.rejects for r in results)
        return MoveResult(
            events=moved,
            batches=len(by_tenant),
            inserted=inserted,
            duplicates=duplicates,
            rejected=rejected,
        )

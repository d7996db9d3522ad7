"""Results of the metric reads kept until the warehouse's data changes, and served stale.

Mixed into :class:`tenure.Workspace`. Every load into the warehouse (a file, a Segment
batch, a Stripe event) adds one row to its ``ingests`` log, so the number of rows there
is a version of the data: a result computed at one version (and day) is returned again,
without compiling or running its query, until the version moves. The dashboard asks for
the same series and cohorts many times between two loads; compiling the Ibis expression of
a series costs far more than running it on a 10k-customer workspace.

Stale while revalidate: inside :meth:`ResultCacheMixin.serve_stale` (the dashboard's
views), a result whose version has moved is returned at once and recomputed in the
background, by one thread per workspace on a second workspace of the same warehouse
(its own connection), so the first visitor after a load does not wait; the
:class:`Freshness` the block yields says when the numbers were computed. Outside that
block (the CLI, the API, library users) a moved version means the result is computed
again before it is returned, as before.

Each result is also written to ``<workspace>/cache/results/`` (Parquet, with its
version), so a server that starts again serves the results of its last run: fresh when
the data has not changed, stale (and recomputed) inside :meth:`serve_stale` when it has.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from tenure.clock import Clock
    from tenure.config import Settings
    from tenure.store import Warehouse
    from tenure.workspace import Workspace

__all__ = ["RESULTS_FOLDER", "Freshness", "ResultCacheMixin"]

_SIZE = 64
RESULTS_FOLDER = Path("cache") / "results"
"""Where, inside the workspace folder, results are kept between runs."""

Stamp = tuple[int, str]
"""What a result is valid for: the data version and the day it was computed on (ISO)."""
Compute = Callable[["Workspace"], "pl.DataFrame"]
"""Computes a result on the workspace it is given (the caller's, or the background one)."""


@dataclass
class Freshness:
    """How fresh the results served inside one :meth:`ResultCacheMixin.serve_stale` block are.

    Attributes
    ----------
    updated_at
        When the oldest result served was computed (UTC); ``None`` when none was served.
    refreshing
        Whether a result older than the data was served; a newer one is being computed
        in the background.
    """

    updated_at: dt.datetime | None = None
    refreshing: bool = False

    def saw(self, computed_at: dt.datetime, *, stale: bool) -> None:
        if self.updated_at is None or computed_at < self.updated_at:
            self.updated_at = computed_at
        self.refreshing = self.refreshing or stale


@dataclass(frozen=True)
class _Entry:
    stamp: Stamp
    frame: pl.DataFrame
    computed_at: dt.datetime


class _Refresher:
    """One background thread that recomputes stale results on a workspace of its own."""

    def __init__(self, owner: ResultCacheMixin) -> None:
        self.owner = owner
        self.jobs: queue.Queue[tuple[Hashable, Compute] | None] = queue.Queue()
        self.pending: set[Hashable] = set()
        self.lock = threading.Lock()
        self.idle = threading.Event()
        self.idle.set()
        self.twin: Workspace | None = None
        self.thread = threading.Thread(target=self._run, name="tenure-results", daemon=True)
        self.thread.start()

    def submit(self, full: Hashable, compute: Compute) -> None:
        with self.lock:
            if full in self.pending:
                return
            self.pending.add(full)
            self.idle.clear()
        self.jobs.put((full, compute))

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:
                break
            full, compute = job
            try:
                self._refresh(full, compute)
            except Exception:
                pass
            finally:
                with self.lock:
                    self.pending.discard(full)
                    if not self.pending:
                        self.idle.set()
        if self.twin is not None:
            self.twin.close()

    def _refresh(self, full: Hashable, compute: Compute) -> None:
        if self.twin is None:
            from tenure.workspace import Workspace

            self.twin = Workspace(self.owner.settings, clock=self.owner.clock)
        twin = self.twin
        stamp = twin._stamp()
        with self.owner._cache_lock():
            hit = self.owner._cache().get(full)
        if hit is not None and hit.stamp == stamp:
            return  # another request computed it meanwhile
        frame = compute(twin)
        self.owner._keep(full, _Entry(stamp, frame, self.owner.clock.now()))

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=60)


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the code that computes the results: another Tenure reads none of ours."""
    import tenure

    package = Path(tenure.__file__).parent
    h = hashlib.sha256()
    for path in sorted(
        [*(package / "metrics").glob("*.py"), *(package / "workspace").glob("*.py")]
    ):
        h.update(path.read_bytes())
    return h.hexdigest()


class ResultCacheMixin:
    settings: Settings
    clock: Clock
    _results: OrderedDict[Hashable, _Entry]
    _fx_checked: dict[Hashable, int]

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

        @property
        def root(self) -> Path: ...

    def data_version(self) -> int:
        """How many loads the warehouse has had; it moves whenever data is added."""
        value = self.warehouse.table("ingests").count().to_pyarrow().as_py()
        return int(value or 0)

    def _stamp(self) -> Stamp:
        return (self.data_version(), self.clock.now().date().isoformat())

    def _check_currencies_once(self, as_of: Hashable, check: Callable[[], None]) -> None:
        """Run ``check`` (the exchange-rate check of the MRR series) once per data version.

        It reads every billed line, so it costs more than a series; its answer changes
        only with the data, the day and the settings.
        """
        key = (as_of, self.settings.reporting_currency, self.settings.metrics.model_dump_json())
        version = self.data_version()
        checked: dict[Hashable, int] | None = getattr(self, "_fx_checked", None)
        if checked is None:
            checked = {}
            self._fx_checked = checked
        if checked.get(key) == version:
            return
        check()  # raises DataError naming a currency that cannot be converted
        checked[key] = version

    # -- serving stale results --------------------------------------------------------------

    @contextlib.contextmanager
    def serve_stale(self) -> Iterator[Freshness]:
        """Inside this block, results older than the data are served and recomputed behind.

        A result computed before the latest load is returned at once, and a thread of
        the workspace recomputes it on its own connection; the next read gets the new
        one. A result never computed is computed before it is returned. The yielded
        :class:`Freshness` says when the oldest result served was computed. An in-memory
        DuckDB warehouse has no second connection: its results are always fresh.

        Examples
        --------
        >>> with ws.serve_stale() as fresh:  # doctest: +SKIP
        ...     series = ws.metrics(interval="month")
        >>> fresh.updated_at, fresh.refreshing  # doctest: +SKIP
        """
        fresh = Freshness()
        before = getattr(self, "_serving", None)
        self._serving: Freshness | None = fresh
        try:
            yield fresh
        finally:
            self._serving = before

    def wait_for_results(self, timeout: float | None = None) -> bool:
        """Wait until the background recomputation has nothing left to do (for tests, benches).

        Returns whether it finished within ``timeout`` seconds.
        """
        refresher: _Refresher | None = getattr(self, "_refresher", None)
        return refresher is None or refresher.idle.wait(timeout)

    def close_results(self) -> None:
        """Stop the background thread and close its connection (``Workspace.close`` does)."""
        refresher: _Refresher | None = getattr(self, "_refresher", None)
        if refresher is not None:
            refresher.close()
            self._refresher: _Refresher | None = None

    # -- the cache ---------------------------------------------------------------------------

    def _cache_lock(self) -> threading.Lock:
        lock: threading.Lock | None = getattr(self, "_results_lock", None)
        if lock is None:
            lock = threading.Lock()
            self._results_lock = lock
        return lock

    def _cache(self) -> OrderedDict[Hashable, _Entry]:
        cache: OrderedDict[Hashable, _Entry] | None = getattr(self, "_results", None)
        if cache is None:
            cache = OrderedDict()
            self._results = cache
        return cache

    def _keep(self, full: Hashable, entry: _Entry) -> None:
        with self._cache_lock():
            cache = self._cache()
            cache[full] = entry
            cache.move_to_end(full)
            while len(cache) > _SIZE:
                cache.popitem(last=False)
        self._write(full, entry)

    def _can_serve_stale(self) -> bool:
        return self.settings.warehouse_url() != "duckdb://:memory:"

    def _cached_frame(self, key: Hashable, compute: Compute) -> pl.DataFrame:
        """``compute(self)``, or its result for the same ``key`` at the same data version.

        Inside :meth:`serve_stale`, a result of an older version is returned and
        ``compute`` runs again in the background, on another workspace of the warehouse.
        """
        self._cache_lock()  # made here, before any background thread may need it
        full = (key, self.settings.reporting_currency, self.settings.metrics.model_dump_json())
        stamp = self._stamp()
        with self._cache_lock():
            hit = self._cache().get(full)
        if hit is None:
            hit = self._read(full)
            if hit is not None:
                with self._cache_lock():
                    self._cache()[full] = hit
        serving: Freshness | None = getattr(self, "_serving", None)
        if hit is not None and hit.stamp == stamp:
            with self._cache_lock():
                self._cache().move_to_end(full)
            if serving is not None:
                serving.saw(hit.computed_at, stale=False)
            return hit.frame.clone()
        if hit is not None and serving is not None and self._can_serve_stale():
            refresher: _Refresher | None = getattr(self, "_refresher", None)
            if refresher is None:
                refresher = self._refresher = _Refresher(self)
            refresher.submit(full, compute)
            serving.saw(hit.computed_at, stale=True)
            return hit.frame.clone()
        entry = _Entry(stamp, compute(self), self.clock.now())  # type: ignore[arg-type]
        self._keep(full, entry)
        if serving is not None:
            serving.saw(entry.computed_at, stale=False)
        return entry.frame.clone()

    # -- kept between runs ---------------------------------------------------------------------

    def _paths(self, full: Hashable) -> tuple[Path, Path]:
        name = hashlib.sha256((_code_fingerprint() + repr(full)).encode()).hexdigest()[:32]
        folder = self.root / RESULTS_FOLDER
        return folder / f"{name}.parquet", folder / f"{name}.json"

    def _write(self, full: Hashable, entry: _Entry) -> None:
        """Keep ``entry`` on disk; a folder that cannot be written just keeps nothing."""
        if not self._can_serve_stale():
            return
        data, meta = self._paths(full)
        with contextlib.suppress(OSError):
            data.parent.mkdir(parents=True, exist_ok=True)
            part = data.with_suffix(f".{threading.get_ident()}.tmp")
            entry.frame.write_parquet(part)
            part.replace(data)
            text = json.dumps(
                {
                    "key": repr(full),
                    "version": entry.stamp[0],
                    "day": entry.stamp[1],
                    "computed_at": entry.computed_at.isoformat(),
                }
            )
            meta.write_text(text, encoding="utf-8")

    def _read(self, full: Hashable) -> _Entry | None:
        """The entry kept on disk by an earlier run, if any (and readable)."""
        if not self._can_serve_stale():
            return None
        import polars as pl

        data, meta = self._paths(full)
        try:
            found: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
            if found.get("key") != repr(full):
                return None
            frame = pl.read_parquet(data)
            computed_at = dt.datetime.fromisoformat(found["computed_at"])
            return _Entry((int(found["version"]), str(found["day"])), frame, computed_at)
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            return None

"""Results of the metric reads kept until the warehouse's data changes.

Mixed into :class:`tenure.Workspace`. Every load into the warehouse (a file, a Segment
batch, a Stripe event) adds one row to its ``ingests`` log, so the number of rows there
is a version of the data: a result computed at one version is returned again, without
compiling or running its query, until the version moves. The dashboard asks for the
same series and cohorts many times between two loads; compiling the Ibis expression of
a series costs far more than running it on a 10k-customer workspace.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from tenure.config import Settings
    from tenure.store import Warehouse

__all__ = ["ResultCacheMixin"]

_SIZE = 64


class ResultCacheMixin:
    settings: Settings
    _results: OrderedDict[Hashable, tuple[int, Any]]
    _fx_checked: dict[Hashable, int]

    if TYPE_CHECKING:  # what the mixin reads from Workspace, declared for type checkers

        @property
        def warehouse(self) -> Warehouse: ...

    def data_version(self) -> int:
        """How many loads the warehouse has had; it moves whenever data is added."""
        value = self.warehouse.table("ingests").count().to_pyarrow().as_py()
        return int(value or 0)

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

    def _cached_frame(self, key: Hashable, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """``compute()``, or its result for the same ``key`` at the same data version."""
        cache: OrderedDict[Hashable, tuple[int, Any]] | None = getattr(self, "_results", None)
        if cache is None:
            cache = OrderedDict()
            self._results = cache
        version = self.data_version()
        full = (key, self.settings.reporting_currency, self.settings.metrics.model_dump_json())
        hit = cache.get(full)
        if hit is not None and hit[0] == version:
            cache.move_to_end(full)
            frame: pl.DataFrame = hit[1]
            return frame.clone()
        frame = compute()
        cache[full] = (version, frame)
        cache.move_to_end(full)
        while len(cache) > _SIZE:
            cache.popitem(last=False)
        return frame.clone()

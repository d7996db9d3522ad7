"""The discount uplift the cancel flow uses: every paying customer scored once, then looked up.

Mixed into :class:`tenure.Workspace` (docs/cancel-flow.md, "The uplift in the flow"). When
a discount uplift model is trained (``tenure offers train``), answering a cancel flow's
survey needs the customer's predicted uplift. Building the day's feature frame for one
customer per request would take seconds, so :meth:`FlowUpliftMixin.flow_uplift` scores
*every* paying customer once per (data version, scoring day, model) with
:meth:`~tenure.workspace._offer_uplift.OfferUpliftMixin.offer_uplift`, keeps the scores in
memory on the workspace and in ``cache/flow_uplift/`` (so a restarted server does not
score again), and answers each flow with a dictionary look-up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from tenure.config import Settings

__all__ = ["FlowUpliftMixin"]

_MODEL_METADATA = Path("models") / "offer_uplift" / "metadata.json"
_CACHE_DIR = Path("cache") / "flow_uplift"


class FlowUpliftMixin:
    """The cancel flow's per-customer uplift look-up (scores kept per data version and day)."""

    settings: Settings
    _flow_uplift_scores: tuple[str, dict[str, float]] | None = None
    _flow_accept_scores: tuple[str, dict[str, float]] | None = None

    if TYPE_CHECKING:

        @property
        def root(self) -> Path: ...

        def scoring_day(self) -> dt.date: ...

        def data_version(self) -> int: ...

        def offer_uplift(
            self, customer_ids: list[str] | None = None, *, as_of: dt.date | None = None
        ) -> pl.DataFrame: ...

    def _flow_uplift_key(self) -> str | None:
        """What the kept scores depend on, or None when no uplift model is trained."""
        metadata = self.root / _MODEL_METADATA
        if not metadata.exists():
            return None
        model = hashlib.sha256(metadata.read_bytes()).hexdigest()[:16]
        return json.dumps(
            {
                "data_version": self.data_version(),
                "day": self.scoring_day().isoformat(),
                "model": model,
                "features": self.settings.features.model_dump(mode="json"),
                "currency": self.settings.reporting_currency,
            },
            sort_keys=True,
        )

    def flow_uplift_scores(self) -> dict[str, float] | None:
        """Every paying customer's predicted discount uplift today; None without a model.

        Scored once per data version, scoring day and model, then kept in memory and in
        ``cache/flow_uplift/``.
        """
        key = self._flow_uplift_key()
        if key is None:
            return None
        held = self._flow_uplift_scores
        if held is not None and held[0] == key:
            return held[1]
        folder = self.root / _CACHE_DIR
        stamp, scores_file = folder / "key.json", folder / "scores.parquet"
        if stamp.exists() and stamp.read_text(encoding="utf-8") == key:
            frame = pl.read_parquet(scores_file)
        else:
            frame = self.offer_uplift().select("customer_id", "uplift", "accept_probability")
            folder.mkdir(parents=True, exist_ok=True)
            stamp.unlink(missing_ok=True)
            frame.write_parquet(scores_file)
            stamp.write_text(key, encoding="utf-8")  # written last: marks a complete table
        ids = frame["customer_id"].to_list()
        scores = dict(zip(ids, frame["uplift"].to_list(), strict=True))
        self._flow_uplift_scores = (key, scores)
        accept = frame["accept_probability"] if "accept_probability" in frame.columns else None
        self._flow_accept_scores = (
            key,
            {} if accept is None else dict(zip(ids, accept.to_list(), strict=True)),
        )
        return scores

    def flow_uplift(self, customer_id: str) -> float | None:
        """``customer_id``'s predicted discount uplift for a cancel flow.

        None when no discount uplift model is trained, or the model did not score the
        customer (not paying on the scoring day): the flow then uses ``[offers]
        default_uplift``.
        """
        scores = self.flow_uplift_scores()
        if scores is None:
            return None
        value = scores.get(customer_id)
        return None if value is None else float(value)

    def flow_accept_probability(self, customer_id: str) -> float | None:
        """``customer_id``'s predicted chance of accepting a discount when offered.

        Scored with the uplift (:meth:`flow_uplift_scores`); None without a model or a
        score, and the flow then counts the discount's cost in full.
        """
        if self.flow_uplift_scores() is None or self._flow_accept_scores is None:
            return None
        value = self._flow_accept_scores[1].get(customer_id)
        return None if value is None else float(value)

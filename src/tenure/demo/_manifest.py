"""The manifest of a generated demo world (``OUT/manifest.json``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST_NAME", "DemoManifest"]

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class DemoManifest:
    """What :func:`tenure.demo.generate` wrote, and what ingesting it should yield.

    Parameters
    ----------
    out
        The folder the world was written to (not stored in ``manifest.json``, so that
        the same arguments give byte-identical files wherever they are written).
    seed, customers, months
        The arguments the world was generated with.
    start, end
        The world covers ``[start, end)``; every event happened in it.
    stripe_shape
        ``"current"`` (2025+ Stripe API) or ``"legacy"`` (2024-06-20).
    stripe_api_version
        The ``api_version`` stamped on the Stripe events.
    counts
        Rows the warehouse should hold after ingesting the folder, per table
        (distinct ids; ``subscription_items`` counts every item id seen in any
        subscription snapshot, final or in an event).
    files
        Records per written file (JSON lines, CSV rows without the header, parquet rows),
        keyed by path relative to ``out``.
    """

    out: Path
    seed: int
    customers: int
    months: int
    start: dt.date
    end: dt.date
    stripe_shape: str
    stripe_api_version: str
    counts: Mapping[str, int]
    files: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        """The manifest as written to ``manifest.json`` (without ``out``)."""
        return {
            "generator": "tenure.demo",
            "format_version": 1,
            "seed": self.seed,
            "customers": self.customers,
            "months": self.months,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "stripe_shape": self.stripe_shape,
            "stripe_api_version": self.stripe_api_version,
            "counts": dict(self.counts),
            "files": dict(self.files),
        }

    def write(self) -> Path:
        """Write ``manifest.json`` into :attr:`out` and return its path."""
        path = self.out / MANIFEST_NAME
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, out: Path) -> DemoManifest:
        """Read the manifest of the demo world in folder ``out``.

        Examples
        --------
        >>> import tempfile
        >>> from tenure.demo import generate
        >>> folder = Path(tempfile.mkdtemp())
        >>> written = generate(folder, customers=20, months=3)
        >>> DemoManifest.read(folder) == written
        True
        """
        raw = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        return cls(
            out=out,
            seed=int(raw["seed"]),
            customers=int(raw["customers"]),
            months=int(raw["months"]),
            start=dt.date.fromisoformat(raw["start"]),
            end=dt.date.fromisoformat(raw["end"]),
            stripe_shape=str(raw["stripe_shape"]),
            stripe_api_version=str(raw["stripe_api_version"]),
            counts={str(k): int(v) for k, v in raw["counts"].items()},
            files={str(k): int(v) for k, v in raw["files"].items()},
        )

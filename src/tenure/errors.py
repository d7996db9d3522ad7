"""Tenure's exception tree.

Every error Tenure raises on purpose derives from :class:`TenureError`, so callers
can catch one root. The tree::

    TenureError
    ├── ConfigError(location)            a tenure.toml field or TENURE_* variable is wrong
    │   └── SegmentError(segment, column)    a segment rule or name cannot be used
    ├── DataError                        input data cannot be used
    │   ├── SchemaError                  a table or column does not match its contract
    │   ├── SignatureError               a webhook's signature is missing, stale or wrong
    │   └── IngestError(file, line, field)   a file cannot be ingested at all
    │       └── UnknownFormatError           its format cannot be told
    ├── StoreError                       the warehouse or operational store failed
    ├── NotFoundError                    an id or name does not exist (or is another tenant's)
    ├── ConflictError                    a step that does not follow the current state
    ├── ModelError
    │   └── NotFittedError               (also an AttributeError, as in scikit-learn)
    ├── DeliveryError                    a message could not be delivered
    ├── ExperimentError
    └── MissingDependencyError           an optional extra is not installed (also ImportError)

Messages say what was wrong, where, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ConfigError",
    "ConflictError",
    "DataError",
    "DeliveryError",
    "ExperimentError",
    "IngestError",
    "Location",
    "MissingDependencyError",
    "ModelError",
    "NotFittedError",
    "NotFoundError",
    "SchemaError",
    "SegmentError",
    "SignatureError",
    "StoreError",
    "TenureError",
    "UnknownFormatError",
]


@dataclass(frozen=True)
class Location:
    """Where a problem was found: a file, a line in it and a field."""

    file: Path | str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field is not None:
            parts.append(self.field)
        return ", ".join(parts)


class TenureError(Exception):
    """Root of every error Tenure raises on purpose."""

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{message} ({location})" if location and str(location) else message)


class ConfigError(TenureError, ValueError):
    """A setting in ``tenure.toml`` or a ``TENURE_*`` variable is invalid."""


class SegmentError(ConfigError):
    """A segment's rule does not parse or type-check, or a segment name is wrong.

    ``segment`` is the segment's name and ``column`` the 1-based column in its rule
    where the problem is (None when the problem is not in the rule).
    """

    def __init__(
        self,
        message: str,
        *,
        segment: str | None = None,
        column: int | None = None,
        location: Location | None = None,
    ) -> None:
        self.segment = segment
        self.column = column
        super().__init__(message, location=location)


class DataError(TenureError, ValueError):
    """Input data cannot be used as it is."""


class SchemaError(DataError):
    """A table, column or type does not match the canonical data model."""


class SignatureError(DataError):
    """A webhook's signature header is missing or malformed, too old, or matches no secret."""


class IngestError(DataError):
    """A file could not be ingested at all (a fatal error, not a rejected row)."""


class UnknownFormatError(IngestError):
    """The format of a file cannot be told from its name or content."""


class StoreError(TenureError):
    """The warehouse or the operational store failed."""


class NotFoundError(TenureError, LookupError):
    """An id or name does not exist, or belongs to another tenant (the API answers 404)."""


class ConflictError(TenureError):
    """A step that does not follow the current state, e.g. a cancel flow answered twice.

    The API answers 409; the message names the state and the step that comes next.
    """


class ModelError(TenureError):
    """A model could not be fitted, saved, loaded or applied."""


class NotFittedError(ModelError, AttributeError):
    """A model was used before ``fit``."""


class DeliveryError(TenureError):
    """A message (e-mail, webhook, in-app) could not be delivered."""


class ExperimentError(TenureError):
    """An experiment or holdout is misconfigured."""


class MissingDependencyError(TenureError, ImportError):
    """An optional part is not installed; the message names the extra to install."""

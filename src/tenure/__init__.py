"""Tenure: a retention engine for subscription businesses.

The public surface is small: open a :class:`Workspace` and call it. Names are
imported lazily so that ``tenure --help`` does not load DuckDB or Ibis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenure.config import Settings
    from tenure.errors import TenureError
    from tenure.workspace import Workspace

__all__ = ["Settings", "TenureError", "Workspace", "__version__"]
__version__ = "0.1.0"

_LAZY = {
    "Settings": "tenure.config",
    "TenureError": "tenure.errors",
    "Workspace": "tenure.workspace",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tenure' has no attribute {name!r}")

"""Saved models: a folder with the fitted estimator and a ``metadata.json`` describing it.

Layout of a model folder::

    model.joblib      the fitted estimator (joblib pickle)
    metadata.json     format, model class, created_at, features, window, metrics,
                      library versions, sha256 of model.joblib, and the caller's keys

:func:`load_model` checks the folder before unpickling: both files must be there, the
metadata must be valid, and ``model.joblib`` must match its recorded checksum (a truncated
or swapped file is reported, not unpickled). A model saved with other versions of Tenure,
scikit-learn or LightGBM still loads, with a :class:`ModelVersionWarning`.

Unpickling runs code: load only models you (or your own pipeline) saved.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import joblib  # type: ignore[import-untyped]
import sklearn.exceptions

from tenure.clock import Clock, SystemClock
from tenure.errors import Location, ModelError

__all__ = [
    "METADATA_FILE",
    "MODEL_FILE",
    "ModelArtifact",
    "ModelVersionWarning",
    "load_model",
    "save_model",
]

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
FORMAT = 1
_RESERVED = ("format", "model_class", "created_at", "versions", "sha256", "params")
_CHECKED_VERSIONS = ("tenure", "scikit-learn", "lightgbm")


class ModelVersionWarning(UserWarning):
    """A saved model was made with other library versions than the ones running now."""


@dataclass(frozen=True)
class ModelArtifact:
    """A saved model: the fitted estimator, its metadata and its folder."""

    model: Any
    metadata: dict[str, Any]
    path: Path

    @property
    def features(self) -> list[str]:
        """The input columns the model expects, in order."""
        return list(self.metadata.get("features", []))


def versions() -> dict[str, str]:
    """Versions of Python and the libraries a saved model depends on."""
    found = {"python": platform.python_version()}
    for package in ("tenure", "scikit-learn", "lightgbm", "numpy", "pandas"):
        try:
            found[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:  # pragma: no cover
            found[package] = "not installed"
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str | int | bool) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _json_safe(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _feature_names(model: Any) -> list[str]:
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    encoder = getattr(model, "encoder_", None)
    if encoder is not None:
        return list(encoder.names_)
    return [f"x{i}" for i in range(int(getattr(model, "n_features_in_", 0)))]


def save_model(
    model: Any,
    directory: Path | str,
    metadata: Mapping[str, Any] | None = None,
    *,
    clock: Clock | None = None,
) -> ModelArtifact:
    """Write a fitted ``model`` and its metadata to ``directory`` (created if missing).

    Parameters
    ----------
    model
        A fitted estimator.
    directory
        The model folder; files already there are replaced.
    metadata
        The caller's description, saved as given (JSON): typically ``window`` (the
        training window, or ``"tabular"``), ``metrics``, ``target``. ``features``
        defaults to the model's input columns. The keys ``format``, ``model_class``,
        ``created_at``, ``versions``, ``sha256`` and ``params`` are written by Tenure.
    clock
        Source of ``created_at``.

    Raises
    ------
    ModelError
        When ``model`` is not fitted, a reserved key is given, or the folder cannot be
        written.
    """
    if not hasattr(model, "n_features_in_"):
        raise ModelError(f"only a fitted model can be saved; fit this {type(model).__name__} first")
    given = dict(metadata or {})
    clash = [key for key in _RESERVED if key in given]
    if clash:
        raise ModelError(f"metadata keys {', '.join(clash)} are written by save_model; rename them")
    folder = Path(directory)
    now = (clock or SystemClock()).now()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / (MODEL_FILE + ".partial")
        joblib.dump(model, partial)
        digest = _sha256(partial)
        cls = type(model)
        meta = {
            "format": FORMAT,
            "model_class": f"{cls.__module__}.{cls.__qualname__}",
            "created_at": now.isoformat(),
            "features": _feature_names(model),
            "window": None,
            "metrics": {},
            **given,
            "params": model.get_params() if hasattr(model, "get_params") else {},
            "versions": versions(),
            "sha256": digest,
        }
        meta = _json_safe(meta)
        text = json.dumps(meta, indent=2, allow_nan=False) + "\n"
        (folder / (METADATA_FILE + ".partial")).write_text(text, encoding="utf-8")
        partial.replace(folder / MODEL_FILE)
        (folder / (METADATA_FILE + ".partial")).replace(folder / METADATA_FILE)
    except OSError as exc:
        raise ModelError(
            f"cannot save the model to {folder}: {exc.strerror or exc}",
            location=Location(file=folder),
        ) from exc
    return ModelArtifact(model=model, metadata=meta, path=folder)


def load_model(directory: Path | str) -> ModelArtifact:
    """Read a model folder written by :func:`save_model`.

    Raises
    ------
    ModelError
        When the folder, ``model.joblib`` or ``metadata.json`` is missing, the metadata
        is not valid, or the model file does not match its checksum or cannot be read.

    Warns
    -----
    ModelVersionWarning
        When the model was saved with another version of Tenure, scikit-learn or
        LightGBM; refit it to be sure predictions are unchanged.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise ModelError(
            f"no saved model at {folder}: the folder does not exist "
            "(save one with 'tenure churn fit --save DIR' or 'tenure uplift fit --save DIR')",
            location=Location(file=folder),
        )
    meta_path, model_path = folder / METADATA_FILE, folder / MODEL_FILE
    for path in (meta_path, model_path):
        if not path.is_file():
            raise ModelError(
                f"{folder} is not a saved model: {path.name} is missing",
                location=Location(file=path),
            )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"{METADATA_FILE} is not valid JSON: {exc.msg}",
            location=Location(file=meta_path, line=exc.lineno),
        ) from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ModelError(
            f"{METADATA_FILE} has format {found!r}; this Tenure reads format {FORMAT}",
            location=Location(file=meta_path, field="format"),
        )
    if meta.get("sha256") != _sha256(model_path):
        raise ModelError(
            f"{MODEL_FILE} does not match the checksum in {METADATA_FILE}: the file is "
            "damaged or was replaced; save the model again",
            location=Location(file=model_path),
        )
    _warn_versions(meta, folder)
    try:
        with warnings.catch_warnings():
            # reported once, by _warn_versions, with the versions that differ
            warnings.simplefilter("ignore", sklearn.exceptions.InconsistentVersionWarning)
            model = joblib.load(model_path)
    except Exception as exc:  # unpickling can fail in many ways; all mean the same here
        raise ModelError(
            f"cannot load {MODEL_FILE}: {type(exc).__name__}: {exc}",
            location=Location(file=model_path),
        ) from exc
    if not hasattr(model, "predict"):
        raise ModelError(
            f"{MODEL_FILE} holds a {type(model).__name__}, not a model with predict",
            location=Location(file=model_path),
        )
    return ModelArtifact(model=model, metadata=meta, path=folder)


def _warn_versions(meta: Mapping[str, Any], folder: Path) -> None:
    saved = meta.get("versions") or {}
    running = versions()
    differ = [
        f"{name} {saved.get(name)} (running {running[name]})"
        for name in _CHECKED_VERSIONS
        if saved.get(name) != running[name]
    ]
    if differ:
        warnings.warn(
            f"the model in {folder} was saved with {', '.join(differ)}; it is loaded, but "
            "predictions may differ: fit it again to be sure",
            ModelVersionWarning,
            stacklevel=3,
        )

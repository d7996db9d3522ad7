"""Errors as RFC 9457 ``application/problem+json``, each saying what to fix.

Route code raises :class:`ProblemError` (auth, scope, limits) or lets a
:class:`~tenure.errors.TenureError` through; the handlers installed by
:func:`install_error_handlers` turn both, and request validation errors, into a
problem document. A 422 names the field (``errors[].field``, dotted as in the body).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tenure.errors import (
    ConfigError,
    ConflictError,
    DataError,
    NotFoundError,
    SegmentError,
    SignatureError,
    StoreError,
    TenureError,
)

__all__ = ["PROBLEM_JSON", "ProblemError", "install_error_handlers", "problem_response"]

PROBLEM_JSON = "application/problem+json"
_log = logging.getLogger("tenure.api")


class ProblemError(Exception):
    """An HTTP error with an RFC 9457 body; ``detail`` says what to fix."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        errors: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.errors = list(errors or ())
        super().__init__(detail)


def problem_response(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    errors: Sequence[dict[str, Any]] | None = None,
) -> JSONResponse:
    """A problem document: ``type``, ``title``, ``status``, ``detail``, ``instance``."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if errors:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field(loc: Sequence[str | int]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


_TYPES = {"track", "identify", "page", "screen", "group", "alias"}


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        # a tagged union puts the tag in the path (batch.0.track.event): leave it out
        loc = [
            p
            for i, p in enumerate(loc)
            if not (i > 0 and isinstance(loc[i - 1], int) and p in _TYPES)
        ]
        errors.append({"field": _field(loc), "message": str(err.get("msg", "is invalid"))})
    return errors


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    first = errors[0] if errors else {"field": "body", "message": "is invalid"}
    detail = (
        f"The field {first['field']!r} is invalid: {first['message']}. Fix it and send the "
        "request again"
    )
    if len(errors) > 1:
        detail += f" ({len(errors) - 1} more problem(s) in 'errors')"
    return problem_response(422, detail, instance=request.url.path, errors=errors)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status,
        exc.detail,
        instance=request.url.path,
        headers=exc.headers,
        errors=exc.errors,
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404:
        detail = f"there is no resource at {request.url.path}; see /docs for the API"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}; see /docs"
    return problem_response(exc.status_code, detail, instance=request.url.path, headers=exc.headers)


_PARAMETER = re.compile(r"^The '(\w+)' parameter")


def _config_errors(exc: ConfigError) -> list[dict[str, Any]]:
    """``errors[]`` for a library ``ConfigError``: the field from its location or wording."""
    message = str(exc)
    if isinstance(exc, SegmentError) and exc.column is not None:
        return [{"field": "rule", "message": message, "column": exc.column}]
    field = exc.location.field if exc.location is not None else None
    if field is None and (match := _PARAMETER.match(message)):
        field = match.group(1)
    return [{"field": field, "message": message}] if field else []


async def _on_tenure(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TenureError)
    status = 400
    errors: list[dict[str, Any]] = []
    if isinstance(exc, NotFoundError):
        status = 404
    elif isinstance(exc, ConflictError):
        status = 409
    elif isinstance(exc, SignatureError):
        status = 400  # Stripe's own answer to a delivery that is not signed right
    elif isinstance(exc, ConfigError | DataError):
        status = 422
        if isinstance(exc, ConfigError):
            errors = _config_errors(exc)
    elif isinstance(exc, StoreError):
        status = 503
        _log.error("store error on %s: %s", request.url.path, exc, exc_info=exc)
    return problem_response(status, str(exc), instance=request.url.path, errors=errors)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return problem_response(
        500,
        "the server failed unexpectedly; the error is in the server log. Retry later or "
        "report it with the time of the request",
        instance=request.url.path,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` with a problem document."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(TenureError, _on_tenure)
    app.add_exception_handler(Exception, _on_unexpected)

"""Dependencies: the deployment, the authenticated key and its tenant, the tenant's workspace.

Every route that touches data takes one of the ``*Dep`` types below, so every query
is scoped to the key's tenant: a route never sees a tenant id from the request.

- ``EventsKeyDep``: a publishable key, or a secret key with ``write`` or ``admin``.
- ``ReadKeyDep`` / ``WriteKeyDep`` / ``AdminKeyDep``: a secret key with that scope.
- ``WorkspaceDep``: the workspace of a ``read`` key's tenant.
- ``WriteWorkspaceDep``: the workspace of a ``write`` key's tenant (to change definitions).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from tenure.api.errors import ProblemError
from tenure.api.limits import RateLimiter, retry_after
from tenure.store.operational import ApiKey, Scope, Tenant
from tenure.workspace import Deployment, Workspace

__all__ = [
    "AdminKeyDep",
    "DeploymentDep",
    "EventsKeyDep",
    "Principal",
    "PrincipalDep",
    "ReadKeyDep",
    "WorkspaceDep",
    "WriteKeyDep",
    "WriteWorkspaceDep",
]

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tenure", Basic realm="tenure"'}
# Declares the scheme in the OpenAPI document; the header is parsed below (Bearer or Basic).
_bearer = HTTPBearer(auto_error=False, description="A Tenure API key (tn_pk_... or tn_sk_...)")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key and its tenant."""

    key: ApiKey
    tenant: Tenant


def get_deployment(request: Request) -> Deployment:
    deployment: Deployment = request.app.state.deployment
    return deployment


DeploymentDep = Annotated[Deployment, Depends(get_deployment)]


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, detail, headers=_CHALLENGE)


def _credentials(header: str | None) -> str:
    """The key from ``Bearer KEY`` or Basic auth with the key as user name."""
    if not header:
        raise _unauthorized(
            "send an API key as 'Authorization: Bearer KEY', or as the user name of Basic "
            "auth (as Segment and Stripe clients do); 'tenure keys create' makes one"
        )
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            user = base64.b64decode(value, validate=True).decode("utf-8").partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            user = ""
        if user:
            return user
        raise _unauthorized(
            "the Basic credentials must be base64 of 'KEY:' (the API key as user name, "
            "an empty password)"
        )
    raise _unauthorized("the Authorization header must be 'Bearer KEY' or 'Basic ...'")


def get_principal(
    request: Request,
    deployment: DeploymentDep,
    _scheme: Annotated[object, Depends(_bearer)] = None,
) -> Principal:
    """Authenticate the request's key, then spend one token of its rate limit."""
    key = deployment.store.authenticate(_credentials(request.headers.get("authorization")))
    if key is None:
        raise _unauthorized("the API key is not valid; check it was copied whole")
    if key.revoked_at is not None:
        raise _unauthorized("the API key was revoked; create a new one with 'tenure keys create'")
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.take(key.id)
    if wait > 0:
        raise ProblemError(
            429,
            f"this key sent more than {limiter.rate:g} requests a second (burst "
            f"{limiter.burst}); wait {retry_after(wait)} s (Retry-After) or send events in "
            "batches",
            headers={"Retry-After": retry_after(wait)},
        )
    tenants: dict[str, Tenant] = request.app.state.tenants
    tenant = tenants.get(key.tenant_id)
    if tenant is None:
        tenant = tenants[key.tenant_id] = deployment.store.tenant_by_id(key.tenant_id)
    return Principal(key, tenant)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _forbidden(key: ApiKey, needed: str) -> ProblemError:
    if key.kind == "publishable":
        return ProblemError(
            403,
            "a publishable key (tn_pk_) may only send events (track, identify, page, "
            f"batch); use a secret key with the {needed!r} scope",
        )
    return ProblemError(
        403,
        f"this key has the {key.scope!r} scope; this request needs {needed!r}. Create a key "
        f"with 'tenure keys create --scope {needed}'",
    )


def get_events_key(principal: PrincipalDep) -> Principal:
    if not principal.key.may_send_events():
        raise _forbidden(principal.key, "write")
    return principal


def _scoped(scope: Scope) -> Callable[[Principal], Principal]:
    def check(principal: PrincipalDep) -> Principal:
        if not principal.key.allows(scope):
            raise _forbidden(principal.key, scope)
        return principal

    check.__name__ = f"require_{scope}"
    return check


EventsKeyDep = Annotated[Principal, Depends(get_events_key)]
ReadKeyDep = Annotated[Principal, Depends(_scoped("read"))]
WriteKeyDep = Annotated[Principal, Depends(_scoped("write"))]
AdminKeyDep = Annotated[Principal, Depends(_scoped("admin"))]


_WAITERS = anyio.CapacityLimiter(256)
"""Threads that may wait for a tenant's workspace lock (apart from the request pool)."""


async def _enter(held: AbstractContextManager[Workspace]) -> Workspace:
    """Enter ``held`` (take a tenant's workspace lock) in a thread of its own pool.

    A workspace is held by a lock for the whole request. Were the lock taken and released
    in the request threadpool (a sync dependency with ``yield``), requests waiting for it
    could fill the pool, and the holder's release, which needs a pool thread too, would
    never run: every read would hang. Here the waiting happens in other threads, and the
    dependencies below release on the event loop. Shielded: a request cancelled while
    waiting still gets to release what it took.
    """
    with anyio.CancelScope(shield=True):
        ws = await anyio.to_thread.run_sync(held.__enter__, limiter=_WAITERS)
    return ws


async def get_workspace(
    principal: ReadKeyDep, deployment: DeploymentDep
) -> AsyncIterator[Workspace]:
    """The workspace of the key's tenant for reading, held for the request.

    Its own connection (:meth:`Deployment.reader`): a read does not wait for a running
    move of events into the warehouse.
    """
    held = deployment.reader(principal.tenant)
    ws = await _enter(held)
    try:
        yield ws
    finally:
        held.__exit__(None, None, None)


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]


async def get_write_workspace(
    principal: WriteKeyDep, deployment: DeploymentDep
) -> AsyncIterator[Workspace]:
    """The workspace of a ``write`` (or ``admin``) key's tenant, held for the request."""
    held = deployment.workspace(principal.tenant)
    ws = await _enter(held)
    try:
        yield ws
    finally:
        held.__exit__(None, None, None)


WriteWorkspaceDep = Annotated[Workspace, Depends(get_write_workspace)]

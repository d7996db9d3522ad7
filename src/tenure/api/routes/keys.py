"""``/v1/keys``: the caller's tenant's API keys (admin scope)."""

from __future__ import annotations

from fastapi import APIRouter

from tenure.api.deps import AdminKeyDep, DeploymentDep
from tenure.api.schemas import ApiKeyCreate, ApiKeyPublic, NewApiKeyPublic
from tenure.store.operational import ApiKey, KeyKind

router = APIRouter(prefix="/keys", tags=["keys"])


def _public(key: ApiKey) -> ApiKeyPublic:
    return ApiKeyPublic(
        id=key.id,
        kind=key.kind,
        scope=key.scope,
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
        last_used_at=key.last_used_at,
    )


@router.get("", summary="The tenant's keys (never the keys themselves)")
def list_keys(key: AdminKeyDep, deployment: DeploymentDep) -> list[ApiKeyPublic]:
    return [_public(k) for k in deployment.store.keys(key.tenant.id)]


@router.post("", status_code=201, summary="Create a key; the key is shown once")
def create_key(body: ApiKeyCreate, key: AdminKeyDep, deployment: DeploymentDep) -> NewApiKeyPublic:
    kind: KeyKind = "publishable" if body.publishable else "secret"
    new = deployment.store.create_key(key.tenant.id, kind=kind, scope=body.scope)
    return NewApiKeyPublic(**_public(new.key).model_dump(), key=new.secret)


@router.delete("/{key_id}", summary="Revoke a key")
def revoke_key(key_id: str, key: AdminKeyDep, deployment: DeploymentDep) -> ApiKeyPublic:
    return _public(deployment.revoke_key(key_id, tenant_id=key.tenant.id))

"""Administration (scope ``admin``): API keys, and the audit trail of every write."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from app.services import audit, keys
from app.services.keys import SCOPES, KeyView
from app.services.reach import MAX_PATTERNS, PATTERN

from .deps import DatabaseDep, InstantParam, Limit, Offset, TextParam
from .errors import secured
from .security import AdminKey, KeyCache

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["Admin"])


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TextParam = Field(min_length=1, max_length=100, examples=["hr-system"])
    scopes: list[str] = Field(
        min_length=1,
        max_length=len(SCOPES),
        description="Any of: " + ", ".join(f"`{s}`" for s in SCOPES) + ".",
        examples=[["payroll:calculate", "payroll:write", "payroll:read"]],
        # The document names the scopes; the service refuses others as INVALID_SCOPES.
        json_schema_extra={"items": {"type": "string", "enum": list(SCOPES)}},
    )
    expires_at: AwareDatetime | None = Field(
        default=None,
        description="When the key stops working, in the future (`422` otherwise); None: never.",
    )
    schemes: list[Annotated[str, StringConstraints(pattern=PATTERN)]] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PATTERNS,
        description="The schemes the key reaches: scheme keys or globs (`acme-*`). Anything "
        "of another scheme answers `404` as if it did not exist. None: every scheme. An "
        "`admin` key cannot be limited.",
        examples=[["acme-sales"]],
    )


class KeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="The key's first characters, to tell keys apart.")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    schemes: list[str] | None = Field(description="The schemes it reaches; null: every scheme.")


class NewKeyOut(KeyOut):
    key: str = Field(description="The secret. Shown this once; only its hash is stored.")


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    key_id: uuid.UUID | None
    key_name: str
    action: str = Field(examples=["payroll_run.approve"])
    object_type: str
    object_id: str
    before_hash: str | None
    after_hash: str | None


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int


def _key(view: KeyView) -> dict[str, object]:
    return {
        "id": view.id,
        "name": view.name,
        "prefix": view.prefix,
        "scopes": list(view.scopes),
        "created_at": view.created_at,
        "expires_at": view.expires_at,
        "revoked_at": view.revoked_at,
        "schemes": None if view.schemes is None else list(view.schemes),
    }


@router.post(
    "/keys",
    operation_id="create_api_key",
    summary="Create an API key",
    description=(
        "Creates a key with a name, scopes and an optional expiry. The answer holds the "
        "secret **once**: only its SHA-256 hash is stored, so a lost key is revoked and "
        "replaced, never recovered."
    ),
    status_code=201,
    response_model=NewKeyOut,
    responses=secured(422),
)
def create_api_key(who: AdminKey, body: KeyRequest, db: DatabaseDep) -> NewKeyOut:
    view, secret = keys.create_key(db, body.name, body.scopes, body.expires_at, who, body.schemes)
    return NewKeyOut.model_validate({**_key(view), "key": secret})


@router.get(
    "/keys",
    operation_id="list_api_keys",
    summary="List API keys",
    description="Every key with its scopes and state; never a secret, nor its hash.",
    response_model=list[KeyOut],
    responses=secured(),
)
def list_api_keys(_: AdminKey, db: DatabaseDep) -> list[KeyOut]:
    return [KeyOut.model_validate(_key(view)) for view in keys.list_keys(db)]


@router.post(
    "/keys/{key_id}/revoke",
    operation_id="revoke_api_key",
    summary="Revoke an API key",
    description=(
        "From now on the key answers `401` (on the other worker processes, within "
        "`COMPCALC_KEY_CACHE_SECONDS`). Revoking it again changes nothing. The last active "
        "`admin` key cannot be revoked (`409 LAST_ADMIN_KEY`): create another admin key first, "
        "so the service never locks its administrators out."
    ),
    response_model=KeyOut,
    responses=secured(404, 409, 422),
)
def revoke_api_key(
    who: AdminKey, key_id: Annotated[uuid.UUID, Path()], db: DatabaseDep, request: Request
) -> KeyOut:
    revoked = keys.revoke_key(db, key_id, who)
    cache: KeyCache = request.app.state.key_cache
    cache.clear()  # this worker refuses the key at once (others within COMPCALC_KEY_CACHE_SECONDS)
    return KeyOut.model_validate(_key(revoked))


@router.get(
    "/audit",
    operation_id="list_audit_events",
    summary="The audit trail",
    description=(
        "Every write, newest first: who (key id and name), what, when, on which object, and "
        "the content hashes before and after. Append-only: the database refuses to change "
        "or delete an event."
    ),
    response_model=AuditPage,
    responses=secured(422),
)
def list_audit_events(
    _: AdminKey,
    db: DatabaseDep,
    action: Annotated[
        TextParam | None, Query(max_length=64, examples=["payroll_run.approve"])
    ] = None,
    object_id: Annotated[TextParam | None, Query(max_length=200)] = None,
    key_id: Annotated[uuid.UUID | None, Query()] = None,
    since: Annotated[InstantParam | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditPage:
    filters = {"action": action, "object_id": object_id, "key_id": key_id}
    events, total = audit.list_events(db, filters, since, limit, offset)
    items = [AuditEventOut.model_validate(event, from_attributes=True) for event in events]
    return AuditPage(items=items, total=total, limit=limit, offset=offset)

"""The organisation policy (docs/rules.md "Policy"): read it, and (scope ``admin``) replace it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.io.read.documents import dump_document
from app.services import policy as policies
from app.services import reach
from app.services.policy import PolicyView, policy_etag

from .body import JSON, YAML, SchemeBody, preferred, scheme_document
from .deps import DatabaseDep
from .errors import secured
from .idempotent import IfMatch
from .openapi import request_body
from .security import AdminKey, SchemesRead

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["Policy"])

_ETAG: Final = re.compile(r'^"policy\.(\d+)"$')


class PolicyOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(description="The version in force; 0: none is stored, defaults apply.")
    default: bool = Field(description="True while no policy is stored (the article's rules).")
    content_hash: str = Field(
        description="`sha256:` of the rules with every default filled in; each validation "
        "report and stored scheme version names the policy it was checked against by it."
    )
    source_format: Literal["yaml", "json"] | None = Field(
        description="How the stored document was written; null for the defaults."
    )
    created_at: datetime | None
    created_by: str | None = Field(description="The API key that stored it (or `cli`).")
    rules: dict[str, Any] = Field(
        description="The policy with every default filled in. For a key limited to schemes, "
        "only the exceptions of the schemes it reaches."
    )
    document: dict[str, Any] | None = Field(
        description="The document as written; null for the defaults and for a key limited to "
        "schemes (it may list other schemes' exceptions)."
    )


def _rules(view: PolicyView) -> dict[str, Any]:
    data: dict[str, Any] = view.policy.model_dump(mode="json")
    limit = reach.current()
    data["exceptions"] = [e for e in data["exceptions"] if limit.covers(e["scheme"])]
    return data


def _answer(view: PolicyView) -> Response:
    body = PolicyOut(
        version=view.version,
        default=view.version == 0,
        content_hash=view.content_hash,
        source_format=None if view.document is None else view.document.format,
        created_at=view.created_at,
        created_by=view.created_by,
        rules=_rules(view),
        document=None,
    ).model_dump_json(exclude={"document"})
    shown = view.document is not None and reach.current().patterns is None
    document = dump_document(view.document.data) if shown and view.document else "null"
    return Response(
        body[:-1] + ',"document":' + document + "}",
        media_type=JSON,
        headers={"ETag": policy_etag(view.version)},
    )


@router.get(
    "/policy",
    operation_id="get_policy",
    summary="The organisation policy in force",
    description=(
        "The company's policy every scheme is checked against: the base-gap band, the "
        "commission order, the attainment at which sales must out-earn the client department, "
        "the structure advice, and the exceptions granted to schemes (docs/rules.md "
        '"Policy"). Version 0 with `default: true` while none is stored. With '
        "`Accept: application/yaml`, the stored document exactly as written. The `ETag` is "
        "what `PUT` wants as `If-Match`."
    ),
    response_model=PolicyOut,
    responses={
        200: {"content": {YAML: {"schema": {"type": "string"}}}},
        **secured(406, 422),
    },
)
def get_policy(_: SchemesRead, request: Request, db: DatabaseDep) -> Response:
    media = preferred(request, [JSON, YAML])
    view = policies.get_policy(db)
    if media == YAML and view.document is not None and reach.current().patterns is None:
        return Response(
            view.document.text, media_type=YAML, headers={"ETag": policy_etag(view.version)}
        )
    return _answer(view)


_POLICY_BODY = request_body(
    "OrganisationPolicy",
    'A policy document (docs/rules.md "Policy") as JSON, or the YAML file itself '
    "(`compcalc-policy.yaml`) with `Content-Type: application/yaml`.",
)


@router.put(
    "/policy",
    operation_id="replace_policy",
    summary="Replace the organisation policy (admin)",
    description=(
        "Stores the document as the next version of the policy (versions are kept; the "
        "highest is in force), from then on the one every draft is checked against and every "
        "publication is refused by when a scheme weakens it (`POLICY_WEAKENED`). Send the "
        "`ETag` of `GET /v1/policy` as `If-Match`: without it `428`, `412` when the policy "
        "changed since. A document with the same rules as the policy in force stores nothing "
        "(`200`, the same version). `422 INVALID_POLICY` lists every error with its pointer, "
        "line and column."
    ),
    response_model=PolicyOut,
    responses=secured(412, 413, 415, 422, 428),
    openapi_extra=_POLICY_BODY,
)
def replace_policy(
    who: AdminKey, body: SchemeBody, db: DatabaseDep, if_match: IfMatch = None
) -> Response:
    expected = _version(if_match)
    doc = scheme_document(body)
    view, _added = policies.put_policy(db, doc, expected, who)
    return _answer(view)


def _version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` names; -1 when it names none (never the current one)."""
    if if_match is None:
        return None
    for tag in if_match.split(","):
        found = _ETAG.match(tag.strip())
        if found:
            return int(found[1])
    return -1

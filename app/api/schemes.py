"""Schemes: validate a document, store versions, publish them, find the one in effect."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app import services
from app.services import Page, SchemeView
from app.services.documents import version_reply

from .body import JSON, YAML, SchemeBody, preferred, scheme_document
from .deps import DatabaseDep, Limit, Offset, TextParam
from .errors import secured
from .examples import ACME_KEY
from .idempotent import IdempotencyKey, IfMatch, once, revision, send
from .inputs import MAX_VERSION
from .openapi import request_body
from .outputs import (
    DiffOut,
    SchemeOut,
    SchemePage,
    SchemeSummary,
    SchemeVersionOut,
    ValidationReport,
)
from .security import SchemesPublish, SchemesRead, SchemesWrite

__all__ = ["router"]

router = APIRouter(prefix="/v1/schemes", tags=["Schemes"])

Key = Annotated[
    TextParam, Path(max_length=64, description="The scheme's key.", examples=[ACME_KEY])
]
Number = Annotated[int, Path(ge=1, le=MAX_VERSION, description="Version number.", examples=[1])]

_SCHEME_BODY = request_body(
    "Scheme",
    "A scheme document (docs/rules.md) as JSON, or the YAML file itself with "
    "`Content-Type: application/yaml`.",
)

# validate_scheme reports on any document, a broken one included (that is what it is for): its
# body is any JSON or YAML value, checked against the `Scheme` schema by the service itself.
_ANY_DOCUMENT = request_body(
    "Scheme",
    "Any document to check, meant to be a scheme (the `Scheme` schema, docs/rules.md), as "
    "JSON or as YAML with `Content-Type: application/yaml`; whatever it holds, the report "
    "says what is wrong with it.",
)
for _media in _ANY_DOCUMENT["requestBody"]["content"].values():
    _media["schema"] = {}


@router.post(
    "/validate",
    operation_id="validate_scheme",
    summary="Check a scheme document",
    description=(
        "Runs every check of the rule language and the article's rules (base gap, commission "
        "order, earnings order, structure) under the organisation policy in force "
        "(`GET /v1/policy`; a scheme may only tighten it, `POLICY_WEAKENED`) on a scheme "
        "document, and computes the break-even "
        "of each comparable sales/client role pair. Answers with the same report as "
        "`compcalc validate --format json`. Always `200` for a document that can be read "
        "(the report says whether it is valid); `422` only when the body cannot be parsed. "
        "Nothing is stored."
    ),
    response_model=ValidationReport,
    responses=secured(413, 415, 422),
    openapi_extra=_ANY_DOCUMENT,
)
def validate_scheme(_: SchemesRead, body: SchemeBody, db: DatabaseDep) -> Response:
    return Response(services.validation_report(db, scheme_document(body)), media_type=JSON)


@router.post(
    "",
    operation_id="create_scheme",
    summary="Store a new scheme (version 1, draft)",
    description=(
        "Stores a scheme document as version 1 of a new scheme, as a **draft**: it can still "
        "be replaced (`PUT`) and must be published before payroll runs use it. The document "
        "must be a valid scheme (`422` lists every error with its pointer, line and column); "
        "the article's checks are reported in `findings` and enforced on publish. `409` when "
        "a scheme with this key exists (add a version instead). With `Idempotency-Key`, a "
        "retry gets the first answer again (`Idempotency-Replayed: true`)."
    ),
    status_code=201,
    response_model=SchemeVersionOut,
    responses=secured(409, 413, 415, 422),
    openapi_extra=_SCHEME_BODY,
)
def create_scheme(
    who: SchemesWrite,
    body: SchemeBody,
    db: DatabaseDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    doc = scheme_document(body)
    repeat = once(request, who, idempotency_key, body.data)
    return send(services.create_scheme(db, doc, who, repeat))


@router.get(
    "",
    operation_id="list_schemes",
    summary="List schemes",
    description="Schemes by key, with their version counts; `key` filters by key prefix.",
    response_model=SchemePage,
    responses=secured(422),
)
def list_schemes(
    _: SchemesRead,
    db: DatabaseDep,
    key: Annotated[TextParam | None, Query(max_length=64, description="Key prefix.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> SchemePage:
    page: Page[SchemeView] = services.list_schemes(db, key, limit, offset)
    items = [SchemeSummary.model_validate(v) for v in page.items]
    return SchemePage(items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.get(
    "/{key}",
    operation_id="get_scheme",
    summary="A scheme and its versions",
    description="The scheme's versions in order, each with its status and effective dates.",
    response_model=SchemeOut,
    responses=secured(404, 422),
)
def get_scheme(_: SchemesRead, key: Key, db: DatabaseDep) -> SchemeOut:
    view = services.get_scheme(db, key)
    return SchemeOut.model_validate(view)


@router.post(
    "/{key}/versions",
    operation_id="create_scheme_version",
    summary="Add a draft version",
    description=(
        "Stores a document as the next version of the scheme, as a draft. The document's "
        "`key` must be the scheme's (`422` otherwise). With `Idempotency-Key`, a retry gets "
        "the first answer again instead of adding another version."
    ),
    status_code=201,
    response_model=SchemeVersionOut,
    responses=secured(404, 409, 413, 415, 422),
    openapi_extra=_SCHEME_BODY,
)
def create_scheme_version(
    who: SchemesWrite,
    key: Key,
    body: SchemeBody,
    db: DatabaseDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    doc = scheme_document(body)
    repeat = once(request, who, idempotency_key, body.data)
    return send(services.add_version(db, key, doc, who, repeat))


@router.get(
    "/{key}/versions/{version}",
    operation_id="get_scheme_version",
    summary="A version, as JSON or as its original text",
    description=(
        "The version with its document and current findings; with "
        "`Accept: application/yaml`, the document exactly as it was sent (YAML or JSON text)."
    ),
    response_model=SchemeVersionOut,
    responses={
        200: {"content": {YAML: {"schema": {"type": "string"}}}},
        **secured(404, 406, 422),
    },
)
def get_scheme_version(
    _: SchemesRead, key: Key, version: Number, request: Request, db: DatabaseDep
) -> Response:
    media = preferred(request, [JSON, YAML])
    view = services.get_version(db, key, version)
    if media == YAML:
        return Response(view.document.text, media_type=YAML)
    return send(version_reply(view))


@router.put(
    "/{key}/versions/{version}",
    operation_id="replace_scheme_version",
    summary="Replace a draft version's document",
    description=(
        "Only a draft can change; a published version answers `409`. Send the version's "
        "`ETag` as `If-Match`: without it `428`, and `412` when the draft changed since (so "
        "two editors never overwrite each other unseen). The answer carries the new `ETag`."
    ),
    response_model=SchemeVersionOut,
    responses=secured(404, 409, 412, 413, 415, 422, 428),
    openapi_extra=_SCHEME_BODY,
)
def replace_scheme_version(
    who: SchemesWrite,
    key: Key,
    version: Number,
    body: SchemeBody,
    db: DatabaseDep,
    if_match: IfMatch = None,
) -> Response:
    expected = revision(if_match, version)
    doc = scheme_document(body)
    return send(services.replace_draft(db, key, version, doc, expected, who))


@router.post(
    "/{key}/versions/{version}/publish",
    operation_id="publish_scheme_version",
    summary="Publish a draft version",
    description=(
        "Runs every check; any error refuses the publication with `422`, listing the errors "
        "(pointers into the version's document) and all `findings`. A published version can "
        "never change again (`409` on any later change, and a database trigger refuses a "
        "direct UPDATE). Needs `If-Match` with the draft's `ETag` (`428` without, `412` when "
        "stale): what is published is what was reviewed. Publishing happens once: of two "
        "concurrent publishes one answers `200`, the other `409`. With `Idempotency-Key`, a "
        "retry gets the first answer again."
    ),
    response_model=SchemeVersionOut,
    responses=secured(404, 409, 412, 422, 428),
)
def publish_scheme_version(
    who: SchemesPublish,
    key: Key,
    version: Number,
    db: DatabaseDep,
    request: Request,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    expected = revision(if_match, version)
    repeat = once(request, who, idempotency_key, b"")
    return send(services.publish_version(db, key, version, expected, who, repeat))


@router.get(
    "/{key}/effective",
    operation_id="get_effective_scheme_version",
    summary="The published version in effect on a date",
    description=(
        "Among published versions whose `effective_from`…`effective_to` covers `on`, the one "
        "with the latest `effective_from` (then the highest number). `404` when none is."
    ),
    response_model=SchemeVersionOut,
    responses=secured(404, 422),
)
def get_effective_scheme_version(
    _: SchemesRead,
    key: Key,
    db: DatabaseDep,
    on: Annotated[dt.date, Query(description="The date, `YYYY-MM-DD`.", examples=["2027-03-15"])],
) -> Response:
    return send(version_reply(services.effective_version(db, key, on)))


@router.get(
    "/{key}/versions/{old}/diff/{new}",
    operation_id="diff_scheme_versions",
    summary="What changed between two versions",
    description=(
        "Every rule that differs, with old → new values. Versions are compared in canonical "
        "form (defaults filled in, numbers normalised), so `45000` → `45000.00` is no change."
    ),
    response_model=DiffOut,
    responses=secured(404, 422),
)
def diff_scheme_versions(
    _: SchemesRead, key: Key, old: Number, new: Number, db: DatabaseDep
) -> DiffOut:
    found = services.version_diff(db, key, old, new)
    return DiffOut.model_validate(
        {"key": key, "from_version": old, "to_version": new, "changes": found}
    )

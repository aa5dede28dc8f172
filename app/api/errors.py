"""RFC 9457 problem details: the one place where errors become HTTP responses.

Services and the engine raise errors with stable codes and no HTTP status; :data:`_KINDS` maps
each error class to a status, a problem ``type`` and a title.  Every 4xx/5xx the service sends
is ``application/problem+json`` with ``type``, ``title``, ``status``, ``detail``, ``instance``
and ``code``; validation problems add ``errors``: ``[{pointer, detail, code}]``, where
``pointer`` is an RFC 6901 JSON pointer into the request body, and ``error_count``.  No
problem echoes the request body or any input value beyond what a message names, and every
problem is bounded (see :data:`MAX_PROBLEM_BYTES` and the limits beside it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.engine import InputError, SchemeError, json_pointer
from app.io.read.documents import DocumentError
from app.services import (
    Conflict,
    ErrorItem,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    ServiceError,
    Unauthenticated,
    Unavailable,
    input_error_items,
    scheme_error_items,
)

from .body import MAX_ERRORS, BodyError
from .methods import allowed
from .metrics import note_problem

__all__ = [
    "MAX_DETAIL",
    "MAX_ERRORS",
    "MAX_ITEM_TEXT",
    "MAX_PROBLEM_BYTES",
    "PROBLEM_MEDIA_TYPE",
    "Problem",
    "ProblemError",
    "install",
    "problem_response",
    "problems",
    "secured",
]

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
_LOG = logging.getLogger("compcalc.api")


class ProblemError(BaseModel):
    """One thing wrong with the request, located by a JSON pointer, a parameter name, or an
    uploaded file's row and column."""

    pointer: str | None = Field(
        default=None, description="RFC 6901 pointer into the request body, e.g. `/roster/0/fte`."
    )
    parameter: str | None = Field(default=None, description="Query or path parameter name.")
    detail: str = Field(description="What is wrong, in words a payroll accountant understands.")
    code: str | None = Field(default=None, description="Stable code, e.g. `FTE_RANGE`.")
    file: str | None = Field(
        default=None,
        description="The uploaded file (its form field: `roster`, `deals`, "
        "`balances`) the problem is in.",
    )
    row: int | None = Field(
        default=None, description="The file's row: the line its CSV record or JSON item starts on."
    )
    line: int | None = Field(default=None, description="Line in a YAML/JSON scheme document.")
    column: int | str | None = Field(
        default=None,
        description="Column in that line; of an uploaded file, the CSV column or JSON key by "
        "name (the character of the line for bytes that are not UTF-8).",
    )


class Problem(BaseModel):
    """An RFC 9457 problem document (`application/problem+json`)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI of the problem type, e.g. `urn:compcalc:problem:conflict`.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What happened in this occurrence.")
    instance: str = Field(description="Path of the request that failed.")
    code: str = Field(description="Stable machine-readable code, e.g. `VERSION_PUBLISHED`.")
    errors: list[ProblemError] | None = Field(
        default=None,
        description="Validation problems, each with its pointer: at most 50 (the first "
        "found); `error_count` says how many there were.",
    )
    error_count: int | None = Field(
        default=None, description="How many problems were found (with `errors`)."
    )


# status, problem type slug, title
_KINDS: Final[Mapping[type[Exception], tuple[int, str, str]]] = {
    Unauthenticated: (401, "unauthenticated", "Unauthenticated"),
    Forbidden: (403, "forbidden", "Forbidden"),
    PreconditionFailed: (412, "precondition-failed", "Precondition failed"),
    PreconditionRequired: (428, "precondition-required", "Precondition required"),
    RateLimited: (429, "rate-limited", "Too many requests"),
    NotFound: (404, "not-found", "Not found"),
    Conflict: (409, "conflict", "Conflict"),
    Invalid: (422, "invalid-input", "Invalid input"),
    SchemeError: (422, "invalid-scheme", "Invalid scheme"),
    InputError: (422, "invalid-input", "Invalid input"),
    DocumentError: (422, "unparseable-body", "Unparseable body"),
    RequestValidationError: (422, "invalid-input", "Invalid input"),
    Unavailable: (503, "unavailable", "Service unavailable"),
    DBAPIError: (503, "unavailable", "Service unavailable"),
}
_BODY_KINDS: Final[Mapping[int, tuple[str, str]]] = {
    406: ("not-acceptable", "Not acceptable"),
    413: ("content-too-large", "Content too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("unparseable-body", "Unparseable body"),
}
_STATUS_TITLES: Final = {
    400: "Bad request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    500: "Internal server error",
    503: "Service unavailable",
}


def _type(slug: str) -> str:
    return f"urn:compcalc:problem:{slug}"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    code: str,
    detail: str,
    errors: Sequence[ErrorItem] = (),
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": _type(slug),
        "title": title,
        "status": status,
        "detail": _clip(detail),
        "instance": _clip(request.url.path),
        "code": code,
    }
    if errors:
        body["errors"] = [_bounded(item) for item in errors[:MAX_ERRORS]]
        body["error_count"] = len(errors)
    if extra:
        body.update(extra)
    _within_bound(body)
    note_problem(request, code)  # counted by code in GET /metrics, and logged
    return JSONResponse(body, status, dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE)


#: The bounds of every problem document (docs/api.md, "Problems"): a ``detail`` of at most
#: MAX_DETAIL characters, each error's ``detail``, ``pointer`` and ``parameter`` of at most
#: MAX_ITEM_TEXT, at most MAX_ERRORS errors (``error_count`` says how many there were), and
#: at most MAX_PROBLEM_BYTES in all.
MAX_DETAIL: Final = 500
MAX_ITEM_TEXT: Final = 300
MAX_PROBLEM_BYTES: Final = 64 * 1024


def _clip(text: str, limit: int = MAX_DETAIL) -> str:
    """A message cut to a readable length: one that quotes a huge input never echoes it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded(item: ErrorItem) -> dict[str, Any]:
    fields = item.as_dict()
    for name in ("detail", "pointer", "parameter"):
        if isinstance(fields.get(name), str):
            fields[name] = _clip(fields[name], MAX_ITEM_TEXT)
    return fields


def _within_bound(body: dict[str, Any]) -> None:
    """Drop errors from the end until the document fits MAX_PROBLEM_BYTES (they are still
    counted in ``error_count``); every text in it is already clipped, so this is rare."""
    errors = body.get("errors")
    while errors and len(json.dumps(body, ensure_ascii=False).encode()) > MAX_PROBLEM_BYTES:
        del errors[len(errors) // 2 :]


def _validation_items(exc: RequestValidationError) -> list[ErrorItem]:
    items = []
    for error in exc.errors():
        loc = [part for part in error.get("loc", ()) if isinstance(part, (str, int))]
        where, rest = (loc[0], loc[1:]) if loc else ("body", [])
        message = str(error.get("msg", "invalid value"))
        if where in {"query", "path", "header"}:
            name = str(rest[0]) if rest else None
            items.append(ErrorItem(message, parameter=name, code="INVALID_PARAMETER"))
        else:
            items.append(
                ErrorItem(message, pointer=json_pointer(tuple(rest)), code="INVALID_VALUE")
            )
    return items


def _handle(request: Request, exc: Exception) -> JSONResponse:
    kind = next((v for k, v in _KINDS.items() if isinstance(exc, k)), None)
    if kind is None:  # pragma: no cover - only registered classes reach this handler
        raise exc
    status, slug, title = kind
    if isinstance(exc, ServiceError):
        headers = _headers(exc)
        return problem_response(
            request, status, slug, title, exc.code, exc.detail, exc.errors, exc.extra, headers
        )
    if isinstance(exc, SchemeError):
        items = scheme_error_items(exc, prefix="")
        return problem_response(request, status, slug, title, "INVALID_SCHEME", str(exc), items)
    if isinstance(exc, InputError):
        items, count = input_error_items(exc, MAX_ERRORS), len(exc.problems)
        detail = f"the calculation input has {count} problem(s)"
        extra = {"error_count": count}
        return problem_response(request, status, slug, title, "INVALID_INPUT", detail, items, extra)
    if isinstance(exc, DocumentError):
        item = ErrorItem(exc.message, pointer="", code=exc.code, line=exc.line, column=exc.column)
        where = "" if exc.line is None else f" at line {exc.line}, column {exc.column}"
        detail = f"the request body cannot be read{where}: {exc.message}"
        return problem_response(request, status, slug, title, exc.code, detail, [item])
    if isinstance(exc, RequestValidationError):
        items = _validation_items(exc)
        detail = "; ".join(item.detail for item in items[:3]) or "invalid request"
        return problem_response(request, status, slug, title, "INVALID_REQUEST", detail, items)
    # A database that cannot be reached (or fails mid-request): say so, without its message,
    # which may carry connection details.
    _LOG.error("database error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return problem_response(
        request, status, slug, title, "DATABASE_UNAVAILABLE", "the database is unavailable"
    )


def _headers(exc: ServiceError) -> dict[str, str]:
    if isinstance(exc, Unauthenticated):
        return {"WWW-Authenticate": 'Bearer realm="compcalc"'}
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after)}
    return {}


def _handle_body(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyError)
    slug, title = _BODY_KINDS[exc.status]
    return problem_response(request, exc.status, slug, title, exc.code, exc.detail)


def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 400:
        # FastAPI's own body parsing (a JSON body that is not UTF-8 or not JSON) answers 400;
        # every other route reads its body itself and calls that 422 "unparseable body",
        # which is what each operation documents.  One answer for one fault.
        slug, title = _BODY_KINDS[422]
        detail = "the request body is not valid JSON (UTF-8)"
        return problem_response(request, 422, slug, title, "UNPARSEABLE_BODY", detail)
    title = _STATUS_TITLES.get(status, "Error")
    detail = exc.detail if isinstance(exc.detail, str) else title
    slug = title.lower().replace(" ", "-")
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = allowed(request)  # the path's methods, of every route
    return problem_response(
        request, status, slug, title, slug.upper().replace("-", "_"), detail, headers=headers
    )


def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _LOG.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(
        request, 500, "internal", "Internal server error", "INTERNAL", "an unexpected error"
    )


def install(app: FastAPI) -> None:
    """Register the problem+json handlers on ``app``."""
    for exc_class in _KINDS:
        app.add_exception_handler(exc_class, _handle)
    app.add_exception_handler(BodyError, _handle_body)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)


def secured(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """:func:`problems` of an operation that needs an API key (401, 403, 429 added)."""
    return problems(401, 403, *statuses, 429)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting ``statuses`` as problem documents."""
    descriptions = {
        401: "No API key, or one that is unknown, revoked or expired (`WWW-Authenticate`).",
        403: "The API key lacks the scope this operation needs.",
        404: "The resource does not exist.",
        406: "None of the media types in `Accept` can be produced.",
        409: "The resource's state forbids the change (e.g. it is published or approved).",
        413: "The request body is larger than the configured limit.",
        415: "The request body's media type is not one the operation accepts.",
        412: "`If-Match` names an ETag that is no longer current: fetch the version again.",
        422: "The body cannot be parsed, or its values are invalid (see `errors`).",
        428: "`If-Match` is missing: send the ETag of the version you mean to change.",
        429: "Too many requests with this key; wait `Retry-After` seconds.",
        503: "The database is unreachable or not migrated.",
    }
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {
            "description": descriptions[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
        }
        for status in statuses
    }

"""Request bodies: read within a size limit, decode JSON or YAML exactly, validate.

FastAPI's own body parsing would turn JSON numbers into binary floats; pay rules and amounts
must keep every digit.  So bodies are read here as bytes and decoded by
:func:`app.io.read.documents.parse_document` (JSON numbers become ``Decimal``; NaN, Infinity,
duplicate keys and out-of-range numbers are refused), then validated by a Pydantic model that
forbids unknown fields.  The OpenAPI description of each body is declared on its route.
"""

from __future__ import annotations

import email.message
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from app.engine import json_pointer
from app.io.read.documents import Document, Format, parse_document
from app.services import ErrorItem, Invalid, SchemeDocument
from app.settings import Settings

__all__ = [
    "JSON",
    "YAML",
    "BodyError",
    "RawBody",
    "RosterBody",
    "SchemeBody",
    "check_counts",
    "decode",
    "pointer",
    "preferred",
    "scheme_document",
    "validate",
]

JSON: Final = "application/json"
YAML: Final = "application/yaml"
_YAML_TYPES: Final = frozenset({"yaml", "x-yaml"})
# Union tags that appear in Pydantic error locations but not in the document.
TAGS: Final = frozenset({"stored-version", "effective-on", "inline-document"})

M = TypeVar("M", bound=BaseModel)


class BodyError(Exception):
    """A body that is too large, of the wrong media type, or cannot be answered as asked."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class RawBody:
    """The undecoded body and its format (from ``Content-Type``)."""

    data: bytes
    format: Format


def _format(content_type: str | None) -> Format:
    if not content_type:
        return "json"  # curl and friends without -H: assume the documented default
    message = email.message.Message()
    message["content-type"] = content_type
    main, sub = message.get_content_maintype(), message.get_content_subtype()
    if main == "application" and (sub == "json" or sub.endswith("+json")):
        return "json"
    if main in {"application", "text"} and sub in _YAML_TYPES:
        return "yaml"
    raise BodyError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        f"send the body as {JSON} or {YAML}, not {message.get_content_type()}",
    )


async def _read(request: Request, limit: int, setting: str) -> RawBody:
    fmt = _format(request.headers.get("content-type"))
    too_large = BodyError(
        413,
        "BODY_TOO_LARGE",
        f"the request body is larger than {limit:,} bytes (the limit is set by {setting})",
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return RawBody(b"".join(chunks), fmt)


def _reader(field: str) -> Callable[[Request], Awaitable[RawBody]]:
    async def read(request: Request) -> RawBody:
        settings: Settings = request.app.state.settings
        return await _read(request, getattr(settings, field), f"COMPCALC_{field.upper()}")

    return read


#: A scheme document (limit ``COMPCALC_MAX_SCHEME_BYTES``).
SchemeBody = Annotated[RawBody, Depends(_reader("max_scheme_bytes"))]
#: A calculation request with a roster and deals (limit ``COMPCALC_MAX_BODY_BYTES``).
RosterBody = Annotated[RawBody, Depends(_reader("max_body_bytes"))]


def decode(body: RawBody, *, positions: bool = False) -> Document:
    """Decode the body; raises :class:`~app.io.read.documents.DocumentError` when unparseable."""
    if not body.data.strip():
        raise Invalid("EMPTY_BODY", "the request body is empty", [ErrorItem("empty", pointer="")])
    return parse_document(body.data, body.format, name="request body", positions=positions)


def pointer(loc: Sequence[Any]) -> str:
    """RFC 6901 pointer of a Pydantic error location (union tags left out)."""
    parts = [p for p in loc if isinstance(p, (str, int)) and p not in TAGS]
    return json_pointer(tuple(parts))


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return f"unknown field {error['loc'][-1]!r}"
    if error["type"] == "missing":
        return f"required field {error['loc'][-1]!r} is missing"
    return str(error["msg"]).removeprefix("Value error, ")


def validate(model: type[M], data: object) -> M:
    """``data`` as ``model``, or :class:`Invalid` listing every error with its pointer."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            ErrorItem(_message(e), pointer=pointer(e["loc"]), code=e["type"].upper())
            for e in exc.errors(include_url=False, include_input=False)
        ]
        detail = f"the request body has {len(errors)} invalid field(s): " + "; ".join(
            f"{item.pointer or '/'} {item.detail}" for item in errors[:3]
        )
        raise Invalid("INVALID_BODY", detail, errors) from None


def check_counts(request: Request, roster: int, deals: int) -> None:
    """Refuse more employees or deals than the settings allow over HTTP (422)."""
    settings: Settings = request.app.state.settings
    errors = [
        ErrorItem(f"at most {limit:,} {what} per request ({setting})", pointer=f"/{field}")
        for field, what, count, limit, setting in (
            ("roster", "employees", roster, settings.max_employees, "COMPCALC_MAX_EMPLOYEES"),
            ("deals", "deals", deals, settings.max_deals, "COMPCALC_MAX_DEALS"),
        )
        if count > limit
    ]
    if errors:
        raise Invalid("TOO_MANY_ITEMS", "; ".join(e.detail for e in errors), errors)


def preferred(request: Request, offered: Sequence[str]) -> str:
    """The media type of ``offered`` that ``Accept`` prefers (the first on a tie or none).

    Each candidate takes the quality of the most specific range that matches it
    (``application/yaml`` beats ``*/*``).  A 406 :class:`BodyError` when none is acceptable.
    """
    header = request.headers.get("accept", "")
    if not header.strip():
        return offered[0]
    ranges = [_media_range(part) for part in header.split(",") if part.strip()]
    best: tuple[float, int] | None = None
    chosen = offered[0]
    for order, candidate in enumerate(offered):
        matches = [
            (spec, q) for media, q in ranges if (spec := _specificity(media, candidate)) >= 0
        ]
        if not matches:
            continue
        quality = max(matches)[1]
        if quality > 0 and (best is None or (quality, -order) > best):
            best, chosen = (quality, -order), candidate
    if best is None:
        raise BodyError(
            406, "NOT_ACCEPTABLE", f"this resource is available as {', '.join(offered)}"
        )
    return chosen


def _media_range(part: str) -> tuple[str, float]:
    media, _, params = part.strip().partition(";")
    quality = 1.0
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return media.strip().lower(), quality


def _specificity(pattern: str, media: str) -> int:
    """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, -1 for no match."""
    if pattern == media:
        return 2
    if pattern == "*/*":
        return 0
    main, _, sub = pattern.partition("/")
    return 1 if sub == "*" and media.startswith(main + "/") else -1


def scheme_document(body: RawBody) -> SchemeDocument:
    """The body as a scheme document; refuses an empty body, raises
    :class:`~app.io.read.documents.DocumentError` when it cannot be parsed."""
    decode(body)
    return SchemeDocument.parse(body.data, body.format)

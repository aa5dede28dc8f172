"""Request bodies: read within a size limit, decode JSON or YAML exactly, validate.

FastAPI's own body parsing would turn JSON numbers into binary floats; pay rules and amounts
must keep every digit.  So bodies are read here as bytes and decoded by
:func:`app.io.read.documents.parse_document` (JSON numbers become ``Decimal``; NaN, Infinity,
duplicate keys and out-of-range numbers are refused), then validated by a Pydantic model that
forbids unknown fields.  The OpenAPI description of each body is declared on its route.
"""

from __future__ import annotations

import email.message
import functools
import typing
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.engine import json_pointer
from app.io.read.documents import Document, Format, parse_document
from app.io.read.yamlnodes import MAX_NODES
from app.services import ErrorItem, Invalid, SchemeDocument
from app.services.errors import MAX_ERRORS
from app.settings import Settings

__all__ = [
    "JSON",
    "MAX_ERRORS",
    "MAX_SCHEME_VALUES",
    "MAX_YAML_VALUES",
    "YAML",
    "BodyError",
    "RawBody",
    "RosterBody",
    "SchemeBody",
    "check_counts",
    "decode",
    "pointer",
    "preferred",
    "read_body",
    "read_bytes",
    "scheme_document",
    "validate",
]

JSON: Final = "application/json"
YAML: Final = "application/yaml"
_YAML_TYPES: Final = frozenset({"yaml", "x-yaml"})
# Union tags that appear in Pydantic error locations but not in the document.
TAGS: Final = frozenset({"stored-version", "effective-on", "inline-document"})

M = TypeVar("M", bound=BaseModel)
#: The most values a YAML body may expand to (through aliases too); JSON bodies have the
#: decoder's own limit, MAX_NODES.
MAX_YAML_VALUES: Final = 100_000
#: The most values of a scheme document, JSON or YAML: the largest scheme, with 10 000 client
#: ids and their baselines, has about 30 000.
MAX_SCHEME_VALUES: Final = 100_000


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


async def read_body(request: Request, limit: int, setting: str) -> RawBody:
    fmt = _format(request.headers.get("content-type"))
    if fmt == "yaml":
        # YAML decodes about ten times slower than JSON (about 1 s a megabyte, holding the
        # interpreter): its own, smaller limit keeps one request from holding a worker
        # (large rosters and deals travel as JSON).
        settings: Settings = request.app.state.settings
        limit, setting = min(limit, settings.max_yaml_bytes), "COMPCALC_MAX_YAML_BYTES"
    return RawBody(await read_bytes(request, limit, setting), fmt)


async def read_bytes(request: Request, limit: int, setting: str) -> bytes:
    """The body's bytes; a 413 :class:`BodyError` naming ``setting`` past ``limit`` bytes
    (refused on its ``Content-Length`` before any is read)."""
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
    return b"".join(chunks)


def _reader(field: str) -> Callable[[Request], Awaitable[RawBody]]:
    async def read(request: Request) -> RawBody:
        settings: Settings = request.app.state.settings
        return await read_body(request, getattr(settings, field), f"COMPCALC_{field.upper()}")

    return read


#: A scheme document (limit ``COMPCALC_MAX_SCHEME_BYTES``).
SchemeBody = Annotated[RawBody, Depends(_reader("max_scheme_bytes"))]
#: A calculation request with a roster and deals (limit ``COMPCALC_MAX_BODY_BYTES``).
RosterBody = Annotated[RawBody, Depends(_reader("max_body_bytes"))]


def _values(body: RawBody) -> int:
    """The most values the body may decode to (YAML's are built in Python, one by one)."""
    return MAX_YAML_VALUES if body.format == "yaml" else MAX_NODES


def _not_empty(body: RawBody) -> None:
    if not body.data.strip():
        raise Invalid("EMPTY_BODY", "the request body is empty", [ErrorItem("empty", pointer="")])


def decode(body: RawBody, *, positions: bool = False) -> Document:
    """Decode the body; raises :class:`~app.io.read.documents.DocumentError` when unparseable."""
    _not_empty(body)
    return parse_document(
        body.data, body.format, name="request body", positions=positions, max_nodes=_values(body)
    )


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
    """``data`` as ``model``, or :class:`Invalid` listing its first errors with their pointers
    (and in ``error_count`` how many there are).

    Long lists of items (a roster, deals) are validated a chunk at a time, so that the
    interpreter serves other requests (``/healthz``) between chunks, and only the first
    :data:`MAX_ERRORS` errors are turned into messages.
    """
    fields = data if isinstance(data, dict) else {}
    long = {
        name: value
        for name, value in fields.items()
        if isinstance(value, list) and len(value) > _CHUNK and name in _chunked(model)
    }
    problems = _Problems()
    head = None
    try:
        head = model.model_validate({**fields, **{name: [] for name in long}} if long else data)
    except ValidationError as exc:
        problems.add(exc)
    parts: dict[str, list[Any]] = {}
    for name, value in long.items():
        adapter = _chunked(model)[name]
        parts[name] = []
        for start in range(0, len(value), _CHUNK):
            try:
                parts[name] += adapter.validate_python(value[start : start + _CHUNK])
            except ValidationError as exc:
                problems.add(exc, (name, start))
    if problems.count or head is None:
        raise problems.invalid()
    return head.model_copy(update=parts) if parts else head


#: Items validated at a time: a few milliseconds of work each.
_CHUNK: Final = 2_000


@functools.cache
def _chunked(model: type[BaseModel]) -> dict[str, TypeAdapter[list[Any]]]:
    """The fields of ``model`` that are plain lists of items (no constraints of their own)."""
    found = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if annotation is not None and typing.get_origin(annotation) is list and not info.metadata:
            found[name] = TypeAdapter(annotation)
    return found


class _Problems:
    """Errors of one or more validations: the first MAX_ERRORS as items, all counted."""

    def __init__(self) -> None:
        self.items: list[ErrorItem] = []
        self.count = 0

    def add(self, exc: ValidationError, offset: tuple[str, int] | None = None) -> None:
        self.count += exc.error_count()
        room = MAX_ERRORS - len(self.items)
        if room <= 0:
            return
        for e in exc.errors(include_url=False, include_input=False, include_context=False)[:room]:
            loc = e["loc"]
            if offset is not None:  # a chunk's index is within the chunk
                name, start = offset
                loc = (name, start + int(loc[0]), *loc[1:])
            self.items.append(ErrorItem(_message(e), pointer=pointer(loc), code=e["type"].upper()))

    def invalid(self) -> Invalid:
        detail = f"the request body has {self.count} invalid field(s): " + "; ".join(
            f"{item.pointer or '/'} {item.detail}" for item in self.items[:3]
        )
        return Invalid("INVALID_BODY", detail, self.items, {"error_count": self.count})


def check_counts(request: Request, data: object) -> None:
    """Refuse more employees or deals than the settings allow over HTTP (422).

    Counted in the decoded body, before any item is validated: a million empty roster
    entries are refused in the time it takes to count them, not validated one by one.
    """
    settings: Settings = request.app.state.settings
    fields = data if isinstance(data, dict) else {}

    def length(field: str) -> int:
        value = fields.get(field)
        return len(value) if isinstance(value, list) else 0

    roster, deals = length("roster"), length("deals")
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
    _not_empty(body)
    return SchemeDocument.parse(body.data, body.format, max_nodes=MAX_SCHEME_VALUES)

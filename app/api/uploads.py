"""Roster, deals and balances files as the command line reads them, sent to the payroll
operations: a ``text/csv`` body (the roster) or a ``multipart/form-data`` upload.

The files are read by the command line's loaders (:mod:`app.services.uploads`); the rest of
the request (the scheme, the period, a run's pay group…) comes from the form's text fields,
or from the query of a ``text/csv`` body, and is checked by the JSON body's own model
(:class:`~app.api.inputs.CalculateRequest`, :class:`~app.api.inputs.RunRequest`), so an
upload means what the same JSON body means.  (A JSON body may carry the files as they are
too: :mod:`app.api.wrappers`; the OpenAPI description: :mod:`app.api.uploadsdoc`.)
"""

from __future__ import annotations

import email.message
import hashlib
import json
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, TypeVar

from fastapi import Depends, Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from app import services
from app.i18n import negotiate, translation
from app.io.read.documents import Format
from app.services import ErrorItem, Invalid
from app.services.uploads import FILES, Limits, UploadedFile, read_uploads
from app.settings import Settings

from .body import JSON, YAML, BodyError, RawBody, decode, read_body, read_bytes, validate
from .inputs import CalculateRequest, PayrollInputs
from .uploadsdoc import CSV, FORM

__all__ = ["PayrollBody", "Upload", "request_of"]

#: The text fields of an upload (the form's, or the query's of a ``text/csv`` body), and
#: where each goes in the JSON body.
_FIELDS: Final = {
    "scheme": ("scheme", "key"),
    "version": ("scheme", "version"),
    "on": ("scheme", "on"),
    "period": ("period",),
    "group": ("group",),
    "kind": ("kind",),
    "corrects": ("corrects",),
}
_POINTERS: Final = {"/" + "/".join(path): name for name, path in _FIELDS.items()}

M = TypeVar("M", bound=PayrollInputs)


@dataclass(frozen=True, slots=True)
class Upload:
    """An upload: its files by form field, its text fields, and the media type it came as."""

    media: str
    files: dict[str, UploadedFile]
    fields: dict[str, str]
    scheme: RawBody | None = field(default=None)

    def fingerprint(self) -> bytes:
        """What makes two uploads the same request: the fields, each file's name and bytes
        (not the multipart boundary, which each client draws afresh)."""
        digest = hashlib.sha256(json.dumps(sorted(self.fields.items())).encode())
        for name in (*FILES, "scheme"):
            file = self.files.get(name)
            data = self.scheme.data if name == "scheme" and self.scheme else None
            if file is not None:
                digest.update(f"\x00{name}\x00{file.name}\x00{file.csv}\x00".encode())
                data = file.data
            if data is not None:
                digest.update(hashlib.sha256(data).digest())
        return digest.digest()


def _media(content_type: str | None) -> str:
    message = email.message.Message()
    message["content-type"] = content_type or JSON
    return message.get_content_type()


async def _payroll_body(request: Request) -> RawBody | Upload:
    settings: Settings = request.app.state.settings
    limit, setting = settings.max_body_bytes, "COMPCALC_MAX_BODY_BYTES"
    media = _media(request.headers.get("content-type"))
    if media not in (CSV, FORM):
        given = [name for name in _FIELDS if name in request.query_params]
        if given:  # they stand for a text/csv body's fields: a JSON body has its own
            detail = f"the query parameters {', '.join(given)} go with a {CSV} body only"
            items = [ErrorItem(detail, parameter=name, code="INVALID_PARAMETER") for name in given]
            raise Invalid("INVALID_PARAMETER", detail, items)
        try:
            return await read_body(request, limit, setting)
        except BodyError as exc:
            if exc.status != 415:
                raise
            detail = f"send the body as {JSON}, {YAML}, {CSV} (the roster) or {FORM}, not {media}"
            raise BodyError(415, exc.code, detail) from None
    data = await read_bytes(request, limit, setting)
    if media == CSV:
        unknown = [name for name in request.query_params if name not in _FIELDS]
        if unknown:
            names = ", ".join(_FIELDS)
            detail = f"unknown query parameter {unknown[0]!r}; the parameters are {names}"
            raise _invalid("UNKNOWN_FIELD", detail, unknown[0])
        roster = UploadedFile("roster", "roster.csv", data, csv=True)
        return Upload(CSV, {"roster": roster}, dict(request.query_params))
    return await _form(request, data)


async def _form(request: Request, data: bytes) -> Upload:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield data

    parser = MultiPartParser(request.headers, stream(), max_files=4, max_fields=len(_FIELDS))
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise _invalid("INVALID_FORM", f"the form cannot be read: {exc.message}") from None
    files: dict[str, UploadedFile] = {}
    fields: dict[str, str] = {}
    scheme = None
    try:
        for name, value in form.multi_items():
            if name != "roster" and _empty(value):  # a browser's field left empty: not given
                continue
            if name in files or name in fields or (name == "scheme" and scheme is not None):
                raise _invalid("DUPLICATE_FIELD", f"the form has {name!r} twice", name)
            if name in FILES:
                content = value if isinstance(value, str) else await value.read()
                filename = value.filename if isinstance(value, UploadFile) else None
                files[name] = _file(name, filename, content, value)
            elif name == "scheme" and isinstance(value, UploadFile):
                scheme = RawBody(await value.read(), _scheme_format(value))
            elif name in _FIELDS and isinstance(value, str):
                fields[name] = value
            else:
                names = ", ".join([*FILES, *_FIELDS])
                raise _invalid(
                    "UNKNOWN_FIELD", f"unknown form field {name!r}; the fields are {names}", name
                )
    finally:
        await form.close()
    if "roster" not in files:
        raise _invalid("MISSING_FIELD", "the form has no roster file", "roster")
    return Upload(FORM, files, fields, scheme)


def _empty(value: str | UploadFile) -> bool:
    """An empty text, or a file of no bytes (Swagger UI sends one, named "blob", for each
    file left unchosen)."""
    if isinstance(value, str):
        return not value.strip()
    return not value.size


def _file(field: str, filename: str | None, content: str | bytes, value: object) -> UploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    name = filename or f"{field}.csv"
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("csv", "json"):
        return UploadedFile(field, name, data, suffix == "csv")
    media = _media(value.content_type) if isinstance(value, UploadFile) else ""
    if media in (CSV, JSON):
        return UploadedFile(field, name, data, media == CSV)
    first = data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    return UploadedFile(field, name, data, first not in (b"{", b"["))


def _scheme_format(value: UploadFile) -> Format:
    name = (value.filename or "").lower()
    return "json" if name.endswith(".json") or _media(value.content_type) == JSON else "yaml"


def _invalid(code: str, detail: str, parameter: str | None = None) -> Invalid:
    return Invalid(code, detail, [ErrorItem(detail, parameter=parameter, code=code)])


#: The body of ``POST /v1/payroll/calculate`` and ``POST /v1/payroll-runs``: JSON or YAML
#: (a :class:`RawBody`), or an :class:`Upload` (limit ``COMPCALC_MAX_BODY_BYTES``).
PayrollBody = Annotated[RawBody | Upload, Depends(_payroll_body)]


def _fields_body(upload: Upload) -> dict[str, Any]:
    """The upload's text fields as the JSON body they stand for (without the files)."""
    body: dict[str, Any] = {}
    if {"version", "on"} <= upload.fields.keys():
        detail = "give the scheme's version or the date it is in effect on, not both"
        raise _invalid("INVALID_FORM", detail, "on")
    for name, value in upload.fields.items():
        *parents, last = _FIELDS[name]
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        number = name == "version" and value.isascii() and value.isdigit()
        target[last] = int(value) if number else value
    if upload.scheme is not None:
        if "scheme" in body:
            detail = "the form gives the scheme as a file and as stored ('version', 'on')"
            raise _invalid("INVALID_FORM", detail, "scheme")
        body["scheme"] = decode(upload.scheme).data
    return body


def request_of(
    model: type[M], upload: Upload, request: Request
) -> tuple[M, services.PayrollInputs]:
    """The upload as ``model`` (its text fields checked as the JSON body's, each problem
    named by its field) and the payroll inputs its files hold."""
    try:
        given = validate(model, _fields_body(upload))
    except Invalid as exc:
        items = [_as_parameter(item) for item in exc.errors]
        raise Invalid(exc.code, exc.detail, items, exc.extra) from None
    if upload.scheme is not None and not isinstance(given, CalculateRequest):
        raise _invalid("INVALID_FORM", "a payroll run uses a stored scheme version", "scheme")
    settings: Settings = request.app.state.settings
    lang = negotiate(request.headers.get("accept-language"))
    inputs = read_uploads(
        given.period,
        upload.files["roster"],
        upload.files.get("deals"),
        upload.files.get("balances"),
        Limits(settings.max_employees, settings.max_deals),
        translation(lang).gettext,
    )
    return given, inputs


def _as_parameter(item: ErrorItem) -> ErrorItem:
    if item.pointer is None:
        return item
    name = _POINTERS.get(item.pointer, item.pointer.strip("/").split("/")[0] or None)
    return ErrorItem(item.detail, parameter=name, code=item.code)

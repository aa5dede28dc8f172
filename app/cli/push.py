"""``compcalc push FILE --url URL [--publish]``: store a scheme file in a running service.

Meant for the step after a merge: the file is read and checked here first (nothing is sent
when it cannot be parsed); then the scheme's versions are read over the HTTP API and

* the file's content equals the latest published version: nothing to do (exit 3);
* it equals a draft newer than that: that draft is kept (and published with ``--publish``);
* otherwise it is stored as the scheme's next draft version (version 1 of a new scheme).
  An earlier draft is never overwritten: a draft somebody edits stays theirs.

"Equal" is the content hash the service reports (``sha256:`` of the canonical document), so
a change of comments or layout alone is nothing to do. Every write carries an
``Idempotency-Key`` derived from the scheme, the version it follows and the file's bytes, and
is retried on a network error or a 502/503/504: a retried push never stores two versions.
Publishing sends the draft's ``ETag`` as ``If-Match``.

Exit status: 0 stored (or published with ``--publish``); 1 refused: the file breaks the rule
language, the service's checks refuse the publication (each finding printed at its file,
line and column; the version stays a draft), or another refusal of the service (its status,
code and detail); 2 cannot run: the file cannot be read, no key, no URL, the service
unreachable or failing (5xx); 3 nothing to do.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final, Literal, NoReturn

import httpx
import typer

from app.cli.inputs import file_limits
from app.cli.runs import API_KEY_ENV, API_URL_ENV
from app.engine import Finding, Path, SchemeError, format_path, parse_scheme, scheme_hash
from app.io import DocumentError, Positions, locate, parse_document
from app.io.read.documents import document_format
from app.io.read.files import FileProblem, read_limited
from app.io.schemes.formats import finding_line, load_error_line

__all__ = ["CANNOT_RUN", "PUSHED", "REFUSED", "UNCHANGED", "connect", "push_command"]

PUSHED: Final = 0
REFUSED: Final = 1
CANNOT_RUN: Final = 2
UNCHANGED: Final = 3

#: Seconds to wait before each retry of a request that failed on the way (then give up).
RETRY_DELAYS: tuple[float, ...] = (0.5, 2.0)
_RETRIED_STATUS: Final = frozenset({502, 503, 504})
_MEDIA: Final = {"yaml": "application/yaml", "json": "application/json"}


def _client(base: str, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60, trust_env=False
    )


#: Makes the HTTP client from the service's URL and the key (tests wrap its transport).
connect: Callable[[str, str], httpx.Client] = _client


def _stop(code: int, *lines: str) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(code)


@dataclass(frozen=True)
class _File:
    path: str
    raw: bytes
    media: str
    key: str
    content_hash: str
    positions: Positions


def _read(path: str) -> _File:
    """The file, parsed and checked against the rule language, or the command ends."""
    fmt = document_format(path)
    try:
        if fmt is None:
            raise DocumentError(
                path, None, None, "UNSUPPORTED_FORMAT", "expected a .yaml, .yml or .json file"
            )
        try:
            raw = read_limited(path, file_limits()[0], "COMPCALC_MAX_SCHEME_BYTES")
        except FileProblem as exc:
            raise DocumentError(path, exc.line, exc.column, exc.code, exc.message) from None
        document = parse_document(raw, fmt, name=path)
    except DocumentError as exc:
        _stop(CANNOT_RUN, load_error_line(exc), f"compcalc push: {path}: nothing was sent")
    if document.data is None:
        empty = Finding(
            "NOT_A_MAPPING", "error", (), "the document is empty; a scheme is a mapping"
        )
        _stop(
            REFUSED, finding_line(path, empty.at(1, 1)), f"compcalc push: {path}: nothing was sent"
        )
    try:
        scheme = parse_scheme(document.data)
    except SchemeError as exc:
        lines = [finding_line(path, f) for f in locate(exc.findings, document.positions)]
        _stop(REFUSED, *lines, f"compcalc push: {path} is not a valid scheme; nothing was sent")
    return _File(path, raw, _MEDIA[fmt], scheme.key, scheme_hash(scheme), document.positions)


class _Service:
    """The API at ``base``: every answer a refusal or failure ends the command with."""

    def __init__(self, client: httpx.Client, base: str, file: _File) -> None:
        self.client, self.base, self.file = client, base, file

    def call(
        self,
        method: str,
        path: str,
        *,
        ok: Sequence[int],
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Accept": "application/json", **(headers or {})}
        if body is not None:
            sent["Content-Type"] = self.file.media
        response = None
        for delay in (*RETRY_DELAYS, None):
            try:
                response = self.client.request(method, path, content=body, headers=sent)
            except httpx.HTTPError as exc:
                if delay is None:
                    _stop(
                        CANNOT_RUN, f"compcalc push: cannot reach the service at {self.base}: {exc}"
                    )
            else:
                if response.status_code not in _RETRIED_STATUS or delay is None:
                    break
            assert delay is not None
            time.sleep(delay)
        assert response is not None
        if response.status_code not in ok:
            self.refused(response)
        try:
            response.json()
        except ValueError:
            said = f"{self.base} answered {response.status_code} without JSON: is it compcalc?"
            _stop(CANNOT_RUN, f"compcalc push: {said}")
        return response

    def refused(self, response: httpx.Response) -> NoReturn:
        status = response.status_code
        try:
            problem = response.json()
        except ValueError:
            problem = None
        if not isinstance(problem, dict) or "code" not in problem:
            _stop(CANNOT_RUN, f"compcalc push: {self.base} answered {status}: is it compcalc?")
        lines = [_problem_line(self.file, item) for item in _items(problem)]
        message = f"compcalc push: {status} {problem['code']}: {problem.get('detail', '')}"
        _stop(REFUSED if status < 500 else CANNOT_RUN, *lines, message)


def _items(problem: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    findings = problem.get("findings")
    items = findings if isinstance(findings, list) and findings else problem.get("errors")
    return [item for item in items or () if isinstance(item, Mapping)]


def _path(pointer: str) -> Path:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _problem_line(file: _File, item: Mapping[str, Any]) -> str:
    """A finding of the service as ``file:line:col: error CODE: message (at path)``, placed
    by its pointer in this file (the service's line and column when the file has no such
    place)."""
    path = _path(str(item.get("pointer") or ""))
    message = str(item.get("message") or item.get("detail") or "")
    message = message.removeprefix(f"{format_path(path)}: ")  # as an `errors` item says it
    severity: Literal["error", "warning"] = (
        "warning" if item.get("severity") == "warning" else "error"
    )
    finding = Finding(str(item.get("code") or "INVALID"), severity, path, message)
    found = locate([finding], file.positions)[0]
    if found.line is None:
        found = finding.at(item.get("line"), item.get("column"))
    return finding_line(file.path, found)


def _code(response: httpx.Response) -> str | None:
    try:
        problem = response.json()
    except ValueError:
        return None
    return problem.get("code") if isinstance(problem, dict) else None


def _idempotency(file: _File, after: int, action: str) -> str:
    digest = hashlib.sha256(file.raw).hexdigest()
    return f"compcalc-push:{file.key}:{action}:after-{after}:{digest}"


def push_command(
    file: Annotated[
        str, typer.Argument(help="The scheme file (.yaml, .yml or .json).", metavar="FILE")
    ],
    url: Annotated[
        str | None,
        typer.Option("--url", help=f"The service's URL; default: {API_URL_ENV}.", metavar="URL"),
    ] = None,
    publish: Annotated[
        bool, typer.Option("--publish", help="Also publish the version (every check must pass).")
    ] = False,
) -> None:
    """Store a scheme file as the next draft version of its scheme in a running service, or
    publish it with --publish; the key is read from COMPCALC_API_KEY.

    Exit status: 0 stored or published, 1 refused (findings printed), 2 cannot run (the file
    cannot be read, no key or URL, the service unreachable), 3 nothing to do: the file is
    the published version.
    """
    loaded = _read(file)
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        scopes = "the schemes:write scope (and schemes:publish for --publish)"
        _stop(CANNOT_RUN, f"compcalc push: set {API_KEY_ENV} to an API key with {scopes}")
    base = (url or os.environ.get(API_URL_ENV, "")).strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        where = f"--url {base!r}" if base else f"--url (or {API_URL_ENV})"
        _stop(CANNOT_RUN, f"compcalc push: {where}: give the service's http:// or https:// URL")
    with connect(base, key) as client:
        _push(_Service(client, base, loaded), publish)


def _push(service: _Service, publish: bool) -> None:
    file = service.file
    scheme = f"/v1/schemes/{file.key}"
    found = service.call("GET", scheme, ok=(200, 404))
    if found.status_code == 404 and _code(found) != "SCHEME_NOT_FOUND":
        service.refused(found)
    history = sorted(found.json().get("history", []), key=lambda v: int(v["version"]))
    published = [v for v in history if v["status"] == "published"]
    latest = published[-1]["version"] if published else 0
    if published and published[-1]["content_hash"] == file.content_hash:
        said = f"{file.path} is identical to published version {latest}, nothing to do"
        typer.echo(f"{file.key}: {said}")
        raise typer.Exit(UNCHANGED)
    same = [v for v in history if v["version"] > latest and v["content_hash"] == file.content_hash]
    if same:
        number = same[-1]["version"]
        if not publish:
            said = f"{file.path} is identical to draft version {number}, nothing to do"
            typer.echo(f"{file.key}: {said}")
            raise typer.Exit(UNCHANGED)
        version = service.call("GET", f"{scheme}/versions/{number}", ok=(200,))
    else:
        after = history[-1]["version"] if history else 0
        target = f"{scheme}/versions" if history else "/v1/schemes"
        headers = {"Idempotency-Key": _idempotency(file, after, "store")}
        version = service.call("POST", target, ok=(201,), body=file.raw, headers=headers)
        number = version.json()["version"]
        typer.echo(f"{file.key}: stored {file.path} as draft version {number}")
        if not publish:
            _advise(service, version.json())
            return
    etag = version.headers.get("ETag", "")
    headers = {"If-Match": etag, "Idempotency-Key": _idempotency(file, number, f"publish-{etag}")}
    path = f"{scheme}/versions/{number}/publish"
    answer = service.call("POST", path, ok=(200, 422), headers=headers)
    if answer.status_code == 422:
        if _code(answer) != "CHECKS_FAILED":
            service.refused(answer)
        lines = [_problem_line(file, item) for item in _items(answer.json())]
        said = f"{file.key} version {number} fails the checks and stays a draft"
        _stop(REFUSED, *lines, f"compcalc push: {said}: fix the file and push it again")
    typer.echo(f"{file.key}: published version {number}")


def _advise(service: _Service, version: Mapping[str, Any]) -> None:
    """The draft's findings, when publishing it would be refused."""
    findings = [f for f in version.get("findings", ()) if f.get("severity") == "error"]
    if findings:
        for finding in findings:
            typer.echo(_problem_line(service.file, finding), err=True)
        said = f"publishing version {version['version']} would be refused until these are fixed"
        typer.echo(f"compcalc push: {said}", err=True)

"""``Idempotency-Key`` and ``If-Match`` on the writing routes.

:func:`idempotent` runs a write at most once per (API key, ``Idempotency-Key``): the first
response is stored with the write (same transaction) and replayed to retries with
``Idempotency-Replayed: true``; the same key with another request answers 422, and while the
first is still running, 409.  Without the header the write simply runs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Final, TypeVar

from fastapi import Header, Request, Response

from app.db.repository import Repository
from app.db.session import Database
from app.services import idempotency
from app.services.idempotency import Claim, Stored
from app.services.keys import Principal
from app.services.trail import Trail
from app.settings import Settings

__all__ = ["IdempotencyKey", "IfMatch", "etag", "idempotent", "revision"]

V = TypeVar("V")
_LOG = logging.getLogger("compcalc.api")
_ETAG: Final = re.compile(r'^"(\d+)\.(\d+)"$')

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Any unique string (a UUID): a retry with the same key and body gets the "
        "first response again (`Idempotency-Replayed: true`) instead of a second write.",
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="The version's `ETag`, from its last GET or write (required).",
    ),
]


def etag(number: int, revision: int) -> str:
    return f'"{number}.{revision}"'


def revision(if_match: str | None, number: int) -> int | None:
    """The revision an ``If-Match`` names for version ``number``; 0 when it names none."""
    if if_match is None:
        return None
    for tag in if_match.split(","):
        found = _ETAG.match(tag.strip())
        if found and int(found[1]) == number:
            return int(found[2])
    return 0  # never a current revision: 412


def _request_hash(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.headers.get("content-type", "")):
        digest.update(part.encode("utf-8") + b"\x00")
    digest.update(body)
    return digest.hexdigest()


def _replay(stored: Stored) -> Response:
    headers = {"Idempotency-Replayed": "true"}
    if stored.location:
        headers["Location"] = stored.location
    if stored.etag:
        headers["ETag"] = stored.etag
    return Response(stored.body, stored.status, headers, media_type=stored.media_type)


def _stored(response: Response) -> Stored:
    return Stored(
        response.status_code,
        response.headers.get("content-type", "application/json"),
        bytes(response.body).decode("utf-8"),
        response.headers.get("location"),
        response.headers.get("etag"),
    )


def idempotent(
    request: Request,
    db: Database,
    principal: Principal,
    key: str | None,
    body: bytes,
    write: Callable[[Trail[V]], V],
    render: Callable[[V], Response],
) -> Response:
    """Run ``write`` (at most once per key) and answer with ``render`` of its result."""
    if key is None or principal.key_id is None:
        return render(write(Trail(principal)))
    settings: Settings = request.app.state.settings
    begun = idempotency.begin(
        db,
        principal.key_id,
        key,
        _request_hash(request, body),
        timedelta(seconds=settings.idempotency_lease_seconds),
        timedelta(hours=settings.idempotency_ttl_hours),
    )
    if isinstance(begun, Stored):
        return _replay(begun)
    sent: list[Response] = []

    def seal(repo: Repository, view: V) -> None:
        sent.append(render(view))
        idempotency.complete(repo, begun, _stored(sent[0]))

    try:
        write(Trail(principal, seal))
    except BaseException:
        _release(db, begun)
        raise
    return sent[0]


def _release(db: Database, claim: Claim) -> None:
    try:
        idempotency.release(db, claim)
    except Exception:  # the database may be what failed; the lease frees the key later
        _LOG.warning("could not release an idempotency claim", exc_info=True)

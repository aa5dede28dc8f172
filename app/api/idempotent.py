"""``Idempotency-Key`` and ``If-Match`` on the writing routes, and sending a write's reply.

A route turns the ``Idempotency-Key`` header into :class:`app.services.Once` (whose key, the
key, a hash of the request) with :func:`once`; the service runs the write at most once per
(API key, ``Idempotency-Key``) and returns its :class:`~app.services.Reply`, stored with the
write and replayed to retries; :func:`send` answers with it (``Idempotency-Replayed: true``
on a replay).
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Annotated, Final

from fastapi import Header, Request, Response

from app.services import Once, Reply
from app.services.keys import Principal
from app.settings import Settings

__all__ = ["IdempotencyKey", "IfMatch", "once", "revision", "send"]

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


def revision(if_match: str | None, number: int) -> int | None:
    """The revision an ``If-Match`` names for version ``number``; 0 when it names none."""
    if if_match is None:
        return None
    for tag in if_match.split(","):
        found = _ETAG.match(tag.strip())
        if found and int(found[1]) == number:
            return int(found[2])
    return 0  # never a current revision: 412


def _request_hash(request: Request, body: bytes, media: str | None) -> str:
    digest = hashlib.sha256()
    content_type = request.headers.get("content-type", "") if media is None else media
    for part in (request.method, request.url.path, content_type):
        digest.update(part.encode("utf-8") + b"\x00")
    digest.update(body)
    return digest.hexdigest()


def once(
    request: Request,
    principal: Principal,
    key: str | None,
    body: bytes,
    media: str | None = None,
) -> Once | None:
    """The idempotent request ``key`` makes of this one; None without a key (or an API key).

    ``body`` is what makes two requests the same; ``media``, when given, stands for the
    ``Content-Type`` header (an upload's fingerprint, which leaves out the multipart
    boundary each client draws afresh)."""
    if key is None or principal.key_id is None:
        return None
    settings: Settings = request.app.state.settings
    return Once(
        principal.key_id,
        key,
        _request_hash(request, body, media),
        timedelta(seconds=settings.idempotency_lease_seconds),
        timedelta(hours=settings.idempotency_ttl_hours),
    )


def send(reply: Reply) -> Response:
    headers = {"Idempotency-Replayed": "true"} if reply.replayed else {}
    if reply.location:
        headers["Location"] = reply.location
    if reply.etag:
        headers["ETag"] = reply.etag
    return Response(reply.body, reply.status, headers, media_type=reply.media_type)

"""Idempotent writes: claim an ``Idempotency-Key``, replay its stored reply, or refuse.

A write with a key takes two transactions, deliberately (docs/reliability.md):

1. :func:`begin` claims the key: a row unique per (API key, Idempotency-Key), so of two
   concurrent first requests the database lets exactly one insert it; the others get the
   stored reply, or 409 while the first is still running.
2. The write itself, its audit event and its reply (:func:`complete`) are committed in one
   transaction by the writing service, so a crash leaves only a pending claim; once its lease
   runs out a retry takes it over and runs the write once.

:func:`once` runs a service's write between the two, and gives the key up again if it fails.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from app.db.models import IdempotencyRecord
from app.db.repository import Repository
from app.db.session import Database
from app.db.trust import CLAIM_DONE, CLAIM_PENDING

from .clock import now
from .errors import Conflict, ErrorItem, Invalid
from .transactions import read, write

__all__ = ["Claim", "Once", "Reply", "begin", "complete", "once", "release"]

_LOG = logging.getLogger("compcalc.services")


@dataclass(frozen=True, slots=True)
class Reply:
    """What a write answers: a status, a body and its headers; stored with an idempotent
    write and sent again, as it was first sent, to its retries (``replayed``)."""

    status: int
    media_type: str
    body: str
    location: str | None = None
    etag: str | None = None
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class Once:
    """An idempotent request: whose key, the ``Idempotency-Key``, and the request's hash
    (method, path, content type and body), with how long a claim and its reply hold."""

    key_id: uuid.UUID
    key: str
    request_hash: str
    lease: timedelta
    ttl: timedelta


@dataclass(frozen=True, slots=True)
class Claim:
    record_id: int
    token: str


def once(db: Database, request: Once | None, write: Callable[[Claim | None], Reply]) -> Reply:
    """``write`` at most once per ``request`` (always when None): the claim in its own
    transaction first, then ``write``, which completes the claim in its transaction."""
    if request is None:
        return write(None)
    # Transaction 1, committed on its own: the claim (or the reply a first request stored).
    claim = begin(db, request)
    if isinstance(claim, Reply):
        return claim
    try:
        # Transaction 2, in ``write``: the change, its audit event and ``complete(claim)``.
        return write(claim)
    except BaseException:
        _release(db, claim)
        raise


def begin(db: Database, request: Once) -> Claim | Reply:
    """Claim the request's key, or return the reply stored for it.

    Raises 422 (:class:`Invalid`) when the key was used for a different request, 409
    (:class:`Conflict`) while the first request with it is still running.
    """
    key_id, key, request_hash = request.key_id, request.key, request.request_hash
    lease, ttl = request.lease, request.ttl
    for _ in range(3):
        token, stamp = secrets.token_hex(16), now()
        try:
            with write(db) as repo:
                record = IdempotencyRecord(
                    api_key_id=key_id,
                    key=key,
                    request_hash=request_hash,
                    state=CLAIM_PENDING,
                    token=token,
                    locked_until=stamp + lease,
                    created_at=stamp,
                )
                repo.add_claim(record)
                return Claim(record.id, token)
        except Conflict:
            pass  # someone holds the key: see what they left
        with read(db) as repo:
            found = repo.claim(key_id, key)
        if found is None:
            continue  # released meanwhile: try to claim it again
        if found.created_at + ttl < stamp:
            with write(db) as repo:
                repo.forget_claims(stamp - ttl)
            continue
        if found.request_hash != request_hash:
            item = ErrorItem("used before with another request", parameter="Idempotency-Key")
            raise Invalid(
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used with a different request; use a new key",
                [item],
            )
        if found.state == CLAIM_DONE:
            assert found.response_status is not None and found.response_body is not None
            return Reply(
                found.response_status,
                found.response_type or "application/json",
                found.response_body,
                found.response_location,
                found.response_etag,
                replayed=True,
            )
        if found.locked_until < stamp:
            with write(db) as repo:
                if repo.take_over_claim(found.id, token, stamp, stamp + lease):
                    return Claim(found.id, token)
        break
    raise Conflict(
        "IDEMPOTENT_REQUEST_IN_PROGRESS",
        "a request with this Idempotency-Key is still being processed; retry later",
    )


def complete(repo: Repository, claim: Claim | None, response: Reply) -> None:
    """Store ``response`` for the claim (if any), in the caller's (the write's) transaction."""
    if claim is None:
        return
    values = {
        "response_status": response.status,
        "response_type": response.media_type,
        "response_body": response.body,
        "response_location": response.location,
        "response_etag": response.etag,
    }
    if not repo.complete_claim(claim.record_id, claim.token, values):
        # Our lease ran out and another attempt took the key over: let that one write.
        raise Conflict(
            "IDEMPOTENT_REQUEST_IN_PROGRESS",
            "another request with this Idempotency-Key took over; retry later",
        )


def release(db: Database, claim: Claim) -> None:
    """Give the key up after a failed write, so that a retry runs it afresh."""
    with write(db) as repo:
        repo.release_claim(claim.record_id, claim.token)


def _release(db: Database, claim: Claim) -> None:
    try:
        release(db, claim)
    except Exception:  # the database may be what failed; the lease frees the key later
        _LOG.warning("could not release an idempotency claim", exc_info=True)

"""Idempotent writes: claim an ``Idempotency-Key``, replay its stored response, or refuse.

The claim is a row unique per (API key, Idempotency-Key): of two concurrent first requests,
the database lets exactly one insert it.  The winner's write and its response are committed in
one transaction (see :class:`app.services.trail.Trail`), so a crash leaves only a pending
claim; once its lease runs out a retry takes it over and runs the write once.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from app.db.models import IdempotencyRecord
from app.db.repository import Repository
from app.db.session import Database
from app.db.trust import CLAIM_DONE, CLAIM_PENDING

from .errors import Conflict, ErrorItem, Invalid
from .unit import now, read, write

__all__ = ["Claim", "Stored", "begin", "complete", "release"]


@dataclass(frozen=True, slots=True)
class Stored:
    """A response as it was first sent."""

    status: int
    media_type: str
    body: str
    location: str | None = None
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    record_id: int
    token: str


def begin(
    db: Database,
    key_id: uuid.UUID,
    key: str,
    request_hash: str,
    lease: timedelta,
    ttl: timedelta,
) -> Claim | Stored:
    """Claim ``key`` for this request, or return the response stored for it.

    Raises 422 (:class:`Invalid`) when the key was used for a different request, 409
    (:class:`Conflict`) while the first request with it is still running.
    """
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
            return Stored(
                found.response_status,
                found.response_type or "application/json",
                found.response_body,
                found.response_location,
                found.response_etag,
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


def complete(repo: Repository, claim: Claim, response: Stored) -> None:
    """Store ``response`` for the claim, in the caller's (the write's) transaction."""
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

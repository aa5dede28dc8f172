"""The tables of trust: API keys, stored idempotent responses, and the audit trail.

Keys are kept only as SHA-256 hashes of the secret (a random 256-bit token, so a fast hash is
as strong as a slow one).  An idempotency record is unique per key and ``Idempotency-Key``
(a database constraint, not an application check), and holds the first response.  Audit
events are appended and never changed; on PostgreSQL a trigger refuses UPDATE and DELETE.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .types import UTCDateTime

__all__ = [
    "CLAIM_DONE",
    "CLAIM_PENDING",
    "ApiKey",
    "AuditEvent",
    "IdempotencyRecord",
    "RateWindow",
]

CLAIM_PENDING: Final = "pending"
CLAIM_DONE: Final = "done"


class ApiKey(Base):
    """A credential: a name, scopes, an optional expiry; the secret only as its hash."""

    __tablename__ = "api_key"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the key, shown in listings so people can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(400))  # space-separated
    # The scheme keys or globs the key reaches, space-separated; None: every scheme.
    schemes: Mapped[str | None] = mapped_column(String(1400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RateWindow(Base):
    """How many requests one key sent in one minute, for the optional rate limit.

    Counted in the database, so every worker process and every replica shares one limit
    per key.  Rows of past minutes are deleted as new minutes begin.
    """

    __tablename__ = "rate_window"

    key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_key.id"), primary_key=True)
    minute: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # since 1970
    count: Mapped[int]


class IdempotencyRecord(Base):
    """The claim on, and then the stored response of, one ``Idempotency-Key`` of one key."""

    __tablename__ = "idempotency_record"
    __table_args__ = (
        UniqueConstraint("api_key_id", "key", name="uq_idempotency_record_api_key_id_key"),
        Index("ix_idempotency_record_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_key.id"))
    key: Mapped[str] = mapped_column(String(200))
    # SHA-256 of method, path, content type and body: the same key with another request → 422.
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    # Who holds a pending claim, and until when; a claim whose holder died can be taken over.
    token: Mapped[str] = mapped_column(String(32))
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime())
    response_status: Mapped[int | None]
    response_type: Mapped[str | None] = mapped_column(String(100))
    response_location: Mapped[str | None] = mapped_column(String(400))
    response_etag: Mapped[str | None] = mapped_column(String(100))
    response_body: Mapped[str | None] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditEvent(Base):
    """One write: who (key id and name), what, when, on which object, content before/after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[uuid.UUID | None] = mapped_column()
    key_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(200), index=True)
    before_hash: Mapped[str | None] = mapped_column(String(80))
    after_hash: Mapped[str | None] = mapped_column(String(80))

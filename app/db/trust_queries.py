"""Queries of the trust tables (API keys, idempotency claims, audit events); never commits.

Mixed into :class:`app.db.repository.Repository`, so the repository stays the one place where
queries live while each module keeps to one concern.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .matching import events_reaching
from .trust import CLAIM_DONE, CLAIM_PENDING, ApiKey, AuditEvent, IdempotencyRecord, RateWindow

__all__ = ["TrustQueries"]


class TrustQueries:
    session: Session

    # --- API keys --------------------------------------------------------------------------

    def add_key(self, key: ApiKey) -> None:
        self.session.add(key)
        self.session.flush()

    def key_by_hash(self, secret_hash: str) -> ApiKey | None:
        query = select(ApiKey).where(ApiKey.secret_hash == secret_hash)
        return self.session.scalars(query).first()

    def key_by_id(self, key_id: uuid.UUID) -> ApiKey | None:
        return self.session.get(ApiKey, key_id)

    def api_keys(self) -> list[ApiKey]:
        return list(self.session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))

    def key_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ApiKey)) or 0)

    def active_keys(self, now: datetime, lock: bool = False) -> list[ApiKey]:
        """Keys neither revoked nor expired at ``now``; with ``lock``, locked until the
        transaction ends (PostgreSQL ``FOR UPDATE``: two revocations of the last admin keys
        cannot both see the other still active)."""
        query = select(ApiKey).where(
            ApiKey.revoked_at.is_(None),
            or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
        )
        return list(self.session.scalars(query.with_for_update() if lock else query))

    def revoke_key(self, key_id: uuid.UUID, now: datetime) -> bool:
        statement = (
            update(ApiKey)
            .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return self._rowcount(statement) == 1

    # --- idempotency -----------------------------------------------------------------------

    def claim(self, api_key_id: uuid.UUID, key: str) -> IdempotencyRecord | None:
        query = select(IdempotencyRecord).where(
            IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key
        )
        return self.session.scalars(query).first()

    def add_claim(self, record: IdempotencyRecord) -> None:
        self.session.add(record)
        self.session.flush()

    def take_over_claim(self, record_id: int, token: str, now: datetime, until: datetime) -> bool:
        """Take a pending claim whose holder's lease ran out (it crashed or gave up)."""
        statement = (
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == record_id,
                IdempotencyRecord.state == CLAIM_PENDING,
                IdempotencyRecord.locked_until < now,
            )
            .values(token=token, locked_until=until)
        )
        return self._rowcount(statement) == 1

    def complete_claim(self, record_id: int, token: str, values: dict[str, Any]) -> bool:
        """Store the response; False when the claim is no longer this holder's."""
        statement = (
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == record_id,
                IdempotencyRecord.token == token,
                IdempotencyRecord.state == CLAIM_PENDING,
            )
            .values(state=CLAIM_DONE, **values)
        )
        return self._rowcount(statement) == 1

    def release_claim(self, record_id: int, token: str) -> None:
        statement = delete(IdempotencyRecord).where(
            IdempotencyRecord.id == record_id,
            IdempotencyRecord.token == token,
            IdempotencyRecord.state == CLAIM_PENDING,
        )
        self._rowcount(statement)

    def forget_claims(self, before: datetime) -> int:
        statement = delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before)
        return self._rowcount(statement)

    # --- audit -----------------------------------------------------------------------------

    def add_event(self, event: AuditEvent) -> None:
        self.session.add(event)

    def events(
        self,
        filters: dict[str, Any],
        since: datetime | None,
        limit: int,
        offset: int,
        reach: tuple[str, ...] | None = None,
    ) -> tuple[list[AuditEvent], int]:
        """Events newest first; ``reach``: only those about the objects of schemes matching
        one of these globs (None: every event)."""
        query = select(AuditEvent)
        for name, value in filters.items():
            if value is not None:
                query = query.where(getattr(AuditEvent, name) == value)
        if reach is not None:
            query = query.where(events_reaching(reach))
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        ordered = query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
        return list(self.session.scalars(ordered)), int(total or 0)

    # --- rate windows ----------------------------------------------------------------------

    def count_request(self, key_id: uuid.UUID, minute: int) -> int:
        """Count one request of ``key_id`` in ``minute``; the minute's count so far.

        One atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on PostgreSQL and
        SQLite alike), so concurrent requests from any number of processes all count.
        """
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(RateWindow)
            .values(key_id=key_id, minute=minute, count=1)
            .on_conflict_do_update(
                index_elements=[RateWindow.key_id, RateWindow.minute],
                set_={"count": RateWindow.count + 1},
            )
            .returning(RateWindow.count)
        )
        return int(self.session.execute(statement).scalar_one())

    def forget_windows(self, before: int) -> int:
        """Delete the counts of minutes before ``before``."""
        return self._rowcount(delete(RateWindow).where(RateWindow.minute < before))

    def _rowcount(self, statement: Any) -> int:
        result = self.session.execute(statement.execution_options(synchronize_session=False))
        assert isinstance(result, CursorResult)
        return int(result.rowcount)

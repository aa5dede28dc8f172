"""Every query of the service, and nothing else: no business rule, no commit.

A :class:`Repository` works inside the caller's session and transaction (see
:mod:`app.services`, which owns both).  State transitions are single conditional UPDATEs
(``… WHERE status = 'draft'``), so two concurrent publishes or approvals cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .matching import keys_matching
from .models import (
    VERSION_DRAFT,
    VERSION_PUBLISHED,
    OrganisationPolicyRecord,
    SchemeRecord,
    SchemeVersion,
)
from .run_queries import RunFilter, RunQueries, RunRow
from .trust_queries import TrustQueries

__all__ = ["Repository", "RunFilter", "RunRow", "SchemeRow"]


@dataclass(frozen=True, slots=True)
class SchemeRow:
    """A scheme with the figures a listing shows."""

    scheme: SchemeRecord
    versions: int
    latest: int
    latest_published: int | None


class Repository(RunQueries, TrustQueries):
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- schemes ---------------------------------------------------------------------------

    def scheme(self, key: str) -> SchemeRecord | None:
        return self.session.scalars(select(SchemeRecord).where(SchemeRecord.key == key)).first()

    def add_scheme(self, key: str, now: datetime) -> SchemeRecord:
        record = SchemeRecord(key=key, created_at=now)
        self.session.add(record)
        self.session.flush()
        return record

    def schemes(
        self,
        key_prefix: str | None,
        limit: int,
        offset: int,
        reach: tuple[str, ...] | None = None,
    ) -> tuple[list[SchemeRow], int]:
        """Schemes by key; ``reach``: only those matching one of these globs (None: all)."""
        counts = (
            select(
                SchemeVersion.scheme_id,
                func.count().label("versions"),
                func.max(SchemeVersion.number).label("latest"),
                func.max(SchemeVersion.number)
                .filter(SchemeVersion.status == VERSION_PUBLISHED)
                .label("latest_published"),
            )
            .group_by(SchemeVersion.scheme_id)
            .subquery()
        )
        query = select(
            SchemeRecord, counts.c.versions, counts.c.latest, counts.c.latest_published
        ).join(counts, counts.c.scheme_id == SchemeRecord.id)
        total = select(func.count()).select_from(SchemeRecord)
        if key_prefix:
            # LIKE with the prefix's own wildcards escaped: "a_b" must not match "axb".
            escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            condition = SchemeRecord.key.like(escaped + "%", escape="\\")
            query, total = query.where(condition), total.where(condition)
        if reach is not None:
            within = keys_matching(SchemeRecord.key, reach)
            query, total = query.where(within), total.where(within)
        rows = self.session.execute(query.order_by(SchemeRecord.key).limit(limit).offset(offset))
        found = [
            SchemeRow(s, versions, latest, published) for s, versions, latest, published in rows
        ]
        return found, int(self.session.scalar(total) or 0)

    def versions(self, scheme_id: int) -> list[SchemeVersion]:
        query = select(SchemeVersion).where(SchemeVersion.scheme_id == scheme_id)
        return list(self.session.scalars(query.order_by(SchemeVersion.number)))

    def version(self, scheme_id: int, number: int) -> SchemeVersion | None:
        query = select(SchemeVersion).where(
            SchemeVersion.scheme_id == scheme_id, SchemeVersion.number == number
        )
        return self.session.scalars(query).first()

    def version_by_id(self, version_id: int) -> SchemeVersion | None:
        return self.session.get(SchemeVersion, version_id)

    def next_version_number(self, scheme_id: int) -> int:
        query = select(func.max(SchemeVersion.number)).where(SchemeVersion.scheme_id == scheme_id)
        return int(self.session.scalar(query) or 0) + 1

    def add_version(self, version: SchemeVersion) -> SchemeVersion:
        self.session.add(version)
        self.session.flush()
        return version

    def replace_draft(self, version_id: int, revision: int, values: dict[str, Any]) -> bool:
        """Overwrite a draft's document if it is still at ``revision``; False otherwise.

        The revision is compared in the UPDATE itself: of two writers holding the same ETag,
        the second finds the row changed (PostgreSQL re-checks the WHERE after the row lock).
        """
        statement = (
            update(SchemeVersion)
            .where(
                SchemeVersion.id == version_id,
                SchemeVersion.status == VERSION_DRAFT,
                SchemeVersion.revision == revision,
            )
            .values(revision=revision + 1, **values)
        )
        return self._changed(statement)

    def publish(
        self,
        version_id: int,
        revision: int,
        now: datetime,
        policy: tuple[int | None, str] | None = None,
    ) -> bool:
        """Publish a draft still at ``revision``, recording the organisation ``policy`` it was
        checked against (version, hash); False when it changed or someone else won."""
        recorded = {} if policy is None else {"policy_version": policy[0], "policy_hash": policy[1]}
        statement = (
            update(SchemeVersion)
            .where(
                SchemeVersion.id == version_id,
                SchemeVersion.status == VERSION_DRAFT,
                SchemeVersion.revision == revision,
            )
            .values(
                status=VERSION_PUBLISHED,
                published_at=now,
                updated_at=now,
                revision=revision + 1,
                **recorded,
            )
        )
        return self._changed(statement)

    # --- the organisation policy ---------------------------------------------------------

    def current_policy(self) -> OrganisationPolicyRecord | None:
        """The policy in force: the highest version (None: none stored)."""
        statement = select(OrganisationPolicyRecord).order_by(
            OrganisationPolicyRecord.version.desc()
        )
        return self.session.scalars(statement.limit(1)).first()

    def policy(self, version: int) -> OrganisationPolicyRecord | None:
        statement = select(OrganisationPolicyRecord).where(
            OrganisationPolicyRecord.version == version
        )
        return self.session.scalars(statement).first()

    def add_policy(self, record: OrganisationPolicyRecord) -> OrganisationPolicyRecord:
        """Store the next version; two writers of the same number collide on its unique key."""
        self.session.add(record)
        self.session.flush()
        return record

    def effective_version(self, scheme_id: int, on: date) -> SchemeVersion | None:
        """The published version in effect on ``on``: the latest start wins, then the newest."""
        query = (
            select(SchemeVersion)
            .where(
                SchemeVersion.scheme_id == scheme_id,
                SchemeVersion.status == VERSION_PUBLISHED,
                SchemeVersion.effective_from <= on,
                (SchemeVersion.effective_to.is_(None)) | (SchemeVersion.effective_to >= on),
            )
            .order_by(SchemeVersion.effective_from.desc(), SchemeVersion.number.desc())
        )
        return self.session.scalars(query.limit(1)).first()

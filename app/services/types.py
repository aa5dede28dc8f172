"""What the services take and return: scheme documents and read-only views.

Views are plain frozen values copied out of the ORM rows inside the transaction, so nothing
that leaves :mod:`app.services` can lazy-load or write to the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from app.db.models import SchemeRecord, SchemeVersion
from app.db.repository import RunRow, SchemeRow
from app.engine import Finding
from app.io.read.documents import Format, parse_document
from app.io.read.positions import Positions
from app.io.read.yamlnodes import MAX_NODES

__all__ = [
    "Actor",
    "Page",
    "PayslipView",
    "RunView",
    "SchemeDocument",
    "SchemeView",
    "VersionSummary",
    "VersionView",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SchemeDocument:
    """A decoded scheme document, its source text and where each value was written."""

    data: object
    text: str
    format: Format
    positions: Positions = field(default_factory=Positions)

    @classmethod
    def parse(
        cls, raw: bytes | str, fmt: Format, name: str = "request body", max_nodes: int = MAX_NODES
    ) -> SchemeDocument:
        """Decode ``raw`` (at most ``max_nodes`` values); raises
        :class:`~app.io.read.documents.DocumentError` when unparseable."""
        decoded = parse_document(raw, fmt, name=name, positions=True, max_nodes=max_nodes)
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return cls(decoded.data, text.removeprefix("\ufeff"), fmt, decoded.positions)

    @classmethod
    def inline(cls, data: object) -> SchemeDocument:
        """A document that arrived inside a larger JSON body (no text, no positions)."""
        return cls(data, "", "json")


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """A version's state; its field names are those of the API's version summary."""

    version: int
    status: str
    name: str
    currency: str
    effective_from: date
    effective_to: date | None
    content_hash: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    revision: int = 1

    @classmethod
    def of(cls, version: SchemeVersion) -> VersionSummary:
        return cls(
            version.number,
            version.status,
            version.name,
            version.currency,
            version.effective_from,
            version.effective_to,
            version.content_hash,
            version.created_at,
            version.updated_at,
            version.published_at,
            version.revision,
        )


@dataclass(frozen=True, slots=True)
class VersionView:
    """One version with its document and what the checks say about it."""

    key: str
    summary: VersionSummary
    document: SchemeDocument
    findings: tuple[Finding, ...]
    #: The organisation policy the findings are under: its version (0: the article's
    #: defaults) and content hash (docs/rules.md "Policy").
    policy_version: int = 0
    policy_hash: str = ""


@dataclass(frozen=True, slots=True)
class SchemeView:
    """A scheme; its field names are those of the API's scheme (``history`` when read alone)."""

    key: str
    created_at: datetime
    versions: int
    latest_version: int
    latest_published_version: int | None
    history: tuple[VersionSummary, ...] = ()

    @classmethod
    def of(cls, record: SchemeRecord, versions: list[SchemeVersion]) -> SchemeView:
        published = [v.number for v in versions if v.status == "published"]
        return cls(
            record.key,
            record.created_at,
            len(versions),
            max((v.number for v in versions), default=0),
            max(published, default=None),
            tuple(VersionSummary.of(v) for v in versions),
        )

    @classmethod
    def summary(cls, row: SchemeRow) -> SchemeView:
        s = row.scheme
        return cls(s.key, s.created_at, row.versions, row.latest, row.latest_published)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: the API key's id (None: the command line) and name."""

    key_id: uuid.UUID | None
    name: str


@dataclass(frozen=True, slots=True)
class RunView:
    """A stored run; its field names are those of the API's run."""

    id: uuid.UUID
    status: str
    kind: str
    group: str
    period: str
    corrects: uuid.UUID | None
    scheme_key: str
    scheme_version: int
    scheme_hash: str
    engine_version: str
    currency: str
    employees: int
    total: Decimal
    created_at: datetime
    created_by: Actor
    approved_at: datetime | None
    approved_by: Actor | None
    approval_comment: str | None
    discarded_at: datetime | None
    discard_reason: str | None
    result: str | None = None  # the result JSON text, when asked for
    notes: str | None = None  # openings and warnings (JSON), with the result
    differences: str | None = None  # a correction's differences (JSON), with the result

    @classmethod
    def of(cls, row: RunRow, result: str | None) -> RunView:
        run = row.run
        approved_by = (
            None
            if run.approved_at is None
            else Actor(run.approved_by_key_id, run.approved_by_name or "")
        )
        detail = result is not None
        return cls(
            run.id,
            run.status,
            run.kind,
            run.pay_group,
            run.period,
            run.corrects,
            row.scheme_key,
            row.scheme_version,
            run.scheme_hash,
            run.engine_version,
            run.currency,
            run.employee_count,
            run.gross_total,
            run.created_at,
            Actor(run.created_by_key_id, run.created_by_name),
            run.approved_at,
            approved_by,
            run.approval_comment,
            run.discarded_at,
            run.discard_reason,
            result,
            run.notes if detail else None,
            run.differences if detail else None,
        )


@dataclass(frozen=True, slots=True)
class PayslipView:
    run: RunView
    document: str  # the payslip's JSON text, as in the run's result


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

"""What the services take and return: scheme documents, read-only views, and a scheme cache.

Views are plain frozen values copied out of the ORM rows inside the transaction, so nothing
that leaves :mod:`app.services` can lazy-load or write to the database.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from app.db.models import SchemeRecord, SchemeVersion
from app.db.repository import RunRow, SchemeRow
from app.engine import Finding, Scheme, parse_scheme, scheme_hash
from app.io.documents import Format, parse_document
from app.io.positions import Positions

__all__ = [
    "Page",
    "PayslipView",
    "RunView",
    "SchemeCache",
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
    def parse(cls, raw: bytes | str, fmt: Format, name: str = "request body") -> SchemeDocument:
        """Decode ``raw``; raises :class:`~app.io.documents.DocumentError` when unparseable."""
        decoded = parse_document(raw, fmt, name=name, positions=True)
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return cls(decoded.data, text.removeprefix("\ufeff"), fmt, decoded.positions)

    @classmethod
    def inline(cls, data: object) -> SchemeDocument:
        """A document that arrived inside a larger JSON body (no text, no positions)."""
        return cls(data, "", "json")


class SchemeCache:
    """Documents, parsed schemes and their hashes by content, least recently used first out.

    Parsing, checking and hashing are pure functions of the document, so the same inline
    scheme sent with every calculation, or a stored version read again, is parsed once.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._schemes: OrderedDict[str, tuple[Scheme, str]] = OrderedDict()
        self._hashes: dict[int, str] = {}
        self._documents: OrderedDict[str, tuple[SchemeDocument, Scheme]] = OrderedDict()

    @staticmethod
    def _key(*parts: str) -> str:
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def parse(self, data: object) -> Scheme:
        """:func:`app.engine.parse_scheme`, memoised; raises its ``SchemeError``."""
        # repr() tells Decimal('5') from '5' and 5, and keeps mapping order (which the
        # engine's output follows), so equal keys mean equal documents.
        key = self._key(repr(data))
        with self._lock:
            hit = self._schemes.get(key)
            if hit is not None:
                self._schemes.move_to_end(key)
                return hit[0]
        scheme = parse_scheme(data)
        digest = scheme_hash(scheme)
        with self._lock:
            self._schemes[key] = (scheme, digest)
            self._hashes[id(scheme)] = digest
            while len(self._schemes) > self._size:
                old, _ = self._schemes.popitem(last=False)[1]
                self._hashes.pop(id(old), None)
        return scheme

    def hash(self, scheme: Scheme) -> str:
        with self._lock:
            known = self._hashes.get(id(scheme))
        return known if known is not None else scheme_hash(scheme)

    def stored(self, text: str, fmt: str) -> tuple[SchemeDocument, Scheme]:
        """A stored version's document and scheme, by its text (decoded and parsed once)."""
        assert fmt in ("yaml", "json")
        key = self._key(fmt, text)
        with self._lock:
            hit = self._documents.get(key)
            if hit is not None:
                self._documents.move_to_end(key)
                return hit
        doc = SchemeDocument.parse(text, "yaml" if fmt == "yaml" else "json", "stored version")
        found = (doc, self.parse(doc.data))
        with self._lock:
            self._documents[key] = found
            while len(self._documents) > self._size:
                self._documents.popitem(last=False)
        return found


@dataclass(frozen=True, slots=True)
class VersionSummary:
    number: int
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


@dataclass(frozen=True, slots=True)
class SchemeView:
    key: str
    created_at: datetime
    version_count: int
    latest_version: int
    latest_published: int | None
    versions: tuple[VersionSummary, ...] = ()

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
class RunView:
    id: uuid.UUID
    status: str
    period: str
    scheme_key: str
    scheme_version: int
    scheme_hash: str
    engine_version: str
    currency: str
    employees: int
    gross_total: Decimal
    created_at: datetime
    approved_at: datetime | None
    result: str | None  # the result JSON text, when asked for

    @classmethod
    def of(cls, row: RunRow, result: str | None) -> RunView:
        run = row.run
        return cls(
            run.id,
            run.status,
            run.period,
            row.scheme_key,
            row.scheme_version,
            run.scheme_hash,
            run.engine_version,
            run.currency,
            run.employee_count,
            run.gross_total,
            run.created_at,
            run.approved_at,
            result,
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

    def as_dict(self, item: Any) -> dict[str, Any]:
        return {
            "items": [item(i) for i in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }

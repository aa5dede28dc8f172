"""The one cache of scheme versions a process keeps.

Parsing a scheme document is a pure function of its text, and a published version never
changes again (the database refuses it), so both can be kept: documents and parsed schemes
by content, and published versions by (database, scheme key, version number), which lets a
payroll that names a version this process has read skip the database entirely. Drafts and
``{key, on}`` references are read from the database every time.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from app.db.models import VERSION_PUBLISHED, SchemeVersion
from app.db.session import Database
from app.engine import Scheme, parse_scheme

from .types import SchemeDocument

__all__ = ["SCHEMES", "PublishedVersion", "SchemeCache", "document_of", "scheme_of"]


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """A published version as a payroll needs it: its row id (a run refers to it), its
    number, and its rules."""

    id: int
    scheme_id: int
    number: int
    scheme: Scheme
    #: The rules under the organisation policy the version is checked against, for the
    #: payroll's findings (``app.services.policy.checked_scheme``); None: ``scheme``'s own.
    checked: Scheme | None = None


class SchemeCache:
    """Documents and parsed schemes by content, least recently used first out (a scheme's
    hash is memoised by the engine, per scheme object).

    Parsing, checking and hashing are pure functions of the document, so the same inline
    scheme sent with every calculation, or a stored version read again, is parsed once.
    """

    def __init__(self, size: int = 64, published: int = 256) -> None:
        self._size = size
        self._published_size = published
        self._lock = threading.Lock()
        self._published: weakref.WeakKeyDictionary[
            Database, dict[tuple[str, int], PublishedVersion]
        ] = weakref.WeakKeyDictionary()
        self._schemes: OrderedDict[str, Scheme] = OrderedDict()
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
                return hit
        scheme = parse_scheme(data)
        with self._lock:
            self._schemes[key] = scheme
            while len(self._schemes) > self._size:
                self._schemes.popitem(last=False)
        return scheme

    def document(self, text: str, fmt: str) -> tuple[SchemeDocument, Scheme]:
        """A stored document and its scheme, by its text (decoded and parsed once)."""
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

    def stored(self, version: SchemeVersion) -> tuple[SchemeDocument, Scheme]:
        return self.document(version.source_text, version.source_format)

    def published(self, db: Database, key: str, number: int) -> PublishedVersion | None:
        """Version ``number`` of ``key`` when it is published and this process has read it."""
        with self._lock:
            return self._published.get(db, {}).get((key, number))

    def version(
        self,
        db: Database,
        key: str,
        version: SchemeVersion,
        checked: Callable[[Scheme], Scheme] | None = None,
    ) -> PublishedVersion:
        """``version`` with its rules (and ``checked(rules)``, its rules under the policy it
        is checked against); kept for :meth:`published` if it is published."""
        scheme = self.stored(version)[1]
        found = PublishedVersion(
            version.id,
            version.scheme_id,
            version.number,
            scheme,
            None if checked is None else checked(scheme),
        )
        if version.status == VERSION_PUBLISHED:
            with self._lock:
                known = self._published.setdefault(db, {})
                if len(known) >= self._published_size:
                    known.clear()
                known[key, version.number] = found
        return found


#: The process's cache, shared by every request.
SCHEMES: Final = SchemeCache()


def document_of(version: SchemeVersion) -> SchemeDocument:
    """A stored version's decoded document (cached)."""
    return SCHEMES.stored(version)[0]


def scheme_of(version: SchemeVersion) -> Scheme:
    """A stored version's parsed rules (cached)."""
    return SCHEMES.stored(version)[1]

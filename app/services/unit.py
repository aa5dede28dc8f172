"""Transactions (the only place a session begins and commits) and the shared scheme cache."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final

from sqlalchemy.exc import IntegrityError

from app.db.models import SchemeVersion
from app.db.repository import Repository
from app.db.session import Database
from app.engine import Scheme

from .errors import Conflict
from .types import SchemeCache, SchemeDocument

__all__ = ["SCHEMES", "now", "read", "stored", "write"]

#: Parsed schemes and decoded stored documents, shared by every request of the process.
SCHEMES: Final = SchemeCache()


def now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def write(db: Database) -> Iterator[Repository]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    try:
        with db.session() as session, session.begin():
            yield Repository(session)
    except IntegrityError as exc:
        # A unique key or an immutability trigger refused the write: someone else changed
        # the same thing first (the checks before the write saw the old state).
        raise Conflict(
            "CONCURRENT_CHANGE", "the change conflicts with the stored state; reload and retry"
        ) from exc


@contextmanager
def read(db: Database) -> Iterator[Repository]:
    """A read-only unit: whatever it started is rolled back when the session closes."""
    with db.session() as session:
        yield Repository(session)


def stored(version: SchemeVersion) -> tuple[SchemeDocument, Scheme]:
    """A stored version's decoded document and parsed scheme (both cached)."""
    return SCHEMES.stored(version.source_text, version.source_format)

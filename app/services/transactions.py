"""Transactions: the only place a session begins and commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from app.db.repository import Repository
from app.db.session import Database

from .errors import Conflict

__all__ = ["read", "write"]


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

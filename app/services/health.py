"""Readiness: the database answers, and is migrated to the revision this code expects."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from app.db.models import SCHEMA_REVISION
from app.db.session import Database

from .errors import Unavailable

__all__ = ["ready"]


def ready(db: Database) -> str:
    """The database's revision; 503 (:class:`Unavailable`) when it is unreachable or behind."""
    try:
        revision = db.revision()
    except DBAPIError:
        raise Unavailable("DATABASE_UNREACHABLE", "the database cannot be reached") from None
    if revision != SCHEMA_REVISION:
        raise Unavailable(
            "DATABASE_NOT_MIGRATED",
            f"the database is at revision {revision or 'none'}, not {SCHEMA_REVISION}; "
            "run the migrations (alembic upgrade head)",
        )
    return revision

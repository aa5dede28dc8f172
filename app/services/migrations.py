"""The database's schema for the command line: migrate it, and say where it stands.

The CLI reaches the database only through the services, like every shell; this is the
Alembic side of it (``compcalc db upgrade|downgrade|current``).
"""

from __future__ import annotations

from app.db import migrate

__all__ = ["current", "downgrade", "heads", "upgrade"]


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (default: the latest)."""
    migrate.upgrade(url, revision)


def downgrade(url: str | None = None, revision: str = "-1") -> None:
    """Revert migrations down to ``revision`` (default: one step)."""
    migrate.downgrade(url, revision)


def current(url: str | None = None) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    return migrate.current(url)


def heads() -> tuple[str, ...]:
    """The latest revisions this code knows."""
    return migrate.heads()

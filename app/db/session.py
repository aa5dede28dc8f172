"""Connections: one engine and session factory per database URL.

Nothing here begins or commits a transaction on its own; :mod:`app.services` does (see
docs/api.md, "Transactions").  Sessions keep loaded objects usable after commit
(``expire_on_commit=False``) so a service can return what it wrote without another query.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from .models import SCHEMA_REVISION

__all__ = ["Database", "is_sqlite"]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # SQLite leaves foreign keys off unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


class Database:
    """The engine and session factory of one database URL."""

    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 0) -> None:
        self.url = url
        options: dict[str, Any] = {"pool_pre_ping": True}
        if is_sqlite(url):
            # Wait for a competing writer instead of failing at once with "database is locked".
            options["connect_args"] = {"timeout": 30}
        else:
            # Connections beyond pool_size are closed when returned: under steady load that
            # is a new server process per burst, and at a peak the opening and closing made
            # it worse (docs/reliability.md, "Load"); by default a peak waits for the pool.
            options["pool_size"] = pool_size
            options["max_overflow"] = max_overflow
        self.engine: Engine = create_engine(url, **options)
        if is_sqlite(url):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A new session; the caller decides when its transaction ends."""
        return self.sessions()

    def revision(self) -> str | None:
        """The Alembic revision the database is at, None when never migrated.

        Raises (``sqlalchemy.exc.OperationalError`` and friends) when it cannot be reached.
        """
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if found is None else str(found)

    def is_at_head(self) -> bool:
        return self.revision() == SCHEMA_REVISION

    def dispose(self) -> None:
        self.engine.dispose()

"""Alembic environment: connects migrations to compcalc's settings and metadata.

The URL comes from ``app.settings`` so the service and its migrations always target the same
database; a URL set on the Alembic ``Config`` (as tests do) takes precedence. SQLite gets batch
mode because it cannot ALTER most constraints in place.

On PostgreSQL the migrations run holding a transaction-level advisory lock, so that replicas
starting at once (each container's entrypoint migrates) upgrade one after the other: the next
finds the database already at the head and does nothing.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, make_url, pool, text

from app.db import models  # noqa: F401 - registers every table on Base.metadata
from app.db.base import Base
from app.settings import get_settings

config = context.config

# Keep loggers created before migrations ran (the app's, pytest's) working. Code that runs
# migrations in-process can set config.attributes["configure_logging"] = False to skip this.
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


#: The advisory lock key every compcalc migration takes on PostgreSQL (any fixed 64-bit number).
MIGRATION_LOCK = 7_210_447_115_820_193_521


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) without connecting."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=_is_sqlite(url),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Apply migrations over a real connection, in one transaction where the backend allows."""
    url = _database_url()
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=_is_sqlite(url),
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                    )
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""TRUNCATE cannot empty the append-only and immutable tables on PostgreSQL.

Row triggers guard UPDATE and DELETE; TRUNCATE fires none of them, so each protected table
has a statement-level TRUNCATE trigger too, also reached through another table's CASCADE.
The list is checked against the database: a table with UPDATE/DELETE guards and no TRUNCATE
guard fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.db import migrate
from tests.support.localserver import database_url, scratch_database

PROTECTED = {"audit_event", "scheme_version", "payroll_run", "payslip"}


@pytest.fixture
def engine(postgres_server: str, postgres_template: str) -> Iterator[sa.Engine]:
    with scratch_database(postgres_server, "compcalc_truncate", postgres_template) as name:
        url = database_url(postgres_server, name)
        engine = sa.create_engine(url)
        try:
            with engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO audit_event (at, key_name, action, object_type, object_id) "
                        "VALUES (now(), 'cli', 'scheme.create', 'scheme', 'acme-sales')"
                    )
                )
            yield engine
        finally:
            engine.dispose()


def _guards(connection: sa.Connection, *, truncate: bool) -> set[str]:
    """Tables with a user trigger on TRUNCATE (or on UPDATE or DELETE)."""
    # pg_trigger.tgtype bits: 8 DELETE, 16 UPDATE, 32 TRUNCATE.
    mask = 32 if truncate else 8 | 16
    rows = connection.execute(
        sa.text(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND (t.tgtype & :mask) <> 0"
        ),
        {"mask": mask},
    )
    return {row[0] for row in rows}


def test_every_table_guarded_against_changes_is_guarded_against_truncate(
    engine: sa.Engine,
) -> None:
    with engine.connect() as connection:
        assert _guards(connection, truncate=False) == PROTECTED
        assert _guards(connection, truncate=True) == PROTECTED


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_event",
        "TRUNCATE audit_event CASCADE",
        "TRUNCATE scheme_version CASCADE",
        "TRUNCATE payroll_run CASCADE",
        "TRUNCATE payslip",
        "TRUNCATE scheme CASCADE",  # reaches scheme_version, payroll_run and payslip
    ],
)
def test_truncate_is_refused_and_the_rows_stay(engine: sa.Engine, statement: str) -> None:
    with pytest.raises(DBAPIError, match=r"TRUNCATE .* is refused"), engine.begin() as connection:
        connection.execute(sa.text(statement))

    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM audit_event")).scalar() == 1


def test_the_guards_go_and_come_back_with_the_migration(postgres_server: str) -> None:
    with scratch_database(postgres_server, "compcalc_truncate_mig") as name:
        url = database_url(postgres_server, name)
        migrate.upgrade(url)
        migrate.downgrade(url, "e1f2a3b4c5d6")
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                assert _guards(connection, truncate=True) == set()
            migrate.upgrade(url)
            with engine.connect() as connection:
                assert _guards(connection, truncate=True) == PROTECTED
        finally:
            engine.dispose()

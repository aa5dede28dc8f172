"""TRUNCATE cannot empty the append-only and immutable tables on PostgreSQL.

Row triggers guard UPDATE and DELETE; TRUNCATE fires none of them, so each protected table
has a statement-level TRUNCATE trigger too, also reached through another table's CASCADE.
The list is checked against the database: a table with UPDATE/DELETE guards and no TRUNCATE
guard fails the test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.db import migrate
from app.db.models import OrganisationPolicyRecord, PayrollRun, SchemeVersion
from app.db.repository import Repository
from app.db.session import Database
from tests.support.localserver import database_url, scratch_database

PROTECTED = {"audit_event", "scheme_version", "payroll_run", "payslip", "organisation_policy"}
BEFORE_GUARDS = "e1f2a3b4c5d6"
NOW = datetime(2027, 3, 31, 18, 0, tzinfo=UTC)


def _seed(database: Database) -> None:
    """One row in every protected table: an audit event, a published version, an approved run
    and its payslip, a version of the organisation policy."""
    run_id = uuid.uuid4()
    with database.session() as session, session.begin():
        repo = Repository(session)
        repo.add_policy(
            OrganisationPolicyRecord(
                version=1,
                content_hash="sha256:0",
                source_format="yaml",
                source_text="commission_order: strict\n",
                created_at=NOW,
            )
        )
        scheme = repo.add_scheme("acme-sales", NOW)
        version = repo.add_version(
            SchemeVersion(
                scheme_id=scheme.id,
                number=1,
                status="published",
                name="Acme sales",
                currency="EUR",
                effective_from=date(2027, 1, 1),
                effective_to=None,
                content_hash="sha256:0",
                source_format="json",
                source_text="{}",
                created_at=NOW,
                updated_at=NOW,
                published_at=NOW,
            )
        )
        repo.add_run(
            PayrollRun(
                id=run_id,
                scheme_version_id=version.id,
                scheme_id=scheme.id,
                period="2027-03",
                status="draft",
                scheme_hash="sha256:0",
                engine_version="1.0.0",
                currency="EUR",
                employee_count=1,
                gross_total=Decimal("100.00"),
                inputs="{}",
                envelope="{}",
                created_at=NOW,
                approved_at=None,
            ),
            [
                {
                    "run_id": run_id,
                    "employee_id": "E-1",
                    "ordinal": 0,
                    "department": "sales",
                    "role": "rep",
                    "gross": Decimal("100.00"),
                    "document": "{}",
                }
            ],
        )
    with database.session() as session, session.begin():
        assert Repository(session).approve(run_id, NOW)
    with database.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_event (at, key_name, action, object_type, object_id) "
                "VALUES (now(), 'cli', 'scheme.create', 'scheme', 'acme-sales')"
            )
        )


@pytest.fixture
def database(postgres_server: str, postgres_template: str) -> Iterator[Database]:
    with scratch_database(postgres_server, "compcalc_truncate", postgres_template) as name:
        database = Database(database_url(postgres_server, name))
        try:
            _seed(database)
            yield database
        finally:
            database.dispose()


def _counts(connection: sa.Connection) -> dict[str, int]:
    return {
        table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
        for table in sorted(PROTECTED)
    }


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
    database: Database,
) -> None:
    with database.engine.connect() as connection:
        assert _guards(connection, truncate=False) == PROTECTED
        assert _guards(connection, truncate=True) == PROTECTED


@pytest.mark.parametrize(
    ("statement", "refused"),
    [
        ("TRUNCATE audit_event", "audit_event"),
        ("TRUNCATE audit_event CASCADE", "audit_event"),
        ("TRUNCATE scheme_version CASCADE", "scheme_version"),
        ("TRUNCATE payroll_run CASCADE", "payroll_run"),
        ("TRUNCATE payslip", "payslip"),
        ("TRUNCATE payslip CASCADE", "payslip"),
        # Listed together, the referenced tables need no CASCADE to pass the foreign-key check.
        ("TRUNCATE payroll_run, payslip", "payroll_run"),
        ("TRUNCATE payslip, payroll_run, scheme_version", "payslip"),
        ("TRUNCATE organisation_policy", "organisation_policy"),
        ("TRUNCATE organisation_policy CASCADE", "organisation_policy"),
        # Reaches scheme_version, payroll_run and payslip only through CASCADE.
        ("TRUNCATE scheme CASCADE", "(scheme_version|payroll_run|payslip)"),
    ],
)
def test_truncate_is_refused_and_the_rows_stay(
    database: Database, statement: str, refused: str
) -> None:
    with database.engine.connect() as connection:
        before = _counts(connection)
    assert before == {
        "audit_event": 1,
        "organisation_policy": 1,
        "payroll_run": 1,
        "payslip": 1,
        "scheme_version": 1,
    }

    with (
        pytest.raises(DBAPIError, match=rf"TRUNCATE {refused} is refused: ") as caught,
        database.engine.begin() as connection,
    ):
        connection.execute(sa.text(statement))

    assert getattr(caught.value.orig, "sqlstate", None) == "23001"  # restrict_violation
    with database.engine.connect() as connection:
        assert _counts(connection) == before


def test_the_guards_go_and_come_back_with_the_migration(postgres_server: str) -> None:
    with scratch_database(postgres_server, "compcalc_truncate_mig") as name:
        url = database_url(postgres_server, name)
        migrate.upgrade(url)
        migrate.downgrade(url, BEFORE_GUARDS)
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                assert _guards(connection, truncate=True) == set()
                # The organisation policy came after the TRUNCATE guards, with its own.
                older = PROTECTED - {"organisation_policy"}
                assert _guards(connection, truncate=False) == older
            migrate.upgrade(url)
            with engine.connect() as connection:
                assert _guards(connection, truncate=True) == PROTECTED
        finally:
            engine.dispose()

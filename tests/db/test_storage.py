"""Exact money and immutable records, on SQLite and PostgreSQL, below the API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, StatementError

from app.db.models import (
    OrganisationPolicyRecord,
    PayrollRun,
    PayslipRecord,
    SchemeRecord,
    SchemeVersion,
)
from app.db.repository import Repository
from app.db.session import Database

NOW = datetime(2027, 3, 31, 18, 0, tzinfo=UTC)


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    yield db
    db.dispose()


def _version(database: Database, status: str = "draft") -> int:
    with database.session() as session, session.begin():
        repo = Repository(session)
        scheme = repo.add_scheme(f"s-{uuid.uuid4().hex[:8]}", NOW)
        version = repo.add_version(
            SchemeVersion(
                scheme_id=scheme.id,
                number=1,
                status=status,
                name="Test",
                currency="KWD",
                effective_from=date(2027, 1, 1),
                effective_to=None,
                content_hash="sha256:0",
                source_format="json",
                source_text="{}",
                created_at=NOW,
                updated_at=NOW,
                published_at=NOW if status == "published" else None,
            )
        )
        return version.id


def _run(
    database: Database, grosses: dict[str, Decimal], total: Decimal | None = None
) -> uuid.UUID:
    version_id = _version(database, "published")
    with database.session() as session:
        version = session.get(SchemeVersion, version_id)
        assert version is not None
        scheme_id = version.scheme_id
    run_id = uuid.uuid4()
    run = PayrollRun(
        id=run_id,
        scheme_version_id=version_id,
        scheme_id=scheme_id,
        period="2027-03",
        status="draft",
        scheme_hash="sha256:0",
        engine_version="1.0.0",
        currency="KWD",
        employee_count=len(grosses),
        gross_total=sum(grosses.values(), Decimal(0)) if total is None else total,
        inputs="{}",
        envelope="{}",
        created_at=NOW,
        approved_at=None,
    )
    rows = [
        {
            "run_id": run_id,
            "employee_id": employee,
            "ordinal": i,
            "department": "sales",
            "role": "rep",
            "gross": gross,
            "document": "{}",
        }
        for i, (employee, gross) in enumerate(grosses.items())
    ]
    with database.session() as session, session.begin():
        Repository(session).add_run(run, rows)
    return run_id


AMOUNTS = {
    "kopeck": Decimal("0.01"),
    "large": Decimal("12345678901.99"),
    "fils": Decimal("1.234"),  # KWD has three minor digits
    "zero_jpy": Decimal("45000"),
    "negative": Decimal("-0.50"),
}


def test_money_round_trips_exactly(database: Database) -> None:
    run_id = _run(database, AMOUNTS)

    with database.session() as session:
        rows = session.execute(
            select(PayslipRecord.employee_id, PayslipRecord.gross).where(
                PayslipRecord.run_id == run_id
            )
        )
        stored = {employee: gross for employee, gross in rows}
        total = session.scalar(select(PayrollRun.gross_total).where(PayrollRun.id == run_id))

    for name, amount in AMOUNTS.items():
        assert isinstance(stored[name], Decimal)
        assert stored[name] == amount
        assert str(stored[name]) == str(amount)  # the same digits, not just the same value
    assert total == Decimal("12345723902.734")  # the exact sum


def test_money_is_stored_as_exact_text_or_numeric(database: Database) -> None:
    run_id = _run(database, {"fils": Decimal("1.234")})

    with database.engine.connect() as connection:
        if database.backend == "sqlite":
            row = connection.execute(
                text("SELECT typeof(gross), gross FROM payslip WHERE run_id = :id"),
                {"id": run_id.hex},
            ).one()
            assert tuple(row) == ("text", "1.234")
        else:
            row = connection.execute(
                text("SELECT pg_typeof(gross)::text, gross::text FROM payslip WHERE run_id = :id"),
                {"id": run_id},
            ).one()
            assert tuple(row) == ("numeric", "1.234")


def test_a_float_never_reaches_the_database(database: Database) -> None:
    with pytest.raises(StatementError, match="finite Decimal"):
        _run(database, {"float": 0.1}, total=Decimal("0.1"))  # type: ignore[dict-item]


def test_published_version_refuses_a_direct_update(database: Database) -> None:
    version_id = _version(database, "published")

    for statement in (
        "UPDATE scheme_version SET source_text = '{\"x\": 1}' WHERE id = :id",
        "DELETE FROM scheme_version WHERE id = :id",
    ):
        with (
            pytest.raises(DBAPIError, match="published scheme version"),
            database.engine.begin() as connection,
        ):
            connection.execute(text(statement), {"id": version_id})
    with database.session() as session:
        assert session.get(SchemeVersion, version_id).source_text == "{}"  # type: ignore[union-attr]


def test_draft_version_can_be_updated_and_published_once(database: Database) -> None:
    version_id = _version(database, "draft")

    with database.session() as session, session.begin():
        repo = Repository(session)
        assert not repo.replace_draft(version_id, 2, {"source_text": "{}"})  # stale revision
        assert repo.replace_draft(version_id, 1, {"source_text": "{ }"})
        assert not repo.publish(version_id, 1, NOW)  # the ETag of before the change
        assert repo.publish(version_id, 2, NOW)
    with database.session() as session, session.begin():
        repo = Repository(session)
        assert not repo.publish(version_id, 3, NOW)  # a second publish changes nothing
        assert not repo.replace_draft(version_id, 3, {"source_text": "{}"})
    with database.session() as session:
        version = session.get(SchemeVersion, version_id)
        assert version is not None
        assert (version.status, version.source_text, version.revision) == ("published", "{ }", 3)


def _run_key(database: Database, run_id: uuid.UUID) -> object:
    return run_id.hex if database.backend == "sqlite" else run_id


def test_approved_run_and_its_payslips_refuse_direct_changes(database: Database) -> None:
    run_id = _run(database, {"E-1": Decimal("100.00")})
    with database.session() as session, session.begin():
        assert Repository(session).approve(run_id, NOW)
    key = {"id": _run_key(database, run_id)}
    statements = [
        "UPDATE payroll_run SET gross_total = '1.00' WHERE id = :id",
        "DELETE FROM payroll_run WHERE id = :id",
        "UPDATE payslip SET gross = '1.00' WHERE run_id = :id",
        "DELETE FROM payslip WHERE run_id = :id",
        "INSERT INTO payslip (run_id, employee_id, ordinal, department, role, gross, document) "
        "VALUES (:id, 'E-2', 1, 'sales', 'rep', '1.00', '{}')",
    ]
    for statement in statements:
        with (
            pytest.raises(DBAPIError, match="approved payroll run"),
            database.engine.begin() as connection,
        ):
            connection.execute(text(statement), key)

    with database.session() as session:
        run = session.get(PayrollRun, run_id)
        assert run is not None and run.gross_total == Decimal("100.00")
        assert session.get(PayslipRecord, (run_id, "E-1")) is not None


def test_draft_run_can_be_approved_once(database: Database) -> None:
    run_id = _run(database, {"E-1": Decimal("100.00")})

    with database.session() as session, session.begin():
        assert Repository(session).approve(run_id, NOW)
    with database.session() as session, session.begin():
        assert not Repository(session).approve(run_id, NOW)


def test_scheme_keys_are_unique(database: Database) -> None:
    with database.session() as session, session.begin():
        Repository(session).add_scheme("acme", NOW)
    with pytest.raises(DBAPIError), database.session() as session, session.begin():
        Repository(session).add_scheme("acme", NOW)
    with database.session() as session:
        assert len(session.scalars(select(SchemeRecord)).all()) == 1


def _insert_run_like(database: Database, run_id: uuid.UUID, status: str, kind: str) -> None:
    """A direct INSERT of another run of ``run_id``'s pay group and period."""
    with database.session() as session:
        first = session.get(PayrollRun, run_id)
        assert first is not None
        values = {
            "id": _run_key(database, uuid.uuid4()),
            "version": first.scheme_version_id,
            "scheme": first.scheme_id,
            "status": status,
            "kind": kind,
            "corrects": _run_key(database, run_id) if kind == "correction" else None,
            "now": NOW,
        }
    statement = (
        "INSERT INTO payroll_run (id, scheme_version_id, scheme_id, pay_group, period, kind, "
        "corrects, status, scheme_hash, engine_version, currency, employee_count, gross_total, "
        "inputs, envelope, created_at, approved_at) VALUES (:id, :version, :scheme, 'main', "
        "'2027-03', :kind, :corrects, :status, 'sha256:0', '1.0.0', 'KWD', 0, '0', '{}', '{}', "
        ":now, :now)"
    )
    with database.engine.begin() as connection:
        connection.execute(text(statement), values)


def _approved_runs(database: Database) -> int:
    with database.session() as session:
        runs = session.scalars(select(PayrollRun).where(PayrollRun.status == "approved"))
        return len(runs.all())


def test_the_database_holds_one_approved_run_per_pay_group_and_period(
    database: Database,
) -> None:
    run_id = _run(database, {"E-1": Decimal("100.00")})
    with database.session() as session, session.begin():
        assert Repository(session).approve(run_id, NOW)

    # Past the service: the unique partial indexes refuse a second approved regular run, and
    # a second approved correction of the same run.
    with pytest.raises(DBAPIError, match=r"(?i)unique"):
        _insert_run_like(database, run_id, "approved", "regular")
    _insert_run_like(database, run_id, "approved", "correction")
    with pytest.raises(DBAPIError, match=r"(?i)unique"):
        _insert_run_like(database, run_id, "approved", "correction")
    _insert_run_like(database, run_id, "draft", "regular")  # drafts are not limited

    assert _approved_runs(database) == 2  # the run and its one correction


def _policy(database: Database, version: int) -> int:
    with database.session() as session, session.begin():
        record = Repository(session).add_policy(
            OrganisationPolicyRecord(
                version=version,
                content_hash=f"sha256:{version}",
                source_format="yaml",
                source_text="commission_order: strict\n",
                created_at=NOW,
                created_by="cli",
            )
        )
        return record.id


def test_the_organisation_policy_is_append_only(database: Database) -> None:
    first = _policy(database, 1)
    _policy(database, 2)
    for statement in (
        "UPDATE organisation_policy SET source_text = 'commission_order: off' WHERE id = :id",
        "DELETE FROM organisation_policy WHERE id = :id",
    ):
        with (
            pytest.raises(DBAPIError, match="organisation policy is append-only"),
            database.engine.begin() as connection,
        ):
            connection.execute(text(statement), {"id": first})
    with database.session() as session:
        repo = Repository(session)
        current = repo.current_policy()
        assert current is not None and current.version == 2
        older = repo.policy(1)
        assert older is not None and older.source_text == "commission_order: strict\n"
    # Two writers of the same next version: the unique key lets one in.
    with pytest.raises(DBAPIError):
        _policy(database, 2)

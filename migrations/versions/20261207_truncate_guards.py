"""TRUNCATE refused on the append-only and immutable tables

Revision ID: f2a3b4c5d6e7
Revises: e1f2a3b4c5d6
Create Date: 2026-12-07 13:00:00.000000+00:00

The row triggers of audit_event (append-only), scheme_version, payroll_run and payslip
(immutable once published or approved) fire on UPDATE and DELETE, and PostgreSQL's TRUNCATE
fires no row trigger: ``TRUNCATE audit_event`` or ``TRUNCATE payroll_run CASCADE`` emptied
them. A statement-level ``BEFORE TRUNCATE`` trigger on each now refuses it, also when the table
is reached by the CASCADE of another's TRUNCATE. SQLite has no TRUNCATE statement (its
``DELETE FROM t`` is a DELETE, which the row triggers already guard), so there this revision
changes nothing.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "f2a3b4c5d6e7"
down_revision: str | Sequence[str] | None = "e1f2a3b4c5d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables whose rows the row triggers protect, and why a TRUNCATE is refused.
TABLES: tuple[tuple[str, str], ...] = (
    ("audit_event", "the audit trail is append-only"),
    ("scheme_version", "published scheme versions are immutable"),
    ("payroll_run", "approved payroll runs are immutable"),
    ("payslip", "payslips of approved payroll runs are immutable"),
)


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table, reason in TABLES:
        op.execute(
            f"""
            CREATE FUNCTION {table}_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'TRUNCATE {table} is refused: {reason}'
                    USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate()"
        )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table, _ in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_no_truncate()")

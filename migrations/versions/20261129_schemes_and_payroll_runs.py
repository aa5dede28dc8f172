"""Schemes and payroll runs

Revision ID: b3c1d2e4f5a6
Revises:
Create Date: 2026-11-29 22:14:05.239718+00:00

Tables scheme, scheme_version, payroll_run and payslip, and the triggers that make a published
scheme version and an approved payroll run (with its payslips) immutable, even to a direct
UPDATE or DELETE.  Types are spelled out here rather than imported from app.db.types, so this
revision keeps meaning the same DDL whatever the models become.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b3c1d2e4f5a6"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# app.db.types.Money: exact NUMERIC on PostgreSQL, decimal text elsewhere.
MONEY = sa.String(length=48).with_variant(sa.Numeric(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

# (table, trigger name, condition on OLD that forbids the change, message)
_GUARDS = (
    (
        "scheme_version",
        "scheme_version_published_is_immutable",
        "OLD.status = 'published'",
        "a published scheme version cannot be changed or deleted",
    ),
    (
        "payroll_run",
        "payroll_run_approved_is_immutable",
        "OLD.status = 'approved'",
        "an approved payroll run cannot be changed or deleted",
    ),
    (
        "payslip",
        "payslip_of_approved_run_is_immutable",
        "(SELECT status FROM payroll_run WHERE id = OLD.run_id) = 'approved'",
        "a payslip of an approved payroll run cannot be changed or deleted",
    ),
)


def _create_guards() -> None:
    if op.get_context().dialect.name == "postgresql":
        for table, name, condition, message in _GUARDS:
            op.execute(
                f"""
                CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF {condition} THEN
                        RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
                    END IF;
                    IF TG_OP = 'DELETE' THEN
                        RETURN OLD;
                    END IF;
                    RETURN NEW;
                END
                $$
                """
            )
            op.execute(
                f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        op.execute(
            """
            CREATE FUNCTION payslip_insert_into_approved_run() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF (SELECT status FROM payroll_run WHERE id = NEW.run_id) = 'approved' THEN
                    RAISE EXCEPTION 'an approved payroll run cannot get new payslips'
                        USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN NEW;
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER payslip_insert_into_approved_run BEFORE INSERT ON payslip "
            "FOR EACH ROW EXECUTE FUNCTION payslip_insert_into_approved_run()"
        )
        return
    # SQLite: one trigger per event; RAISE(ABORT) fails the statement with a constraint error.
    for table, name, condition, message in _GUARDS:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
                f"FOR EACH ROW WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    op.execute(
        "CREATE TRIGGER payslip_insert_into_approved_run BEFORE INSERT ON payslip "
        "FOR EACH ROW WHEN (SELECT status FROM payroll_run WHERE id = NEW.run_id) = 'approved' "
        "BEGIN SELECT RAISE(ABORT, 'an approved payroll run cannot get new payslips'); END"
    )


def _drop_guards() -> None:
    if op.get_context().dialect.name == "postgresql":
        for table, name, _, _ in _GUARDS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        op.execute("DROP TRIGGER IF EXISTS payslip_insert_into_approved_run ON payslip")
        op.execute("DROP FUNCTION IF EXISTS payslip_insert_into_approved_run()")
        return
    for _, name, _, _ in _GUARDS:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
    op.execute("DROP TRIGGER IF EXISTS payslip_insert_into_approved_run")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme")),
        sa.UniqueConstraint("key", name=op.f("uq_scheme_key")),
    )
    op.create_table(
        "scheme_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("published_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "source_format IN ('yaml', 'json')", name=op.f("ck_scheme_version_source_format")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'published')", name=op.f("ck_scheme_version_status")
        ),
        sa.CheckConstraint("number >= 1", name=op.f("ck_scheme_version_number_positive")),
        sa.ForeignKeyConstraint(
            ["scheme_id"], ["scheme.id"], name=op.f("fk_scheme_version_scheme_id_scheme")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_version")),
        sa.UniqueConstraint("scheme_id", "number", name="uq_scheme_version_scheme_id_number"),
    )
    with op.batch_alter_table("scheme_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheme_version_scheme_id"), ["scheme_id"], unique=False
        )

    op.create_table(
        "payroll_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_version_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scheme_hash", sa.String(length=80), nullable=False),
        sa.Column("engine_version", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("employee_count", sa.Integer(), nullable=False),
        sa.Column("gross_total", MONEY, nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("approved_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("status IN ('draft', 'approved')", name=op.f("ck_payroll_run_status")),
        sa.ForeignKeyConstraint(
            ["scheme_version_id"],
            ["scheme_version.id"],
            name=op.f("fk_payroll_run_scheme_version_id_scheme_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payroll_run")),
    )
    with op.batch_alter_table("payroll_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payroll_run_period_created_at", ["period", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payroll_run_scheme_version_id"), ["scheme_version_id"], unique=False
        )

    op.create_table(
        "payslip",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.String(length=100), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("gross", MONEY, nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["payroll_run.id"],
            name=op.f("fk_payslip_run_id_payroll_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "employee_id", name=op.f("pk_payslip")),
    )
    _create_guards()


def downgrade() -> None:
    """Downgrade schema."""
    _drop_guards()
    op.drop_table("payslip")
    with op.batch_alter_table("payroll_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payroll_run_scheme_version_id"))
        batch_op.drop_index("ix_payroll_run_period_created_at")

    op.drop_table("payroll_run")
    with op.batch_alter_table("scheme_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheme_version_scheme_id"))

    op.drop_table("scheme_version")
    op.drop_table("scheme")

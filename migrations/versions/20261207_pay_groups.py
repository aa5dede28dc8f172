"""Pay groups: a period is approved once, corrected by difference, discarded, four-eyes

Revision ID: e1f2a3b4c5d6
Revises: d9e0f1a2b3c4
Create Date: 2026-12-07 03:00:00.000000+00:00

A payroll run now belongs to a pay group (its scheme, a ``pay_group`` label, a period) and is
``regular`` or a ``correction`` of an approved run. Two partial unique indexes let at most one
regular run of a pay group and period be approved, and an approved run be corrected once.
Runs can be ``superseded`` (another run of their period was approved) or ``discarded``; both
are final, like ``approved``, and the guards refuse any change to them. Runs record who
created and who approved them.

Existing runs move into the group ``main`` as regular runs. If the database already holds two
approved runs of one scheme and period, the upgrade stops before changing anything and lists
them (docs/api.md, "Periods", says how to resolve it).
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "e1f2a3b4c5d6"
down_revision: str | Sequence[str] | None = "d9e0f1a2b3c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
_APPROVED_REGULAR = "status = 'approved' AND kind = 'regular'"
_APPROVED_CORRECTION = "status = 'approved' AND kind = 'correction'"

# (table, trigger name, condition on OLD that forbids the change, message), before and after.
_PAYSLIP_GUARD = (
    "payslip",
    "payslip_of_approved_run_is_immutable",
    "(SELECT status FROM payroll_run WHERE id = OLD.run_id) = 'approved'",
    "a payslip of an approved payroll run cannot be changed or deleted",
)
_VERSION_GUARD = (
    "scheme_version",
    "scheme_version_published_is_immutable",
    "OLD.status = 'published'",
    "a published scheme version cannot be changed or deleted",
)
_OLD_GUARDS = (
    _VERSION_GUARD,
    (
        "payroll_run",
        "payroll_run_approved_is_immutable",
        "OLD.status = 'approved'",
        "an approved payroll run cannot be changed or deleted",
    ),
    _PAYSLIP_GUARD,
)
_NEW_GUARDS = (
    _VERSION_GUARD,
    (
        "payroll_run",
        "payroll_run_approved_is_immutable",
        "OLD.status IN ('approved', 'superseded', 'discarded')",
        "an approved payroll run (or a superseded or discarded one) cannot be changed or deleted",
    ),
    _PAYSLIP_GUARD,
)


def _create_guards(guards: Sequence[tuple[str, str, str, str]]) -> None:
    if op.get_context().dialect.name == "postgresql":
        for table, name, condition, message in guards:
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
                END $$
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
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER payslip_insert_into_approved_run BEFORE INSERT ON payslip "
            "FOR EACH ROW EXECUTE FUNCTION payslip_insert_into_approved_run()"
        )
        return
    for table, name, condition, message in guards:
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


def _drop_guards(guards: Sequence[tuple[str, str, str, str]]) -> None:
    if op.get_context().dialect.name == "postgresql":
        for table, name, _, _ in guards:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        op.execute("DROP TRIGGER IF EXISTS payslip_insert_into_approved_run ON payslip")
        op.execute("DROP FUNCTION IF EXISTS payslip_insert_into_approved_run()")
        return
    for _, name, _, _ in guards:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
    op.execute("DROP TRIGGER IF EXISTS payslip_insert_into_approved_run")


def _refuse_doubly_approved() -> None:
    """Stop, changing nothing, when a scheme and period already has two approved runs."""
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT s.key, r.period, r.id FROM payroll_run r "
                "JOIN scheme_version v ON v.id = r.scheme_version_id "
                "JOIN scheme s ON s.id = v.scheme_id "
                "WHERE r.status = 'approved' AND (v.scheme_id, r.period) IN ("
                "  SELECT v2.scheme_id, r2.period FROM payroll_run r2 "
                "  JOIN scheme_version v2 ON v2.id = r2.scheme_version_id "
                "  WHERE r2.status = 'approved' GROUP BY v2.scheme_id, r2.period "
                "  HAVING COUNT(*) > 1) "
                "ORDER BY s.key, r.period, r.created_at"
            )
        )
        .all()
    )
    if rows:
        listed = "; ".join(  # SQLite holds a UUID as 32 hex digits, PostgreSQL as a uuid
            f"{key} {period}: run {uuid.UUID(str(run_id))}" for key, period, run_id in rows
        )
        raise RuntimeError(
            "cannot upgrade: these pay groups have more than one approved payroll run, and a "
            f"period may be approved once ({listed}). Decide which run was paid, then see "
            'docs/api.md, "Periods", for how to keep only it; nothing was changed.'
        )


def upgrade() -> None:
    """Upgrade schema."""
    _refuse_doubly_approved()
    _drop_guards(_OLD_GUARDS)
    with op.batch_alter_table("payroll_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheme_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("pay_group", sa.String(length=64), server_default="main", nullable=False)
        )
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="regular", nullable=False)
        )
        batch_op.add_column(sa.Column("corrects", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("differences", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("created_by_key_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("created_by_name", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("approved_by_key_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("approved_by_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("approval_comment", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("discarded_at", TIMESTAMP, nullable=True))
        batch_op.add_column(sa.Column("discard_reason", sa.String(length=1000), nullable=True))
    op.execute(
        "UPDATE payroll_run SET scheme_id = "
        "(SELECT scheme_id FROM scheme_version WHERE scheme_version.id = scheme_version_id)"
    )
    with op.batch_alter_table("payroll_run", schema=None) as batch_op:
        batch_op.alter_column("scheme_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("ck_payroll_run_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_payroll_run_status"),
            "status IN ('draft', 'approved', 'superseded', 'discarded')",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_payroll_run_kind"), "kind IN ('regular', 'correction')"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_payroll_run_corrects_kind"),
            "(kind = 'correction') = (corrects IS NOT NULL)",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_payroll_run_scheme_id_scheme"), "scheme", ["scheme_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_payroll_run_corrects_payroll_run"), "payroll_run", ["corrects"], ["id"]
        )
        batch_op.create_index(
            "ix_payroll_run_pay_group", ["scheme_id", "pay_group", "period"], unique=False
        )
        batch_op.create_index(
            "uq_payroll_run_approved_regular",
            ["scheme_id", "pay_group", "period"],
            unique=True,
            sqlite_where=sa.text(_APPROVED_REGULAR),
            postgresql_where=sa.text(_APPROVED_REGULAR),
        )
        batch_op.create_index(
            "uq_payroll_run_approved_correction",
            ["corrects"],
            unique=True,
            sqlite_where=sa.text(_APPROVED_CORRECTION),
            postgresql_where=sa.text(_APPROVED_CORRECTION),
        )
    _create_guards(_NEW_GUARDS)


def downgrade() -> None:
    """Downgrade schema; refused while the database holds what the old schema cannot."""
    count = op.get_bind().scalar(
        sa.text(
            "SELECT COUNT(*) FROM payroll_run WHERE kind = 'correction' OR pay_group <> 'main' "
            "OR status IN ('superseded', 'discarded')"
        )
    )
    if count:
        raise RuntimeError(
            f"cannot downgrade: {count} payroll run(s) are corrections, belong to a pay group "
            "other than main, or are superseded or discarded, which the older schema cannot "
            "hold; nothing was changed"
        )
    _drop_guards(_NEW_GUARDS)
    with op.batch_alter_table("payroll_run", schema=None) as batch_op:
        batch_op.drop_index("uq_payroll_run_approved_correction")
        batch_op.drop_index("uq_payroll_run_approved_regular")
        batch_op.drop_index("ix_payroll_run_pay_group")
        batch_op.drop_constraint(
            batch_op.f("fk_payroll_run_corrects_payroll_run"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_payroll_run_scheme_id_scheme"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("ck_payroll_run_corrects_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_payroll_run_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_payroll_run_status"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_payroll_run_status"), "status IN ('draft', 'approved')"
        )
        for column in (
            "discard_reason",
            "discarded_at",
            "approval_comment",
            "approved_by_name",
            "approved_by_key_id",
            "created_by_name",
            "created_by_key_id",
            "differences",
            "notes",
            "corrects",
            "kind",
            "pay_group",
            "scheme_id",
        ):
            batch_op.drop_column(column)
    _create_guards(_OLD_GUARDS)

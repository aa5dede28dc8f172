"""The organisation policy, stored and versioned

Revision ID: b4c5d6e7f8a9
Revises: a3b4c5d6e7f8
Create Date: 2026-12-07 16:00:00.000000+00:00

``organisation_policy``: one row per version of the company's policy (docs/rules.md
"Policy"), append-only — a trigger refuses UPDATE and DELETE on both databases and TRUNCATE on
PostgreSQL. ``scheme_version.policy_version`` and ``policy_hash``: the policy a version was
published against (NULL for versions published before, and a NULL version with a hash for the
article's defaults).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b4c5d6e7f8a9"
down_revision: str | Sequence[str] | None = "a3b4c5d6e7f8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "organisation_policy"
_MESSAGE = "the organisation policy is append-only: store a new version"


def _create_guard() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION {_TABLE}_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'restrict_violation';
            END
            $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {_TABLE}_is_append_only BEFORE UPDATE OR DELETE ON {_TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {_TABLE}_is_append_only()"
        )
        op.execute(
            f"""
            CREATE FUNCTION {_TABLE}_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'TRUNCATE {_TABLE} is refused: the organisation policy is '
                    'append-only' USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        op.execute(
            f"CREATE TRIGGER {_TABLE}_no_truncate BEFORE TRUNCATE ON {_TABLE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_TABLE}_no_truncate()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {_TABLE}_is_append_only_{event.lower()} BEFORE {event} "
            f"ON {_TABLE} BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )


def _drop_guard() -> None:
    if op.get_context().dialect.name == "postgresql":
        for name in ("is_append_only", "no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_{name} ON {_TABLE}")
            op.execute(f"DROP FUNCTION IF EXISTS {_TABLE}_{name}()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_is_append_only_{event}")


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "source_format IN ('yaml', 'json')", name=op.f("ck_organisation_policy_source_format")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_organisation_policy_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_policy")),
        sa.UniqueConstraint("version", name=op.f("uq_organisation_policy_version")),
    )
    _create_guard()
    # Plain ADD COLUMNs (no batch copy): no row trigger fires, published versions stay as they are.
    op.add_column("scheme_version", sa.Column("policy_version", sa.Integer(), nullable=True))
    op.add_column("scheme_version", sa.Column("policy_hash", sa.String(length=80), nullable=True))


def downgrade() -> None:
    op.drop_column("scheme_version", "policy_hash")
    op.drop_column("scheme_version", "policy_version")
    _drop_guard()
    op.drop_table(_TABLE)

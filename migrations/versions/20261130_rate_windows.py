"""Rate windows: the per-key request counts of the optional rate limit

Revision ID: d9e0f1a2b3c4
Revises: c7d8e9f0a1b2
Create Date: 2026-11-30 02:00:00.000000+00:00

Table rate_window: requests per API key and minute, counted in the database so that every
worker process shares one limit per key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d9e0f1a2b3c4"
down_revision: str | Sequence[str] | None = "c7d8e9f0a1b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "rate_window",
        sa.Column("key_id", sa.Uuid(), nullable=False),
        sa.Column("minute", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_key.id"], name=op.f("fk_rate_window_key_id_api_key")
        ),
        sa.PrimaryKeyConstraint("key_id", "minute", name=op.f("pk_rate_window")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("rate_window")

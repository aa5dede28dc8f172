"""API keys limited to schemes

Revision ID: a3b4c5d6e7f8
Revises: f2a3b4c5d6e7
Create Date: 2026-12-07 14:00:00.000000+00:00

``api_key.schemes``: the scheme keys (or globs such as ``acme-*``) a key reaches, separated
by spaces; NULL for a key that reaches every scheme, which every existing key keeps.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a3b4c5d6e7f8"
down_revision: str | Sequence[str] | None = "f2a3b4c5d6e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy), as the other additions.
    op.add_column("api_key", sa.Column("schemes", sa.String(length=1400), nullable=True))


def downgrade() -> None:
    # SQLite ≥ 3.35 drops a column in place.
    op.drop_column("api_key", "schemes")

"""auth: API tokens of `volex serve` (hashes only, never the tokens)

Revision ID: auth_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "auth_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
        sa.Column("expires_ts", sa.BigInteger),
        sa.Column("last_used_ts", sa.BigInteger),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")

"""alerts: price alerts (above / below a level), fired once

Revision ID: 0006
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("condition", sa.String(8), nullable=False),
        sa.Column("price", sa.String(40), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
        sa.Column("triggered_ts", sa.BigInteger),
        sa.Column("triggered_price", sa.String(40)),
    )


def downgrade() -> None:
    op.drop_table("alerts")

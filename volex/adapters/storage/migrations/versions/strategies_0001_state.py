"""strategies: lifecycle state and saved best parameters

Revision ID: strategies_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "strategies_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "strategy_state",
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("best_params", sa.Text),
        sa.Column("objective", sa.String(16)),
        sa.Column("score", sa.Float),
        sa.Column("updated_ts", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("strategy_state")

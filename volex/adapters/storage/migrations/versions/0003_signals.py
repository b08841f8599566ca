"""signals: every decision with its inputs, and the latest signal per market

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("timeframe", sa.String(8), nullable=False),
        sa.Column("as_of_ts", sa.BigInteger, nullable=False),
        sa.Column("decided_ts", sa.BigInteger, nullable=False),
        sa.Column("action", sa.String(4), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("vetoed", sa.Boolean, nullable=False),
        sa.Column("last_close", sa.Float, nullable=False),
        sa.Column("horizon", sa.Integer),
        sa.Column("inputs_digest", sa.String(64), nullable=False),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("actor", sa.String(32)),
        sa.Column("outcome_return", sa.Float),
        sa.Column("outcome_right", sa.Boolean),
        sa.Column("scored_ts", sa.BigInteger),
    )
    op.create_index("ix_decisions_market", "decisions", ["symbol", "timeframe", "decided_ts"])
    op.create_table(
        "signals",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("timeframe", sa.String(8), primary_key=True),
        sa.Column("as_of_ts", sa.BigInteger, nullable=False),
        sa.Column("action", sa.String(4), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("decision_id", sa.String(32), nullable=False),
        sa.Column("signal", sa.Text, nullable=False),
        sa.Column("updated_ts", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("signals")
    op.drop_index("ix_decisions_market", "decisions")
    op.drop_table("decisions")

"""autopilot: the lease (one autopilot per account, with its heartbeat) and the bar journal

Revision ID: autopilot_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "autopilot_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "autopilot_lease",
        sa.Column("account", sa.String(96), primary_key=True),
        sa.Column("holder", sa.String(160), nullable=False),
        sa.Column("host", sa.String(128), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_ts", sa.BigInteger, nullable=False),
        sa.Column("heartbeat_ts", sa.BigInteger, nullable=False),
        sa.Column("expires_ts", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stop_requested", sa.Boolean, nullable=False),
        sa.Column("info", sa.Text, nullable=False),
    )
    op.create_table(
        "autopilot_bars",
        sa.Column("account", sa.String(96), primary_key=True),
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("timeframe", sa.String(8), primary_key=True),
        sa.Column("bar_ts", sa.BigInteger, primary_key=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("client_order_id", sa.String(40)),
        sa.Column("order_id", sa.String(40)),
        sa.Column("holder", sa.String(160), nullable=False),
        sa.Column("updated_ts", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_autopilot_bars_recent", "autopilot_bars", ["account", "updated_ts"])


def downgrade() -> None:
    op.drop_index("ix_autopilot_bars_recent", "autopilot_bars")
    op.drop_table("autopilot_bars")
    op.drop_table("autopilot_lease")

"""money: orders in flight (reservations against the limits, owner lease) and protection intents

Revision ID: money_0001
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "money_0001"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_generations",
        sa.Column("account", sa.String(32), primary_key=True),
        sa.Column("gen", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "orders_in_flight",
        sa.Column("client_order_id", sa.String(40), primary_key=True),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("amount", sa.Text, nullable=False),
        sa.Column("notional", sa.Text, nullable=False),
        sa.Column("cost", sa.Text, nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("heartbeat_ts", sa.BigInteger, nullable=False),
        sa.Column("settled_gen", sa.BigInteger),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_orders_in_flight_account", "orders_in_flight", ["account", "settled_gen"])
    op.create_table(
        "protection_intents",
        sa.Column("client_order_id", sa.String(40), primary_key=True),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("stop_loss_pct", sa.Text),
        sa.Column("take_profit_pct", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("updated_ts", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_protection_intents_status", "protection_intents", ["account", "status"])


def downgrade() -> None:
    op.drop_table("protection_intents")
    op.drop_table("orders_in_flight")
    op.drop_table("account_generations")

"""trading: paper venue ledger (account, assets, positions, orders, fills) and order journal

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("quote", sa.String(16), nullable=False),
        sa.Column("starting_balance", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("reset_ts", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "paper_assets",
        sa.Column("asset", sa.String(16), primary_key=True),
        sa.Column("total", sa.Text, nullable=False),
    )
    op.create_table(
        "paper_positions",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("amount", sa.Text, nullable=False),
        sa.Column("cost_basis", sa.Text, nullable=False),
        sa.Column("realised_pnl", sa.Text, nullable=False),
        sa.Column("fees", sa.Text, nullable=False),
    )
    op.create_table(
        "paper_orders",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(40), nullable=False, unique=True),
        sa.Column("client_order_id", sa.String(40), nullable=False, unique=True),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("amount", sa.Text, nullable=False),
        sa.Column("price", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filled", sa.Text, nullable=False),
        sa.Column("average", sa.Text),
        sa.Column("fee", sa.Text, nullable=False),
        sa.Column("reserved", sa.Text, nullable=False),
        sa.Column("reduce_only", sa.Boolean, nullable=False),
        sa.Column("parent_id", sa.String(40)),
        sa.Column("reason", sa.Text),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
        sa.Column("updated_ts", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_paper_orders_status", "paper_orders", ["status"])
    op.create_table(
        "paper_fills",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.String(40), nullable=False),
        sa.Column("client_order_id", sa.String(40)),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("amount", sa.Text, nullable=False),
        sa.Column("price", sa.Text, nullable=False),
        sa.Column("fee", sa.Text, nullable=False),
        sa.Column("liquidity", sa.String(8), nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_paper_fills_ts", "paper_fills", ["ts"])
    op.create_table(
        "trade_orders",
        sa.Column("client_order_id", sa.String(40), primary_key=True),
        sa.Column("exchange", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("order_id", sa.String(64)),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("amount", sa.Text, nullable=False),
        sa.Column("price", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("filled", sa.Text, nullable=False),
        sa.Column("average", sa.Text),
        sa.Column("fee", sa.Text, nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
        sa.Column("updated_ts", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_trade_orders_status", "trade_orders", ["status"])


def downgrade() -> None:
    op.drop_index("ix_trade_orders_status", "trade_orders")
    op.drop_table("trade_orders")
    op.drop_index("ix_paper_fills_ts", "paper_fills")
    op.drop_table("paper_fills")
    op.drop_index("ix_paper_orders_status", "paper_orders")
    op.drop_table("paper_orders")
    op.drop_table("paper_positions")
    op.drop_table("paper_assets")
    op.drop_table("paper_account")

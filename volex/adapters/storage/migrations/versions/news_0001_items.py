"""news: items with published and first-seen times, Fear & Greed by day, source state

Revision ID: news_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "news_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "news_items",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("story", sa.String(40), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("published_ts", sa.BigInteger),
        sa.Column("seen_ts", sa.BigInteger, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("assets", sa.String(400), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("drivers", sa.Text, nullable=False),
    )
    op.create_index("ix_news_items_ts", "news_items", ["ts"])
    op.create_index("ix_news_items_seen", "news_items", ["seen_ts"])
    op.create_table(
        "news_fear_greed",
        sa.Column("day_ts", sa.BigInteger, primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("classification", sa.String(40), nullable=False),
        sa.Column("seen_ts", sa.BigInteger, nullable=False),
        sa.Column("available_ts", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "news_source_state",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_ok_ts", sa.BigInteger),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_ts", sa.BigInteger),
        sa.Column("items", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("news_source_state")
    op.drop_table("news_fear_greed")
    op.drop_index("ix_news_items_seen", "news_items")
    op.drop_index("ix_news_items_ts", "news_items")
    op.drop_table("news_items")

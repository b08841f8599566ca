"""notify: notification channels and the notification outbox

Revision ID: notify_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "notify_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notify_channels",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("modes", sa.Text, nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
        sa.Column("last_sent_ts", sa.BigInteger),
    )
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("event_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("silent", sa.Boolean, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_ts", sa.BigInteger, nullable=False),
        sa.Column("claimed_until", sa.BigInteger),
        sa.Column("claim", sa.String(32)),
        sa.Column("sent_ts", sa.BigInteger),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("channel", "event_key", name="uq_notify_outbox_event"),
    )
    op.create_index("ix_notify_outbox_due", "notify_outbox", ["sent_ts", "channel", "next_ts"])


def downgrade() -> None:
    op.drop_index("ix_notify_outbox_due", table_name="notify_outbox")
    op.drop_table("notify_outbox")
    op.drop_table("notify_channels")

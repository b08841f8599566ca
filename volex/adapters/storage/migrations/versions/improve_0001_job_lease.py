"""improve: the job lease (one `volex improve` at a time)

Revision ID: improve_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "improve_0001"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_lease",
        sa.Column("job", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(160), nullable=False),
        sa.Column("host", sa.String(128), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_ts", sa.BigInteger, nullable=False),
        sa.Column("expires_ts", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("job_lease")

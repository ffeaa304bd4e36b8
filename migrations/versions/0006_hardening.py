"""Hardening (issue 9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Attempts are logged as SENDING before the request goes out; older rows were written
    # after it, with their answer.
    with op.batch_alter_table("webhook_attempt") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="FAILED")
        )
    op.execute("UPDATE webhook_attempt SET status = 'SUCCEEDED' WHERE success")
    with op.batch_alter_table("webhook_attempt") as batch:
        batch.alter_column("status", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("webhook_attempt") as batch:
        batch.drop_column("status")

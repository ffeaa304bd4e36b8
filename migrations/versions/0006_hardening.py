"""Hardening (issue 9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import brandhub.columns

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

    # Failed sign-ins are counted by the throttle (the limits library), not in the database.
    op.drop_index("ix_sign_in_failure_email_key", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")


def downgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failure_email_key", "sign_in_failure", ["email_key"], unique=False)
    with op.batch_alter_table("webhook_attempt") as batch:
        batch.drop_column("status")

"""After the vote: verified-buyer ratings and reputation (issue 10, part 3)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import brandhub.columns

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fulfilled_at", brandhub.columns.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "product_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("review", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name="ck_product_rating_stars"),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handoff_id", "member_id"),
    )
    with op.batch_alter_table("product_rating", schema=None) as batch_op:
        for column in ("handoff_id", "member_id", "partner_id", "proposal_id"):
            batch_op.create_index(f"ix_product_rating_{column}", [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("product_rating", schema=None) as batch_op:
        for column in ("proposal_id", "partner_id", "member_id", "handoff_id"):
            batch_op.drop_index(f"ix_product_rating_{column}")
    op.drop_table("product_rating")
    with op.batch_alter_table("pledge", schema=None) as batch_op:
        batch_op.drop_column("fulfilled_at")

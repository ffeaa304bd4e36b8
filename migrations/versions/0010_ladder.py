"""After the vote: the support ladder (issue 10, part 1)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import brandhub.columns

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaign_ladder",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("initial_days", sa.Integer(), nullable=False),
        sa.Column(
            "stages",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "ladder_proposal",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("started_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", brandhub.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("updated_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("proposal_id"),
    )
    with op.batch_alter_table("ladder_proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ladder_proposal_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index("ix_ladder_proposal_due", ["status", "deadline"], unique=False)
    op.create_table(
        "ladder_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("supporters", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("deadline", brandhub.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("actor_member_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "sequence"),
    )
    with op.batch_alter_table("ladder_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ladder_event_campaign_id"), ["campaign_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ladder_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ladder_event_campaign_id"))
    op.drop_table("ladder_event")
    with op.batch_alter_table("ladder_proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_ladder_proposal_due")
        batch_op.drop_index(batch_op.f("ix_ladder_proposal_campaign_id"))
    op.drop_table("ladder_proposal")
    op.drop_table("campaign_ladder")

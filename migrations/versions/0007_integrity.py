"""Integrity: pseudonymous chains, signed seals, receipts (issue 8)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 09:30:00

Existing vote events are left exactly as they were hashed (over the member's id, no "v"
field): the recount still checks them; the audit export refuses a campaign that has any.
Their chains get a pseudonym on the voter's next change (or when the campaign closes).
``maxVoterShare`` was never applied to RANKED campaigns: it is cleared there, so the stored
rules say what was counted. Capped campaigns get their weight histograms from their votes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import brandhub.columns

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("score_prior_strength", sa.Float(), nullable=False, server_default="5")
        )
    op.execute("UPDATE campaign SET max_voter_share = NULL WHERE method = 'RANKED'")

    with op.batch_alter_table("voter_chain", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "pseudonym",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch_op.create_index(
            "ix_voter_chain_campaign_id_pseudonym", ["campaign_id", "pseudonym"], unique=False
        )

    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal", JSON, nullable=True))

    op.create_table(
        "tally_bin",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("quanta", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("voters", sa.Integer(), nullable=False),
        sa.Column("value_sum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("proposal_id", "quanta", "slot"),
    )
    with op.batch_alter_table("tally_bin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tally_bin_campaign_id"), ["campaign_id"], unique=False)
    op.execute(
        "INSERT INTO tally_bin (proposal_id, quanta, slot, campaign_id, voters, value_sum)"
        " SELECT vote.proposal_id, CAST(round(vote.weight * 1024) AS INTEGER),"
        " vote.voter_id % 16, vote.campaign_id, count(*), sum(vote.value)"
        " FROM vote JOIN campaign ON campaign.id = vote.campaign_id"
        " WHERE campaign.max_voter_share IS NOT NULL AND vote.weight > 0"
        " GROUP BY vote.proposal_id, CAST(round(vote.weight * 1024) AS INTEGER),"
        " vote.voter_id % 16, vote.campaign_id"
    )

    op.create_table(
        "signing_key",
        sa.Column("kid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("public_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("private_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=True),
        sa.Column("created_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", brandhub.columns.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid"),
        sa.UniqueConstraint("current"),
    )
    op.create_table(
        "campaign_seal",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("root", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("closed_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("key_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("statement", JSON, nullable=False),
        sa.Column("setup", JSON, nullable=False),
        sa.Column("blocks", JSON, nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["key_id"], ["signing_key.kid"]),
        sa.PrimaryKeyConstraint("campaign_id"),
    )


def downgrade() -> None:
    op.drop_table("campaign_seal")
    op.drop_table("signing_key")
    with op.batch_alter_table("tally_bin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tally_bin_campaign_id"))
    op.drop_table("tally_bin")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_column("seal")
    with op.batch_alter_table("voter_chain", schema=None) as batch_op:
        batch_op.drop_index("ix_voter_chain_campaign_id_pseudonym")
        batch_op.drop_column("pseudonym")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("score_prior_strength")

"""The web app: brand embed origins and theme (issue 13)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import brandhub.columns

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("brand", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("accent_color", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True)
        )
        batch_op.add_column(
            sa.Column("logo_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
    op.create_table(
        "brand_embed_origin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("brand_id", "origin"),
    )
    with op.batch_alter_table("brand_embed_origin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brand_embed_origin_origin"), ["origin"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("brand_embed_origin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_brand_embed_origin_origin"))
    op.drop_table("brand_embed_origin")
    with op.batch_alter_table("brand", schema=None) as batch_op:
        batch_op.drop_column("logo_url")
        batch_op.drop_column("accent_color")

"""A ladder hands off each approved proposal: one handoff per (campaign, partner, proposal)

A fixed-window campaign has one winner, so its handoffs were unique per (campaign, partner);
a ladder campaign approves every proposal that reaches review, each handed to the invited
partners on its own.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 14:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite reflects the old constraint without a name; this convention names it for the batch.
_NAMES = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}
_OLD = ["campaign_id", "partner_id"]
_NEW = ["campaign_id", "partner_id", "proposal_id"]


def _swap(drop: list[str], create: list[str]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(f"handoff_{'_'.join(drop)}_key", "handoff", type_="unique")
        op.create_unique_constraint(f"handoff_{'_'.join(create)}_key", "handoff", create)
        return
    with op.batch_alter_table("handoff", naming_convention=_NAMES, recreate="always") as batch:
        batch.drop_constraint(f"uq_handoff_{'_'.join(drop)}", type_="unique")
        batch.create_unique_constraint(f"uq_handoff_{'_'.join(create)}", create)


def upgrade() -> None:
    _swap(_OLD, _NEW)


def downgrade() -> None:
    _swap(_NEW, _OLD)

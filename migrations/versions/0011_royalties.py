"""After the vote: sales and the royalty ledger (issue 10, part 2)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 09:30:00

The ledger is append-only and double-entry, and the database holds it to that: triggers
refuse to post a transaction whose entries do not sum to zero per currency (or that has
fewer than two), to add an entry to a posted transaction, to insert one already posted, and
to update an entry or a posted transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import brandhub.columns

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

UNBALANCED = (
    "(SELECT count(*) FROM ledger_entry WHERE transaction_id = NEW.id) < 2"
    " OR EXISTS (SELECT 1 FROM ledger_entry WHERE transaction_id = NEW.id"
    " GROUP BY currency HAVING sum(amount_minor) <> 0)"
)

SQLITE_TRIGGERS = [
    "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE ON ledger_entry"
    " BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
    "CREATE TRIGGER ledger_entry_open BEFORE INSERT ON ledger_entry"
    " WHEN (SELECT posted FROM ledger_transaction WHERE id = NEW.transaction_id)"
    " BEGIN SELECT RAISE(ABORT, 'ledger transaction already posted'); END",
    "CREATE TRIGGER ledger_transaction_unposted BEFORE INSERT ON ledger_transaction"
    " WHEN NEW.posted BEGIN SELECT RAISE(ABORT, 'post a ledger transaction after its entries');"
    " END",
    "CREATE TRIGGER ledger_transaction_post BEFORE UPDATE ON ledger_transaction BEGIN"
    " SELECT RAISE(ABORT, 'posted ledger transactions are append-only') WHERE OLD.posted;"
    f" SELECT RAISE(ABORT, 'ledger transaction does not balance') WHERE NEW.posted AND ({UNBALANCED});"
    " END",
]

POSTGRES_FUNCTIONS = [
    """CREATE FUNCTION ledger_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'ledger entries are append-only';
  END IF;
  IF (SELECT posted FROM ledger_transaction WHERE id = NEW.transaction_id) THEN
    RAISE EXCEPTION 'ledger transaction already posted';
  END IF;
  RETURN NEW;
END $$""",
    f"""CREATE FUNCTION ledger_transaction_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.posted THEN
      RAISE EXCEPTION 'post a ledger transaction after its entries';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.posted THEN
    RAISE EXCEPTION 'posted ledger transactions are append-only';
  END IF;
  IF NEW.posted AND ({UNBALANCED}) THEN
    RAISE EXCEPTION 'ledger transaction does not balance';
  END IF;
  RETURN NEW;
END $$""",
    "CREATE TRIGGER ledger_entry_guard BEFORE INSERT OR UPDATE ON ledger_entry"
    " FOR EACH ROW EXECUTE FUNCTION ledger_entry_guard()",
    "CREATE TRIGGER ledger_transaction_guard BEFORE INSERT OR UPDATE ON ledger_transaction"
    " FOR EACH ROW EXECUTE FUNCTION ledger_transaction_guard()",
]


def upgrade() -> None:
    op.create_table(
        "ledger_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("owner_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("brand_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("created_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brand.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "owner_key", "currency"),
    )
    with op.batch_alter_table("ledger_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_account_brand_id"), ["brand_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ledger_account_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_account_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "royalty_rules",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("brand_percent", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("authors_percent", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("updated_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "handoff_royalties",
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("brand_percent", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("authors_percent", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("author_ids", JSON, nullable=False),
        sa.Column("frozen_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("handoff_id"),
    )
    op.create_table(
        "sales_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("net_revenue_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("reversal_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("created_at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", brandhub.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["sales_report.id"],
        ),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partner_id", "idempotency_key"),
    )
    with op.batch_alter_table("sales_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_report_handoff_id"), ["handoff_id"], unique=False
        )

    op.create_table(
        "ledger_transaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("sales_report_id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("memo", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("posted", sa.Boolean(), nullable=False),
        sa.Column("at", brandhub.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_transaction.id"],
        ),
        sa.ForeignKeyConstraint(
            ["sales_report_id"],
            ["sales_report.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reverses_id"),
    )
    with op.batch_alter_table("ledger_transaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_transaction_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ledger_transaction_handoff_id"), ["handoff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_transaction_sales_report_id"), ["sales_report_id"], unique=False
        )

    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.CheckConstraint("amount_minor <> 0", name="ck_ledger_entry_nonzero"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["ledger_account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["ledger_transaction.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entry_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entry_transaction_id"), ["transaction_id"], unique=False
        )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_FUNCTIONS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_transaction_guard ON ledger_transaction")
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_guard ON ledger_entry")
        op.execute("DROP FUNCTION IF EXISTS ledger_transaction_guard()")
        op.execute("DROP FUNCTION IF EXISTS ledger_entry_guard()")
    else:
        for name in (
            "ledger_transaction_post",
            "ledger_transaction_unposted",
            "ledger_entry_open",
            "ledger_entry_append_only",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_transaction_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_account_id"))

    op.drop_table("ledger_entry")
    with op.batch_alter_table("ledger_transaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_transaction_sales_report_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_transaction_handoff_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_transaction_at"))

    op.drop_table("ledger_transaction")
    with op.batch_alter_table("sales_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_report_handoff_id"))

    op.drop_table("sales_report")
    op.drop_table("handoff_royalties")
    op.drop_table("royalty_rules")
    with op.batch_alter_table("ledger_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_account_partner_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_account_member_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_account_brand_id"))

    op.drop_table("ledger_account")

"""Tables of royalties: rules per campaign, rules frozen per handoff, sales reports, the ledger.

The ledger is append-only and double-entry. An entry's ``amount_minor`` is in the currency's
minor unit, positive for a debit and negative for a credit; a transaction is *posted* once
all its entries are written, and the database refuses to post one whose entries do not sum
to zero per currency, to add entries to a posted one, or to change either afterwards
(triggers of migration 0011). Only posted transactions count.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from brandhub.columns import JSONType, UTCDateTime


class AccountKind(StrEnum):
    # What a partner owes in royalties (debit-normal).
    PARTNER_PAYABLE = "PARTNER_PAYABLE"
    # What is owed to a brand, and to a credited author (credit-normal).
    BRAND_ROYALTIES = "BRAND_ROYALTIES"
    AUTHOR_ROYALTIES = "AUTHOR_ROYALTIES"


class TransactionKind(StrEnum):
    ACCRUAL = "ACCRUAL"
    REVERSAL = "REVERSAL"


class ReportStatus(StrEnum):
    RECORDED = "RECORDED"
    REVERSED = "REVERSED"


class RoyaltyRules(SQLModel, table=True):
    """A campaign's royalty rules, set by its owner until voting opens."""

    __tablename__ = "royalty_rules"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    brand_percent: str = Field(max_length=12)
    authors_percent: str = Field(max_length=12)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class HandoffRoyalties(SQLModel, table=True):
    """The rules and the credited authors, frozen when the handoff was created."""

    __tablename__ = "handoff_royalties"

    handoff_id: int = Field(foreign_key="handoff.id", primary_key=True, ondelete="CASCADE")
    brand_percent: str = Field(max_length=12)
    authors_percent: str = Field(max_length=12)
    author_ids: list[int] = Field(sa_column=Column(JSONType, nullable=False))
    frozen_at: datetime = Field(sa_type=UTCDateTime)


class SalesReport(SQLModel, table=True):
    """Sales of a shipped product over a period, as its partner reported them."""

    __tablename__ = "sales_report"
    __table_args__ = (UniqueConstraint("partner_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id", index=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id")
    idempotency_key: str = Field(max_length=100)
    # SHA-256 of the canonical report: the same key with another report is a conflict.
    fingerprint: str = Field(max_length=64)
    period_start: date
    period_end: date
    units: int
    net_revenue_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    status: str = Field(default=ReportStatus.RECORDED, max_length=12)
    corrects_id: int | None = Field(default=None, foreign_key="sales_report.id")
    reversal_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    reversed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LedgerAccount(SQLModel, table=True):
    """A ledger account in one currency: a partner's payable, a brand's or an author's due."""

    __tablename__ = "ledger_account"
    __table_args__ = (UniqueConstraint("kind", "owner_key", "currency"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    # "partner:7", "brand:3", "member:12": one account per owner, kind and currency.
    owner_key: str = Field(max_length=40)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    currency: str = Field(max_length=3)
    created_at: datetime = Field(sa_type=UTCDateTime)


class LedgerTransaction(SQLModel, table=True):
    """A balanced set of entries: the accrual of one sales report, or its reversal."""

    __tablename__ = "ledger_transaction"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    sales_report_id: int = Field(foreign_key="sales_report.id", index=True)
    handoff_id: int = Field(foreign_key="handoff.id", index=True)
    reverses_id: int | None = Field(default=None, foreign_key="ledger_transaction.id", unique=True)
    memo: str = Field(default="", max_length=1000)
    posted: bool = Field(default=False)
    at: datetime = Field(sa_type=UTCDateTime, index=True)


class LedgerEntry(SQLModel, table=True):
    """One line of a transaction: a debit (positive) or a credit (negative) to an account."""

    __tablename__ = "ledger_entry"
    __table_args__ = (CheckConstraint("amount_minor <> 0", name="ck_ledger_entry_nonzero"),)

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(foreign_key="ledger_transaction.id", index=True)
    account_id: int = Field(foreign_key="ledger_account.id", index=True)
    amount_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)

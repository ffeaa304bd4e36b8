"""Every table of brandhub, imported in one place for Alembic and the tests."""

from sqlmodel import SQLModel

from brandhub.auth.models import Member, PartnerApiKey, SessionToken
from brandhub.community.models import (
    Brand,
    Campaign,
    Comment,
    EmbedOrigin,
    Membership,
    ModerationAction,
    Proposal,
    Revision,
)
from brandhub.ladder.models import CampaignLadder, LadderEvent, LadderProposal
from brandhub.partners.models import (
    CampaignPartner,
    Handoff,
    HandoffEvent,
    MemberNotification,
    OutboxEvent,
    Partner,
    Pledge,
    PledgeTotal,
    WebhookAttempt,
    WebhookSecret,
)
from brandhub.ratings.models import ProductRating
from brandhub.royalties.models import (
    HandoffRoyalties,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    RoyaltyRules,
    SalesReport,
)
from brandhub.voting.models import (
    Ballot,
    CampaignResultRow,
    CampaignSeal,
    CampaignSlot,
    SigningKey,
    TallyBin,
    TallySlot,
    VelocityFlag,
    Vote,
    VoteEvent,
    VoterChain,
)

metadata = SQLModel.metadata

__all__ = [
    "Ballot",
    "Brand",
    "Campaign",
    "CampaignLadder",
    "CampaignPartner",
    "CampaignResultRow",
    "CampaignSeal",
    "CampaignSlot",
    "Comment",
    "EmbedOrigin",
    "Handoff",
    "HandoffEvent",
    "HandoffRoyalties",
    "LadderEvent",
    "LadderProposal",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Member",
    "MemberNotification",
    "Membership",
    "ModerationAction",
    "OutboxEvent",
    "Partner",
    "PartnerApiKey",
    "Pledge",
    "PledgeTotal",
    "ProductRating",
    "Proposal",
    "Revision",
    "RoyaltyRules",
    "SalesReport",
    "SessionToken",
    "SigningKey",
    "TallyBin",
    "TallySlot",
    "VelocityFlag",
    "Vote",
    "VoteEvent",
    "VoterChain",
    "WebhookAttempt",
    "WebhookSecret",
    "metadata",
]

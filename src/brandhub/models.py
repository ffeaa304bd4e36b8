"""Every table of brandhub, imported in one place for Alembic and the tests."""

from sqlmodel import SQLModel

from brandhub.auth.models import Member, PartnerApiKey, SessionToken, SignInFailure
from brandhub.community.models import (
    Brand,
    Campaign,
    Comment,
    Membership,
    ModerationAction,
    Proposal,
    Revision,
)
from brandhub.partners.models import Partner
from brandhub.voting.models import (
    Ballot,
    CampaignResultRow,
    CampaignSlot,
    TallySlot,
    VelocityFlag,
    Vote,
    VoteEvent,
    VoterChain,
)

metadata = SQLModel.metadata

__all__ = [
    "Ballot",
    "CampaignResultRow",
    "CampaignSlot",
    "TallySlot",
    "VelocityFlag",
    "Vote",
    "VoteEvent",
    "VoterChain",
    "Brand",
    "Campaign",
    "Comment",
    "Member",
    "Membership",
    "ModerationAction",
    "Partner",
    "PartnerApiKey",
    "Proposal",
    "Revision",
    "SessionToken",
    "SignInFailure",
    "metadata",
]

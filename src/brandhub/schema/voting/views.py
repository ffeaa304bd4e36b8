"""Resolver bodies of the voting fields on Campaign (kept out of the community types)."""

from __future__ import annotations

from fractions import Fraction

from strawberry.types import Info

from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign
from brandhub.schema.community.types import moderates, viewer_id
from brandhub.schema.context import Context
from brandhub.schema.errors import bad_request, forbidden, integrity_failure
from brandhub.schema.relay import MAX_PAGE_SIZE, to_global_id
from brandhub.schema.voting.live import top
from brandhub.schema.voting.types import (
    BallotType,
    RankedProposalType,
    ResultsType,
    SignedSealType,
    VelocityFlagType,
    ViewerVoteType,
    VoterReceiptType,
)
from brandhub.voting import counters, methods, reads, scoring, sealing
from brandhub.voting.models import CampaignSeal


async def leaderboard(
    info: Info[Context, None], campaign_id: int, first: int
) -> list[RankedProposalType]:
    """The live top of a campaign."""
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise bad_request(f"first must be between 0 and {MAX_PAGE_SIZE}.")
    return await top(info, campaign_id, first)


async def campaign_voters(info: Info[Context, None], campaign_id: int) -> int:
    """Distinct counted voters of a campaign, from its counter slots."""
    async with info.context.db.read() as session:
        return await counters.campaign_voters(session, campaign_id)


def audit_path(campaign_id: int) -> str:
    """Where anyone downloads a closed campaign's audit file."""
    return f"/audit/{to_global_id('Campaign', campaign_id)}.ndjson"


def _entry(row: dict[str, object]) -> RankedProposalType:
    score = row["score"]
    # Results stored before exact counting hold float scores and no tie flags.
    exact = scoring.parse(score) if isinstance(score, str) else Fraction(str(score))
    return RankedProposalType.of(
        int(row["rank"]), int(row["proposal"]), exact, bool(row.get("tied", False))
    )


async def results(info: Info[Context, None], campaign_id: int) -> ResultsType | None:
    """The result stored at close, with its signed seal."""
    async with info.context.db.read() as session:
        row = await reads.stored_result(session, campaign_id)
        sealed = await session.get(CampaignSeal, campaign_id) if row else None
    if row is None:
        return None
    return ResultsType(
        voters=row.voters,
        quorum_met=row.quorum_met,
        ranking=[_entry(e) for e in row.ranking],
        seal=row.seal,
        signed_seal=SignedSealType.of(sealing.signed_seal(sealed)) if sealed else None,
        audit_url=audit_path(campaign_id) if sealed else None,
        computed_at=row.computed_at,
        winner_id=row.winner_id,
    )


async def viewer_receipt(info: Info[Context, None], campaign_id: int) -> VoterReceiptType | None:
    """The signed-in member's chain head and, once sealed, its inclusion proof."""
    member_id = await viewer_id(info)
    if member_id is None:
        return None
    async with info.context.db.read() as session:
        try:
            found = await sealing.inclusion(session, campaign_id=campaign_id, voter_id=member_id)
        except ValueError as error:
            raise integrity_failure(f"Your receipt cannot be proven: {error}.") from error
    if found is None:
        return None
    sealed = found.seal
    return VoterReceiptType(
        voter=found.voter,
        seq=found.seq,
        head=found.head,
        leaf_index=found.leaf_index,
        tree_size=sealed.tree_size if sealed else None,
        proof=found.proof,
        seal=SignedSealType.of(sealing.signed_seal(sealed)) if sealed else None,
    )


async def viewer_votes(info: Info[Context, None], campaign_id: int) -> list[ViewerVoteType]:
    """The signed-in member's votes in a campaign."""
    member_id = await viewer_id(info)
    if member_id is None:
        return []
    async with info.context.db.read() as session:
        rows = await reads.votes_of(session, campaign_id=campaign_id, voter_id=member_id)
    return [
        ViewerVoteType(
            value=r.value,
            weight=r.weight,
            pending=r.pending,
            cast_at=r.cast_at,
            proposal_id=r.proposal_id,
        )
        for r in rows
    ]


async def viewer_ballot(info: Info[Context, None], campaign_id: int) -> BallotType | None:
    """The signed-in member's ranked ballot."""
    member_id = await viewer_id(info)
    if member_id is None:
        return None
    async with info.context.db.read() as session:
        row = await reads.ballot_of(session, campaign_id=campaign_id, voter_id=member_id)
    if row is None:
        return None
    return BallotType(
        weight=row.weight, pending=row.pending, cast_at=row.cast_at, proposal_ids=list(row.ranking)
    )


async def viewer_remaining_budget(info: Info[Context, None], campaign: Campaign) -> int | None:
    """Supports or credits the signed-in member has left."""
    member_id = await viewer_id(info)
    rules = rules_of(campaign)
    if member_id is None or methods.budget_limit(rules) is None:
        return None
    assert campaign.id is not None
    async with info.context.db.read() as session:
        rows = await reads.votes_of(session, campaign_id=campaign.id, voter_id=member_id)
    return methods.remaining_budget(rules, {r.proposal_id: r.value for r in rows})


async def velocity_flags(
    info: Info[Context, None], campaign_id: int, brand_id: int
) -> list[VelocityFlagType]:
    """Velocity flags, for the brand's moderators."""
    if not await moderates(info, brand_id):
        raise forbidden("Only the brand's moderators and owners can list velocity flags.")
    async with info.context.db.read() as session:
        rows = await reads.velocity_flags(session, campaign_id)
    return [
        VelocityFlagType(
            new_account_votes=r.new_account_votes,
            window_start=r.window_start,
            raised_at=r.raised_at,
            proposal_id=r.proposal_id,
        )
        for r in rows
    ]

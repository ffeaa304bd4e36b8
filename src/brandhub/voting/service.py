"""Casting and retracting votes and ballots: budgets, weights, slotted tallies, the event chain.

Every change runs in the caller's unit of work: the vote row, the tally counters, the
campaign counters and the chained event commit together or not at all. Each change
returns the voter's receipt (pseudonym, event number and hash).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from brandhub.auth.models import Member
from brandhub.community.campaigns import get_campaign, rules_of
from brandhub.community.models import Campaign, Membership, Phase, Proposal, ProposalStatus
from brandhub.errors import Forbidden, NotFound
from brandhub.partners.pledges import pledged_units
from brandhub.voting import chain, chains, counters, methods, reads, scoring, statements
from brandhub.voting.chain import ChainState, Receipt
from brandhub.voting.driver import driver_of
from brandhub.voting.errors import BudgetExceededError, InvalidVote, VotingClosed
from brandhub.voting.methods import Tally, TallyDelta, VotingMethod, VotingRules
from brandhub.voting.models import Ballot, VelocityFlag, Vote, VoterChain
from brandhub.voting.weights import VoterWeight, WeightingPolicy, voter_weight

VOTABLE = (ProposalStatus.ACTIVE, ProposalStatus.SHORTLISTED)
MAX_BALLOT_LENGTH = 1000
# Velocity guard: this many votes from accounts younger than NEW_ACCOUNT_AGE on one
# proposal within VELOCITY_WINDOW raise a flag for moderators.
NEW_ACCOUNT_AGE = timedelta(days=7)
VELOCITY_WINDOW = timedelta(minutes=10)
VELOCITY_THRESHOLD = 10


@dataclass(frozen=True)
class VoteResult:
    """What castVote and retractVote return: the vote (None once retracted), the new tally
    and exact score, and the voter's receipt."""

    vote: Vote | None
    proposal_id: int
    campaign_id: int
    tally: Tally
    score: Fraction
    receipt: Receipt


@dataclass(frozen=True)
class BallotResult:
    """What castBallot returns: the ballot (None once withdrawn) and the voter's receipt."""

    ballot: Ballot | None
    receipt: Receipt


@dataclass(frozen=True)
class _Voter:
    campaign: Campaign
    rules: VotingRules
    role: str


async def _voter_in(session: AsyncSession, campaign: Campaign, voter: Member) -> _Voter:
    """Check the voter is a brand member and the campaign is voting."""
    role = await session.scalar(
        select(Membership.role).where(
            Membership.brand_id == campaign.brand_id, Membership.member_id == voter.id
        )
    )
    return _check_voter(campaign, role)


def _check_voter(campaign: Campaign, role: str | None) -> _Voter:
    if role is None:
        raise Forbidden("Only members of the brand may vote.")
    if campaign.phase != Phase.VOTING:
        raise VotingClosed("Votes are accepted only while the campaign is in VOTING.")
    return _Voter(campaign, rules_of(campaign), role)


async def _still_voting(session: AsyncSession, campaign_id: int) -> None:
    """Refuse the change if the campaign closed while it was being made.

    By now the change has inserted its event, whose foreign key holds the campaign row
    FOR KEY SHARE until commit. So either a closing transaction (FOR UPDATE) came first and
    this statement, run after it committed, sees CLOSED; or the close waits for this vote
    and counts it. No vote lands after a result, and no explicit lock is taken on the
    campaign row by every vote (many share-lockers of one row make PostgreSQL build
    multixacts: -30% castVote throughput, measured).
    """
    batch = counters.deferred(session)
    if batch is not None:
        # A batch checks each campaign once, after all its events are written (the same
        # argument: their key-share locks are held from then until the batch commits).
        batch.phases.add(campaign_id)
        return
    await check_still_voting(session, [campaign_id])


# A campaign that is no longer VOTING, among some (run on the driver connection).
_CLOSED = "SELECT id FROM campaign WHERE id = ANY($1) AND phase <> $2 LIMIT 1"


async def check_still_voting(session: AsyncSession, campaign_ids: list[int]) -> None:
    """Raise ``VotingClosed`` if any of these campaigns is no longer VOTING."""
    driver = await driver_of(session)
    if await driver.fetch(_CLOSED, list(campaign_ids), Phase.VOTING.value):
        raise VotingClosed("The campaign closed while this vote was being cast.")


async def _weight(session: AsyncSession, ctx: _Voter, voter: Member, now: datetime) -> VoterWeight:
    pledged = 0
    if ctx.rules.weighting is WeightingPolicy.PLEDGE:
        assert ctx.campaign.id is not None and voter.id is not None
        pledged = await pledged_units(session, campaign_id=ctx.campaign.id, member_id=voter.id)
    reputation = voter.reputation
    if ctx.rules.weighting is WeightingPolicy.REPUTATION:
        # the caller's member row may come from the principal cache, seconds old
        reputation = await session.scalar(select(Member.reputation).where(Member.id == voter.id))
    return voter_weight(
        ctx.rules,
        role=ctx.role,
        reputation=reputation or 0,
        pledged_units=pledged,
        account_created_at=voter.created_at,
        now=now,
    )


async def _append(
    session: AsyncSession, state: ChainState, voter_id: int, body: dict[str, object], now: datetime
) -> Receipt:
    appended = chain.append(state, dict(body), now)
    await chains.store_event(session, voter_id=voter_id, appended=appended)
    return appended.receipt


async def _vote_target(
    session: AsyncSession, proposal_id: int, voter: Member
) -> tuple[Proposal, _Voter]:
    """The proposal, its campaign and the voter's role, in one query; checks who and when."""
    row = (
        await session.execute(
            select(Proposal, Campaign, Membership.role)
            .join(Campaign, Campaign.id == Proposal.campaign_id)
            .outerjoin(
                Membership,
                and_(Membership.brand_id == Campaign.brand_id, Membership.member_id == voter.id),
            )
            .where(Proposal.id == proposal_id)
            .options(defer(Proposal.spec), defer(Campaign.spec_schema))
        )
    ).first()
    if row is None or row[0].status == ProposalStatus.HIDDEN:
        raise NotFound("No such proposal.", field=["proposalId"])
    proposal, campaign, role = row
    return proposal, _check_voter(campaign, role)


async def _live_score(
    session: AsyncSession, ctx: _Voter, proposal_id: int, tally: Tally
) -> Fraction:
    """The proposal's score exactly as the live board shows it."""
    rules = ctx.rules
    if counters.capped(rules) and rules.method is VotingMethod.SCORE:
        # the prior is a mean over every proposal's capped sums: the whole board
        return (await reads.board(session, ctx.campaign)).score_of(proposal_id, tally)
    support = scoring.Support.of_tally(tally)
    if counters.capped(rules):
        bins = await counters.proposal_bins(session, ctx.campaign.id or 0, proposal_id)
        share = scoring.exact_decimal(rules.max_voter_share or 1)
        weight, value = scoring.capped(
            scoring.Support(support.weight, support.value, bins.get(proposal_id, {})), share
        )
        return scoring.score_of(rules.method, weight, value)
    prior = Fraction(0)
    if rules.method is VotingMethod.SCORE:
        assert ctx.campaign.id is not None
        weight_sum, value_sum = await counters.listed_sums(session, ctx.campaign.id)
        listed = scoring.Support.of_tally(Tally(weight_sum=weight_sum, value_sum=value_sum))
        prior = scoring.prior([(Fraction(listed.weight), Fraction(listed.value))])
    return scoring.score_of(
        rules.method,
        Fraction(support.weight),
        Fraction(support.value),
        prior_mean=prior,
        prior_strength=scoring.exact_decimal(rules.score_prior_strength),
    )


async def _new_tally(
    session: AsyncSession, ctx: _Voter, proposal: Proposal, now: datetime
) -> tuple[Tally, Fraction]:
    """The proposal's tally and score after this change; shortlists it at the threshold."""
    assert proposal.id is not None and ctx.campaign.id is not None
    tally = await counters.proposal_tally(session, proposal.id)
    score = await _live_score(session, ctx, proposal.id, tally)
    if proposal.status == ProposalStatus.ACTIVE and methods.reaches_support_threshold(
        ctx.rules, score
    ):
        await session.execute(
            update(Proposal)
            .where(Proposal.id == proposal.id, Proposal.status == ProposalStatus.ACTIVE)
            .values(status=ProposalStatus.SHORTLISTED, updated_at=now)
        )
    return tally, score


# What a change inside a batch answers until the batch's counters are written (then the
# writer runs ``CounterBatch.after`` and puts the real tally in).
TALLY_LATER = Tally()


async def _tally_after(
    session: AsyncSession, ctx: _Voter, proposal: Proposal, now: datetime
) -> tuple[Tally, Fraction]:
    """``_new_tally`` now, or, inside a batch, once the batch's counters are written."""
    batch = counters.deferred(session)
    if batch is None:
        return await _new_tally(session, ctx, proposal, now)
    assert proposal.id is not None

    async def later() -> tuple[Tally, Fraction]:
        return await _new_tally(session, ctx, proposal, now)

    batch.after[proposal.id] = later
    return TALLY_LATER, Fraction(0)


async def _velocity_check(
    session: AsyncSession, *, campaign_id: int, proposal_id: int, voter: Member, now: datetime
) -> None:
    """Flag a burst of votes from new accounts on one proposal (once per window).

    Only a new account's vote looks, and the look stops at the threshold: the count runs
    over at most VELOCITY_THRESHOLD recent votes, however popular the proposal.
    """
    if voter.created_at <= now - NEW_ACCOUNT_AGE:
        return
    since = now - VELOCITY_WINDOW
    recent_new = (
        select(Vote.id)
        .join(Member, Member.id == Vote.voter_id)
        .where(
            Vote.proposal_id == proposal_id,
            Vote.cast_at >= since,
            Member.created_at > now - NEW_ACCOUNT_AGE,
        )
        .limit(VELOCITY_THRESHOLD)
        .subquery()
    )
    burst = await session.scalar(select(func.count()).select_from(recent_new))
    if burst < VELOCITY_THRESHOLD:
        return
    flagged = await session.scalar(
        select(VelocityFlag.id).where(
            VelocityFlag.proposal_id == proposal_id, VelocityFlag.raised_at >= since
        )
    )
    if flagged is None:
        session.add(
            VelocityFlag(
                campaign_id=campaign_id,
                proposal_id=proposal_id,
                new_account_votes=burst,
                window_start=since,
                raised_at=now,
            )
        )


async def _unchanged_vote(
    session: AsyncSession,
    ctx: _Voter,
    proposal: Proposal,
    voter_id: int,
    value: int,
    weight: VoterWeight,
) -> VoteResult | None:
    """The stored result when the voter repeats exactly the vote stored (value, weight,
    pending): no write, no event; None when the vote changes something.

    One statement reads the vote with the chain head, so the receipt is the event that
    stored this very vote (a concurrent change is simply ordered after this no-op)."""
    assert ctx.campaign.id is not None and proposal.id is not None
    row = (
        await session.execute(
            statements.STORED_VOTE,
            {"campaign_id": ctx.campaign.id, "voter_id": voter_id, "proposal_id": proposal.id},
        )
    ).first()
    if row is None:
        return None
    stored_value, stored_weight, pending, cast_at, seq, head, pseudonym = row
    if not pseudonym:  # a chain begun before migration 0007: the full path names it
        return None
    if (stored_value, stored_weight, bool(pending)) != (value, weight.weight, weight.pending):
        return None
    tally = await counters.proposal_tally(session, proposal.id)
    score = await _live_score(session, ctx, proposal.id, tally)
    vote = Vote(
        campaign_id=ctx.campaign.id,
        voter_id=voter_id,
        proposal_id=proposal.id,
        value=value,
        weight=stored_weight,
        pending=bool(pending),
        cast_at=cast_at,
    )
    return VoteResult(
        vote, proposal.id, ctx.campaign.id, tally, score, Receipt(pseudonym, seq, head)
    )


async def cast_vote(
    session: AsyncSession,
    *,
    voter: Member,
    proposal_id: int,
    value: int,
    now: datetime,
    secret: str,
) -> VoteResult:
    """Cast or replace the voter's vote on a proposal."""
    assert voter.id is not None
    proposal, ctx = await _vote_target(session, proposal_id, voter)
    campaign = ctx.campaign
    if ctx.rules.method is VotingMethod.RANKED:
        raise InvalidVote("This campaign votes with ranked ballots: use castBallot.")
    if proposal.status not in VOTABLE:
        raise InvalidVote(
            f"A {proposal.status.lower()} proposal takes no votes.", field=["proposalId"]
        )
    try:
        methods.validate_vote_value(ctx.rules, value)
    except methods.VoteValueError as exc:
        raise InvalidVote(str(exc), field=["value"]) from exc
    assert campaign.id is not None
    weight = await _weight(session, ctx, voter, now)
    unchanged = await _unchanged_vote(session, ctx, proposal, voter.id, value, weight)
    if unchanged is not None:
        return unchanged
    state = await chains.lock_chain(
        session, campaign_id=campaign.id, voter_id=voter.id, secret=secret
    )
    before = await counters.votes_of(session, campaign.id, voter.id)
    try:
        methods.check_budget(ctx.rules, {p: v for p, (v, _) in before.items()}, proposal_id, value)
    except methods.BudgetExceeded as exc:
        raise BudgetExceededError(str(exc).capitalize() + ".", field=["value"]) from exc
    old = before.get(proposal_id)
    delta = (
        methods.replace_delta(ctx.rules.method, old, (value, weight.weight))
        if old
        else methods.vote_delta(ctx.rules.method, value, weight.weight)
    )
    after = {**before, proposal_id: (value, weight.weight)}
    row = {
        "campaign_id": campaign.id,
        "voter_id": voter.id,
        "proposal_id": proposal_id,
        "value": value,
        "weight": weight.weight,
        "pending": weight.pending,
        "cast_at": now,
    }
    await session.execute(statements.UPDATE_VOTE if old else statements.INSERT_VOTE, row)
    await counters.record(
        session, ctx.rules, campaign.id, voter.id, before, after, {proposal_id: delta}
    )
    receipt = await _append(
        session, state, voter.id, chain.cast_event(proposal_id, value, weight.weight), now
    )
    await _velocity_check(
        session, campaign_id=campaign.id, proposal_id=proposal_id, voter=voter, now=now
    )
    await _still_voting(session, campaign.id)
    tally, score = await _tally_after(session, ctx, proposal, now)
    return VoteResult(Vote(**row), proposal_id, campaign.id, tally, score, receipt)


async def retract_vote(
    session: AsyncSession, *, voter: Member, proposal_id: int, now: datetime, secret: str
) -> VoteResult:
    """Remove the voter's vote on a proposal."""
    assert voter.id is not None
    proposal, ctx = await _vote_target(session, proposal_id, voter)
    campaign = ctx.campaign
    assert campaign.id is not None
    state = await chains.lock_chain(
        session, campaign_id=campaign.id, voter_id=voter.id, secret=secret
    )
    before = await counters.votes_of(session, campaign.id, voter.id)
    old = before.get(proposal_id)
    if old is None:
        raise InvalidVote("You have no vote on this proposal.", field=["proposalId"])
    after = {p: v for p, v in before.items() if p != proposal_id}
    await session.execute(
        statements.DELETE_VOTE,
        {"campaign_id": campaign.id, "voter_id": voter.id, "proposal_id": proposal_id},
    )
    await counters.record(
        session,
        ctx.rules,
        campaign.id,
        voter.id,
        before,
        after,
        {proposal_id: methods.vote_delta(ctx.rules.method, old[0], old[1], -1)},
    )
    receipt = await _append(session, state, voter.id, chain.retract_event(proposal_id), now)
    await _still_voting(session, campaign.id)
    tally, score = await _tally_after(session, ctx, proposal, now)
    return VoteResult(None, proposal_id, campaign.id, tally, score, receipt)


def _ballot_deltas(ranking: list[int] | None, weight: float, sign: int) -> dict[int, TallyDelta]:
    if not ranking:
        return {}
    points = methods.ballot_points(ranking)
    return {
        pid: methods.vote_delta(VotingMethod.RANKED, p, weight, sign) for pid, p in points.items()
    }


async def _unchanged_ballot(
    session: AsyncSession, campaign_id: int, voter_id: int, ranking: list[int], weight: VoterWeight
) -> BallotResult | None:
    """The stored ballot when the voter casts exactly it again (or withdraws no ballot after
    a withdrawal): no write, no event; None when the ballot changes something."""
    row = (
        await session.execute(
            select(Ballot, VoterChain.seq, VoterChain.head, VoterChain.pseudonym)
            .join(
                VoterChain,
                and_(
                    VoterChain.campaign_id == Ballot.campaign_id,
                    VoterChain.voter_id == Ballot.voter_id,
                ),
            )
            .where(Ballot.campaign_id == campaign_id, Ballot.voter_id == voter_id)
        )
    ).first()
    if row is None or not ranking:
        return None
    ballot, seq, head, pseudonym = row
    same = bool(pseudonym) and (list(ballot.ranking), ballot.weight, ballot.pending) == (
        ranking,
        weight.weight,
        weight.pending,
    )
    return BallotResult(ballot, Receipt(pseudonym, seq, head)) if same else None


async def cast_ballot(
    session: AsyncSession,
    *,
    voter: Member,
    campaign_id: int,
    ranking: list[int],
    now: datetime,
    secret: str,
) -> BallotResult:
    """Cast or replace a ranked ballot; an empty ranking withdraws it."""
    assert voter.id is not None
    campaign = await get_campaign(session, campaign_id)
    ctx = await _voter_in(session, campaign, voter)
    if ctx.rules.method is not VotingMethod.RANKED:
        raise InvalidVote("This campaign takes single votes: use castVote.", field=["campaignId"])
    if len(set(ranking)) != len(ranking):
        raise InvalidVote("A ballot ranks each proposal at most once.", field=["ranking"])
    if len(ranking) > MAX_BALLOT_LENGTH:
        raise InvalidVote(
            f"A ballot ranks at most {MAX_BALLOT_LENGTH} proposals.", field=["ranking"]
        )
    if ranking:
        votable = set(
            await session.scalars(
                select(Proposal.id).where(
                    Proposal.campaign_id == campaign_id,
                    Proposal.id.in_(ranking),
                    Proposal.status.in_(VOTABLE),
                )
            )
        )
        for index, pid in enumerate(ranking):
            if pid not in votable:
                raise InvalidVote(
                    "Not a proposal of this campaign that takes votes.",
                    field=["ranking", str(index)],
                )
    weight = await _weight(session, ctx, voter, now)
    unchanged = await _unchanged_ballot(session, campaign_id, voter.id, ranking, weight)
    if unchanged is not None:
        return unchanged
    state = await chains.lock_chain(
        session, campaign_id=campaign_id, voter_id=voter.id, secret=secret
    )
    ballot = await session.scalar(
        select(Ballot).where(and_(Ballot.campaign_id == campaign_id, Ballot.voter_id == voter.id))
    )
    deltas: dict[int, TallyDelta] = {}
    for part in (
        _ballot_deltas(ballot.ranking if ballot else None, ballot.weight if ballot else 0.0, -1),
        _ballot_deltas(ranking, weight.weight, 1),
    ):
        for pid, d in part.items():
            deltas[pid] = deltas.get(pid, TallyDelta()) + d
    before = {0: (0, ballot.weight)} if ballot else {}
    after = {0: (0, weight.weight)} if ranking else {}
    if ranking:
        if ballot is None:
            ballot = Ballot(
                campaign_id=campaign_id, voter_id=voter.id, ranking=ranking, weight=0.0, cast_at=now
            )
            session.add(ballot)
        ballot.ranking, ballot.weight, ballot.pending, ballot.cast_at = (
            list(ranking),
            weight.weight,
            weight.pending,
            now,
        )
    elif ballot is not None:
        await session.delete(ballot)
        ballot = None
    await counters.record(session, ctx.rules, campaign_id, voter.id, before, after, deltas)
    receipt = await _append(
        session, state, voter.id, chain.ballot_event(ranking, weight.weight), now
    )
    await session.flush()
    await _still_voting(session, campaign_id)
    return BallotResult(ballot, receipt)

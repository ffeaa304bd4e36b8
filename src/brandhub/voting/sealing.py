"""Sealing a closed campaign (Merkle tree over chain heads, signed) and voters' inclusion proofs."""

from __future__ import annotations

import bisect
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.models import Campaign, Proposal, ProposalStatus
from brandhub.partners.events import global_id
from brandhub.voting import chain, keys, seal
from brandhub.voting.canonical import timestamp
from brandhub.voting.methods import VotingRules
from brandhub.voting.models import CampaignSeal, VoterChain
from brandhub.voting.scoring import QUANTA_PER_WEIGHT


def rules_document(rules: VotingRules) -> dict[str, Any]:
    """The rules the count follows, as sealed and exported."""
    return {
        "method": rules.method.value,
        "weighting": rules.weighting.value,
        "votesPerMember": rules.votes_per_member,
        "creditsPerMember": rules.credits_per_member,
        "quorum": rules.quorum,
        "supportThreshold": rules.support_threshold,
        "minAccountAgeHours": rules.min_account_age_hours,
        "maxVoterShare": rules.max_voter_share,
        "scorePriorStrength": rules.score_prior_strength,
        "weightQuantum": f"1/{QUANTA_PER_WEIGHT}",
    }


async def setup_document(
    session: AsyncSession, campaign: Campaign, rules: VotingRules
) -> dict[str, Any]:
    """The campaign, its rules and every proposal with its status and tie-break data; for a
    ladder campaign also its stages and every stage crossing."""
    assert campaign.id is not None
    proposals = await session.execute(
        select(
            Proposal.id, Proposal.title, Proposal.spec_digest, Proposal.status, Proposal.created_at
        )
        .where(Proposal.campaign_id == campaign.id)
        .order_by(Proposal.id)
    )
    document: dict[str, Any] = {
        "campaign": {
            "id": global_id("Campaign", campaign.id),
            "pk": campaign.id,
            "title": campaign.title,
        },
        "rules": rules_document(rules),
        "candidates": [
            {
                "id": pid,
                "globalId": global_id("Proposal", pid),
                # A hidden proposal's title was moderated away: it is not republished.
                "title": None if status == ProposalStatus.HIDDEN else title,
                "specDigest": digest,
                "status": status,
                "firstRevisionAt": timestamp(created_at),
            }
            for pid, title, digest, status, created_at in proposals
        ],
    }
    ladder = await ladder_document(session, campaign.id)
    if ladder is not None:
        document["ladder"] = ladder
    return document


async def ladder_document(session: AsyncSession, campaign_id: int) -> dict[str, Any] | None:
    """A ladder campaign's stages and recorded crossings (None for a fixed voting window)."""
    from brandhub.ladder import events
    from brandhub.ladder.models import LadderEvent
    from brandhub.ladder.service import ladder_of

    ladder = await ladder_of(session, campaign_id)
    if ladder is None:
        return None
    rows = await session.execute(
        select(LadderEvent.proposal_id, LadderEvent.stage, LadderEvent.at)
        .where(LadderEvent.campaign_id == campaign_id, LadderEvent.type == events.STAGE_REACHED)
        .order_by(LadderEvent.proposal_id, LadderEvent.sequence)
    )
    return {
        "initialDays": ladder.initial_days,
        "stages": ladder.to_json(),
        "crossings": [
            {"proposal": p, "stage": stage, "at": timestamp(at)} for p, stage, at in rows
        ],
    }


async def name_legacy_chains(session: AsyncSession, campaign_id: int, secret: str) -> None:
    """Give chains begun before migration 0007 (no pseudonym yet) their pseudonym."""
    voters = await session.scalars(
        select(VoterChain.voter_id).where(
            VoterChain.campaign_id == campaign_id, VoterChain.pseudonym == ""
        )
    )
    for voter_id in list(voters):
        await session.execute(
            update(VoterChain)
            .where(VoterChain.campaign_id == campaign_id, VoterChain.voter_id == voter_id)
            .values(pseudonym=chain.pseudonym(secret, campaign_id, voter_id))
        )


async def ordered_chains(
    session: AsyncSession, campaign_id: int
) -> AsyncIterator[list[tuple[str, int, str]]]:
    """(pseudonym, seq, head) of every chain with events, in leaf (byte) order, streamed in
    batches."""
    pseudonym = VoterChain.pseudonym
    if session.get_bind().dialect.name == "postgresql":
        pseudonym = pseudonym.collate("C")  # byte order, whatever the database's collation
    stream = await session.stream(
        select(VoterChain.pseudonym, VoterChain.seq, VoterChain.head)
        .where(VoterChain.campaign_id == campaign_id, VoterChain.seq > 0)
        .order_by(pseudonym)
        .execution_options(yield_per=10_000)
    )
    async for rows in stream.partitions():
        yield [(voter, seq, head) for voter, seq, head in rows]


async def tree_from_chains(session: AsyncSession, campaign_id: int) -> seal.Tree:
    """The tree over the stored chain heads, one block in memory at a time."""
    builder = seal.TreeBuilder()
    async for batch in ordered_chains(session, campaign_id):
        for voter, seq, head in batch:
            builder.add(voter, seq, head)
    return builder.tree()


def signed_seal(row: CampaignSeal) -> dict[str, Any]:
    """The seal as partners receive it: the statement, its signature and the key id."""
    return {
        "statement": row.statement,
        "signature": row.signature,
        "keyId": row.key_id,
        "algorithm": seal.ALGORITHM,
    }


async def seal_campaign(
    session: AsyncSession,
    *,
    campaign: Campaign,
    setup: dict[str, Any],
    result: dict[str, Any],
    now: datetime,
    secret: str,
) -> CampaignSeal:
    """Build the tree over the campaign's chains, sign the statement, store the seal."""
    assert campaign.id is not None
    await name_legacy_chains(session, campaign.id, secret)
    await session.flush()
    tree = await tree_from_chains(session, campaign.id)
    signer = await keys.current_signer(session, secret=secret, now=now)
    statement = seal.statement(
        campaign=global_id("Campaign", campaign.id),
        closed_at=now,
        tree_size=tree.size,
        root=tree.root,
        setup=setup,
        result=result,
        key_id=signer.kid,
    )
    row = CampaignSeal(
        campaign_id=campaign.id,
        root=tree.root,
        tree_size=tree.size,
        closed_at=now,
        key_id=signer.kid,
        signature=seal.sign(signer.private_key, statement),
        statement=statement,
        setup=setup,
        blocks=[[first, block] for first, block in tree.blocks],
    )
    session.add(row)
    return row


@dataclass(frozen=True)
class Inclusion:
    """A voter's chain head and its place in the sealed tree."""

    voter: str
    seq: int
    head: str
    leaf_index: int | None = None
    proof: list[str] | None = None
    seal: CampaignSeal | None = None


def tree_of(row: CampaignSeal) -> seal.Tree:
    """The stored tree of a seal."""
    return seal.Tree(row.tree_size, row.root, [(first, block) for first, block in row.blocks])


async def inclusion(session: AsyncSession, *, campaign_id: int, voter_id: int) -> Inclusion | None:
    """The voter's chain head, with its RFC 9162 audit path once the campaign is sealed.

    Reads one block of at most BLOCK_SIZE chains, whatever the campaign's size. A block
    that no longer hashes to the sealed root raises ValueError: the chains were altered.
    """
    row = (
        await session.execute(
            select(VoterChain.pseudonym, VoterChain.seq, VoterChain.head).where(
                VoterChain.campaign_id == campaign_id, VoterChain.voter_id == voter_id
            )
        )
    ).first()
    if row is None or row.seq == 0:
        return None
    sealed = await session.get(CampaignSeal, campaign_id)
    if sealed is None:
        return Inclusion(row.pseudonym, row.seq, row.head)
    tree = tree_of(sealed)
    firsts = [first for first, _ in tree.blocks]
    block = max(0, bisect.bisect_right(firsts, row.pseudonym) - 1)
    query = select(VoterChain.pseudonym, VoterChain.seq, VoterChain.head).where(
        VoterChain.campaign_id == campaign_id,
        VoterChain.seq > 0,
        VoterChain.pseudonym >= firsts[block],
    )
    if block + 1 < len(firsts):
        query = query.where(VoterChain.pseudonym < firsts[block + 1])
    members = [tuple(r) for r in await session.execute(query)]
    index, proof = seal.inclusion_path(tree, block, members, row.pseudonym)
    return Inclusion(row.pseudonym, row.seq, row.head, index, proof, sealed)

"""Writing a campaign's audit file from the database (``brandhub recount --export``, and the
public download once CLOSED). See ``voting.audit`` and docs/audit-format.md."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.campaigns import get_campaign, rules_of
from brandhub.voting import audit, keys, sealing
from brandhub.voting.canonical import b64url
from brandhub.voting.models import CampaignResultRow, CampaignSeal, VoteEvent, VoterChain

BATCH = 10_000


class LegacyEvents(Exception):
    """The campaign has events hashed over members' ids (written before migration 0007)."""


async def has_legacy_events(session: AsyncSession, campaign_id: int) -> bool:
    """True when any event of the campaign predates pseudonymous chains (no "v")."""
    return bool(
        await session.scalar(
            select(
                exists().where(
                    VoteEvent.campaign_id == campaign_id,
                    VoteEvent.payload["v"].as_integer().is_(None),
                )
            )
        )
    )


async def check_exportable(session: AsyncSession, campaign_id: int) -> None:
    """Raise LegacyEvents when publishing the log would name voters."""
    if await has_legacy_events(session, campaign_id):
        raise LegacyEvents(
            "this campaign has vote events written before migration 0007, hashed over "
            "members' ids: they cannot be published without naming the voters"
        )


async def lines(session: AsyncSession, campaign_id: int) -> AsyncIterator[str]:
    """The audit file, line by line, streamed from the database (call ``check_exportable``
    first). A closed campaign is exported exactly as sealed (setup, result, signed seal); an
    open one (operators only, through the CLI) with today's setup and no result or seal.
    """
    campaign = await get_campaign(session, campaign_id)
    sealed = await session.get(CampaignSeal, campaign_id)
    setup = (
        sealed.setup
        if sealed is not None
        else await sealing.setup_document(session, campaign, rules_of(campaign))
    )
    yield audit.header_line(setup)
    for candidate in setup["candidates"]:
        yield audit.candidate_line(candidate)
    if "ladder" in setup:
        yield audit.ladder_line(setup["ladder"])
    pseudonym = VoterChain.pseudonym
    if session.get_bind().dialect.name == "postgresql":
        pseudonym = pseudonym.collate("C")
    stream = await session.stream(
        select(VoteEvent.payload, VoteEvent.prev_hash, VoteEvent.hash)
        .join(
            VoterChain,
            (VoterChain.campaign_id == VoteEvent.campaign_id)
            & (VoterChain.voter_id == VoteEvent.voter_id),
        )
        .where(VoteEvent.campaign_id == campaign_id)
        .order_by(pseudonym, VoteEvent.seq)
        .execution_options(yield_per=BATCH)
    )
    async for rows in stream.partitions():
        for payload, prev_hash, hash_ in rows:
            yield audit.event_line(payload, prev_hash, hash_)
    if sealed is None:
        return
    stored = await session.get(CampaignResultRow, campaign_id)
    if stored is not None:
        yield audit.result_line(
            {
                "winner": stored.winner_id,
                "voters": stored.voters,
                "quorumMet": stored.quorum_met,
                "ranking": stored.ranking,
            }
        )
    public = await keys.public_key(session, sealed.key_id)
    yield audit.seal_line(sealing.signed_seal(sealed), b64url(public) if public else None)

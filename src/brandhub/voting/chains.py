"""The vote log in the database: lock a voter's chain, store its next event."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.voting import chain, counters, statements
from brandhub.voting.chain import Appended, ChainState


async def lock_chain(
    session: AsyncSession, *, campaign_id: int, voter_id: int, secret: str
) -> ChainState:
    """Create or lock the voter's chain row: it serialises one voter's changes (budgets).

    Inside a batch (group commit) a chain locked by an earlier change of the same
    transaction is still locked: its head is known, no statement is needed."""
    batch = counters.deferred(session)
    if batch is not None and (campaign_id, voter_id) in batch.heads:
        return batch.heads[(campaign_id, voter_id)]
    seq, head, pseudonym = (
        await session.execute(
            statements.LOCK_CHAIN,
            {
                "campaign_id": campaign_id,
                "voter_id": voter_id,
                "pseudonym": chain.pseudonym(secret, campaign_id, voter_id),
                "genesis": chain.GENESIS,
            },
        )
    ).one()
    return ChainState(campaign_id, pseudonym, seq, head)


async def store_event(session: AsyncSession, *, voter_id: int, appended: Appended) -> None:
    """Insert the event and move the chain head to it."""
    state = appended.state
    keys = {"campaign_id": state.campaign_id, "voter_id": voter_id, "seq": state.seq}
    await session.execute(
        statements.INSERT_EVENT,
        {
            **keys,
            "payload": appended.payload,
            "prev_hash": appended.prev_hash,
            "hash": appended.hash,
            "at": appended.at,
        },
    )
    await session.execute(statements.ADVANCE_CHAIN, {**keys, "head": appended.hash})
    batch = counters.deferred(session)
    if batch is not None:
        batch.heads[(state.campaign_id, voter_id)] = state

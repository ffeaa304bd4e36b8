"""Pseudonymous chains, the signed seal, receipts, keys, PLEDGE re-weighting, legacy events."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from sqlalchemy import func, select, update

from brandhub.auth.models import Member
from brandhub.partners import pledges
from brandhub.voting import chain, closing, export, keys, merkle, seal, sealing, service
from brandhub.voting.canonical import from_b64url
from brandhub.voting.models import (
    CampaignResultRow,
    CampaignSeal,
    SigningKey,
    TallySlot,
    Vote,
    VoteEvent,
    VoterChain,
)
from brandhub.voting.recount import recount
from tests.voting.world import build_world

SECRET = "test-secret"


async def cast(state, clock, voter, proposal: int, value: int = 1):
    async with state.db.unit_of_work() as session:
        return await service.cast_vote(
            session, voter=voter, proposal_id=proposal, value=value, now=clock.now, secret=SECRET
        )


async def close(state, clock, world) -> None:
    async with state.db.unit_of_work() as session:
        await closing.close_campaign(
            session, actor=world.owner, campaign_id=world.campaign_id, now=clock.now, secret=SECRET
        )


async def exported(state, campaign_id: int) -> list[dict]:
    async with state.db.read() as session:
        return [json.loads(line) async for line in export.lines(session, campaign_id)]


async def run_recount(state, campaign_id: int, **kwargs):
    async with state.db.read() as session:
        return await recount(session, campaign_id, secret=SECRET, **kwargs)


class TestPseudonymousChains:
    async def test_the_export_cannot_be_linked_to_members_without_the_secret(self, state, clock):
        world = await build_world(state, members=5, proposals=2, now=clock.now, method="APPROVAL")
        for i, voter in enumerate(world.members):
            await cast(state, clock, voter, world.proposal_ids[i % 2])
        lines = await exported(state, world.campaign_id)
        events = [line for line in lines if line["kind"] == "event"]
        assert len(events) == 5
        async with state.db.read() as session:
            members = list(await session.execute(select(Member.id, Member.email)))
        guesses = {pk for pk, _ in members} | set(range(0, 3000))
        cid = world.campaign_id
        for event in events:
            payload, voter = event["payload"], event["payload"]["voter"]
            assert chain.link(event["prev"], payload) == event["hash"]  # checkable as exported
            for guess in guesses:
                for named in (guess, str(guess)):
                    assert chain.link(event["prev"], {**payload, "voter": named}) != event["hash"]
                message = f"{cid}:{guess}".encode()
                assert voter not in {
                    hashlib.sha256(message).hexdigest()[:32],
                    hmac.new(b"", message, hashlib.sha256).hexdigest()[:32],
                    chain.pseudonym("", cid, guess),
                    chain.pseudonym("change-me-in-production", cid, guess),
                }
        text = "".join(json.dumps(line) for line in lines)
        assert not any(email in text for _, email in members)
        # With the secret, and only with it, each pseudonym is its member's.
        by_voter = {e["payload"]["voter"] for e in events}
        assert by_voter == {chain.pseudonym(SECRET, cid, m.id) for m in world.members}

    async def test_pseudonyms_differ_between_campaigns(self) -> None:
        assert chain.pseudonym(SECRET, 1, 5) != chain.pseudonym(SECRET, 2, 5)
        assert chain.pseudonym(SECRET, 1, 5) != chain.pseudonym("other", 1, 5)

    async def test_receipts_name_the_event_and_the_chain_moves(self, state, clock):
        world = await build_world(state, members=1, proposals=2, now=clock.now, method="APPROVAL")
        [voter] = world.members
        first = (await cast(state, clock, voter, world.proposal_ids[0])).receipt
        second = (await cast(state, clock, voter, world.proposal_ids[1])).receipt
        assert (first.seq, second.seq) == (1, 2)
        async with state.db.read() as session:
            rows = (
                await session.execute(
                    select(VoteEvent.prev_hash, VoteEvent.hash).order_by(VoteEvent.seq)
                )
            ).all()
            head = await session.scalar(select(VoterChain.head))
        assert [r.hash for r in rows] == [first.hash, second.hash]
        assert rows[1].prev_hash == first.hash and head == second.hash


class TestSeal:
    async def test_close_signs_a_merkle_root_every_voter_can_check(self, state, clock):
        world = await build_world(state, members=6, proposals=2, now=clock.now, method="APPROVAL")
        for i, voter in enumerate(world.members):
            await cast(state, clock, voter, world.proposal_ids[i % 2])
        await close(state, clock, world)
        async with state.db.read() as session:
            sealed = await session.get(CampaignSeal, world.campaign_id)
            stored = await session.get(CampaignResultRow, world.campaign_id)
            public = await keys.public_key(session, sealed.key_id)
            proofs = [
                await sealing.inclusion(session, campaign_id=world.campaign_id, voter_id=m.id)
                for m in world.members
            ]
        assert sealed.tree_size == 6 and stored.seal == sealed.root
        assert seal.signature_holds(public, sealed.statement, sealed.signature)
        assert sorted(p.leaf_index for p in proofs) == list(range(6))
        for proof in proofs:
            leaf = merkle.leaf_hash(seal.leaf_data(proof.voter, proof.seq, proof.head))
            assert merkle.verify_inclusion(
                proof.leaf_index,
                sealed.tree_size,
                leaf,
                [bytes.fromhex(p) for p in proof.proof],
                bytes.fromhex(sealed.root),
            )
        assert (await run_recount(state, world.campaign_id)).differences == []

    @pytest.mark.parametrize("target", ["result seal", "signed root", "signature", "public key"])
    async def test_the_recount_checks_the_seal(self, state, clock, target):
        world = await build_world(state, members=3, proposals=2, now=clock.now, method="APPROVAL")
        for voter in world.members:
            await cast(state, clock, voter, world.proposal_ids[0])
        await close(state, clock, world)
        cid = world.campaign_id
        async with state.db.unit_of_work() as session:
            sealed = await session.get(CampaignSeal, cid)
            if target == "result seal":
                await session.execute(
                    update(CampaignResultRow)
                    .where(CampaignResultRow.campaign_id == cid)
                    .values(seal="ab" * 32)
                )
            elif target == "signed root":
                sealed.statement = {**sealed.statement, "root": "ab" * 32}
                sealed.root = "ab" * 32
            elif target == "signature":
                sealed.signature = "A" * 86
            else:
                other, _ = keys.new_key(SECRET, clock.now)
                await session.execute(
                    update(SigningKey)
                    .where(SigningKey.kid == sealed.key_id)
                    .values(public_key=other.public_key)
                )
        report = await run_recount(state, cid)
        assert not report.ok, target

    async def test_old_seals_still_verify_after_a_key_rotation(self, state, clock):
        world = await build_world(state, members=2, proposals=1, now=clock.now, method="APPROVAL")
        await cast(state, clock, world.members[0], world.proposal_ids[0])
        await close(state, clock, world)
        async with state.db.unit_of_work() as session:
            old = await session.scalar(select(CampaignSeal.key_id))
            fresh = await keys.rotate(session, secret=SECRET, now=clock.now)
        assert fresh.kid != old
        async with state.db.read() as session:
            listed = await keys.all_keys(session)
        assert [(k.kid, k.current) for k in listed] == [(fresh.kid, True), (old, None)]
        assert (await run_recount(state, world.campaign_id)).differences == []


class TestSigningKeys:
    async def test_the_private_key_is_stored_encrypted_and_needs_the_secret(self, state, clock):
        async with state.db.unit_of_work() as session:
            signer = await keys.current_signer(session, secret=SECRET, now=clock.now)
            again = await keys.current_signer(session, secret=SECRET, now=clock.now)
            row = await session.get(SigningKey, signer.kid)
            count = await session.scalar(select(func.count()).select_from(SigningKey))
        assert again.kid == signer.kid and count == 1
        raw = signer.private_key.private_bytes_raw()
        assert raw not in from_b64url(row.private_key)
        assert seal.key_id(from_b64url(row.public_key)) == row.kid
        with pytest.raises(keys.SigningKeyError, match="brandhub keys rotate"):
            keys.open_key(row, "another secret")

    async def test_a_process_whose_secret_cannot_open_the_key_refuses_to_start(
        self, state, settings
    ):
        from asgi_lifespan import LifespanManager

        from brandhub.app import create_app
        from tests.conftest import make_settings

        async with state.db.read() as session:
            assert len(await keys.all_keys(session)) == 1  # created when the app started
        wrong = create_app(make_settings(settings.database_url, secret_key="not the secret"))
        with pytest.raises(keys.SigningKeyError):
            async with LifespanManager(wrong, startup_timeout=60, shutdown_timeout=60):
                pass


class TestPledgeWeight:
    async def pledge(self, state, clock, member, proposal: int, units: int):
        async with state.db.unit_of_work() as session:
            return await pledges.pledge(
                session,
                member=member,
                proposal_id=proposal,
                units=units,
                now=clock.now,
                secret=SECRET,
            )

    async def test_cancelling_a_pledge_takes_its_weight_back(self, state, clock):
        world = await build_world(
            state, members=1, proposals=2, now=clock.now, method="APPROVAL", weighting="PLEDGE"
        )
        [backer] = world.members
        p0, p1 = world.proposal_ids
        pledged = await self.pledge(state, clock, backer, p0, 10_000)
        assert (await cast(state, clock, backer, p1)).vote.weight == 3.0
        async with state.db.unit_of_work() as session:
            await pledges.cancel_pledge(
                session, member=backer, pledge_id=pledged.id, now=clock.now, secret=SECRET
            )
        async with state.db.read() as session:
            weight = await session.scalar(select(Vote.weight))
            tally = await session.scalar(
                select(func.sum(TallySlot.weight_sum)).where(TallySlot.proposal_id == p1)
            )
            kinds = list(await session.scalars(select(VoteEvent.payload).order_by(VoteEvent.seq)))
        assert (weight, tally) == (1.0, 1.0)
        assert [k["type"] for k in kinds] == ["vote.cast", "vote.reweighted"]
        assert (await run_recount(state, world.campaign_id)).differences == []

    async def test_a_pledge_after_voting_raises_the_weight_of_votes_and_ballots(self, state, clock):
        world = await build_world(
            state, members=1, proposals=2, now=clock.now, method="RANKED", weighting="PLEDGE"
        )
        [backer] = world.members
        async with state.db.unit_of_work() as session:
            await service.cast_ballot(
                session,
                voter=backer,
                campaign_id=world.campaign_id,
                ranking=world.proposal_ids,
                now=clock.now,
                secret=SECRET,
            )
        await self.pledge(state, clock, backer, world.proposal_ids[0], 3)  # 1 + log2(4)/2 = 2
        async with state.db.read() as session:
            ballot = await session.scalar(select(closing.Ballot.weight))
        assert ballot == 2.0
        assert (await run_recount(state, world.campaign_id)).differences == []

    async def test_a_pledge_without_votes_writes_no_event(self, state, clock):
        world = await build_world(
            state, members=1, proposals=1, now=clock.now, method="APPROVAL", weighting="PLEDGE"
        )
        await self.pledge(state, clock, world.members[0], world.proposal_ids[0], 5)
        async with state.db.read() as session:
            assert await session.scalar(select(func.count()).select_from(VoteEvent)) == 0
        await close(state, clock, world)
        async with state.db.read() as session:
            assert (await session.get(CampaignSeal, world.campaign_id)).tree_size == 0


class TestOperatorTampering:
    async def test_rewritten_history_with_a_consistent_chain_is_caught_by_the_seal(
        self, state, clock
    ):
        world = await build_world(state, members=4, proposals=2, now=clock.now, method="APPROVAL")
        p0, p1 = world.proposal_ids
        for voter, proposal in zip(world.members, [p0, p0, p0, p1], strict=True):
            await cast(state, clock, voter, proposal)
        await close(state, clock, world)
        # The operator gives one voter weight 3: the event and its hash, the chain head, the
        # vote row, the tally and the stored ranking are all rewritten consistently.
        victim = world.members[0]
        async with state.db.unit_of_work() as session:
            event = await session.scalar(select(VoteEvent).where(VoteEvent.voter_id == victim.id))
            payload = {**event.payload, "weight": 3.0}
            digest = chain.link(event.prev_hash, payload)
            event.payload, event.hash = payload, digest
            await session.execute(
                update(VoterChain).where(VoterChain.voter_id == victim.id).values(head=digest)
            )
            await session.execute(update(Vote).where(Vote.voter_id == victim.id).values(weight=3.0))
            await session.execute(
                update(TallySlot)
                .where(TallySlot.proposal_id == p0, TallySlot.slot == victim.id % 16)
                .values(weight_sum=TallySlot.weight_sum + 2, value_sum=TallySlot.value_sum + 2)
            )
            stored = await session.get(CampaignResultRow, world.campaign_id)
            stored.ranking = [{**stored.ranking[0], "score": "5"}, stored.ranking[1]]
        report = await run_recount(state, world.campaign_id)
        assert any("hash to root" in d for d in report.differences), report.differences
        # Nothing but the signed seal can tell: every other check passes.
        assert all("seal" in d for d in report.differences), report.differences


class TestLegacyEvents:
    async def test_events_from_before_pseudonyms_recount_but_are_not_exported(self, state, clock):
        world = await build_world(state, members=1, proposals=1, now=clock.now, method="APPROVAL")
        [voter] = world.members
        pid, cid = world.proposal_ids[0], world.campaign_id
        # What the log held before migration 0007: the member's id, hashed, no "v".
        old = {"type": "vote.cast", "proposal": pid, "value": 1, "weight": 1.0}
        old |= {"campaign": cid, "voter": voter.id, "seq": 1, "at": clock.now.isoformat()}
        digest = chain.link(chain.GENESIS, old)
        async with state.db.unit_of_work() as session:
            session.add(VoterChain(campaign_id=cid, voter_id=voter.id, seq=1, head=digest))
            session.add(
                VoteEvent(
                    campaign_id=cid,
                    voter_id=voter.id,
                    seq=1,
                    payload=old,
                    prev_hash=chain.GENESIS,
                    hash=digest,
                    at=clock.now,
                )
            )
            session.add(
                Vote(
                    campaign_id=cid,
                    voter_id=voter.id,
                    proposal_id=pid,
                    value=1,
                    weight=1.0,
                    cast_at=clock.now,
                )
            )
            session.add(
                TallySlot(
                    proposal_id=pid,
                    slot=voter.id % 16,
                    campaign_id=cid,
                    voters=1,
                    weight_sum=1.0,
                    value_sum=1.0,
                )
            )
        report = await run_recount(state, cid)
        assert (report.differences, report.legacy_events) == ([], 1)
        receipt = (await cast(state, clock, voter, pid)).receipt  # the chain goes on, v2
        assert (receipt.seq, receipt.voter) == (2, chain.pseudonym(SECRET, cid, voter.id))
        await close(state, clock, world)
        assert (await run_recount(state, cid)).differences == []
        async with state.db.read() as session:
            with pytest.raises(export.LegacyEvents):
                await export.check_exportable(session, cid)

"""Random campaigns through the real services: the result at close equals the last live
ranking, the recount agrees, the verifier accepts the honest export and catches any single
edited byte of it."""

from __future__ import annotations

import contextlib
import json
import random

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from brandhub.community.models import Campaign
from brandhub.errors import DomainError
from brandhub.partners import pledges
from brandhub.voting import closing, export, keys, reads, scoring, service
from brandhub.voting.audit import MalformedAudit
from brandhub.voting.models import CampaignResultRow
from brandhub.voting.ranking import RankOrder
from brandhub.voting.recount import recount
from brandhub.voting.verify import verify
from tests.conftest import wipe
from tests.voting.world import build_world

SECRET = "test-secret"

RULES = st.one_of(
    st.fixed_dictionaries(
        {
            "method": st.just("APPROVAL"),
            "votes_per_member": st.sampled_from([None, 2]),
            "max_voter_share": st.sampled_from([None, 0.34, 0.5, 0.6]),
        }
    ),
    st.fixed_dictionaries(
        {
            "method": st.just("SCORE"),
            "score_prior_strength": st.sampled_from([0.0, 2.5, 5.0]),
            "max_voter_share": st.sampled_from([None, 0.5]),
        }
    ),
    st.fixed_dictionaries(
        {
            "method": st.just("QUADRATIC"),
            "credits_per_member": st.integers(4, 20),
            "max_voter_share": st.sampled_from([None, 0.6]),
        }
    ),
    st.fixed_dictionaries({"method": st.just("RANKED")}),
).flatmap(
    lambda rules: st.sampled_from(["EQUAL", "ROLE", "PLEDGE"]).map(
        lambda weighting: {**rules, "weighting": weighting}
    )
)
OPERATION = st.tuples(
    st.sampled_from(["vote", "vote", "vote", "retract", "pledge", "cancel"]),
    st.integers(0, 4),  # voter (4: the owner)
    st.integers(0, 2),  # proposal
    st.integers(-3, 5),  # value
    st.sampled_from([1, 3, 15, 10_000]),  # pledged units
)


async def apply(state, clock, world, method: str, op, pledged: dict) -> None:
    kind, who, proposal_index, value, units = op
    voter = world.owner if who == 4 else world.members[who]
    proposal = world.proposal_ids[proposal_index]
    clock.advance(seconds=7)
    async with state.db.unit_of_work() as session:
        if kind == "pledge":
            row = await pledges.pledge(
                session,
                member=voter,
                proposal_id=proposal,
                units=units,
                now=clock.now,
                secret=SECRET,
            )
            pledged.setdefault(voter.id, []).append(row.id)
        elif kind == "cancel" and pledged.get(voter.id):
            await pledges.cancel_pledge(
                session,
                member=voter,
                pledge_id=pledged[voter.id].pop(),
                now=clock.now,
                secret=SECRET,
            )
        elif method == "RANKED" and kind in ("vote", "retract"):
            order = world.proposal_ids[proposal_index:] if kind == "vote" else []
            await service.cast_ballot(
                session,
                voter=voter,
                campaign_id=world.campaign_id,
                ranking=order,
                now=clock.now,
                secret=SECRET,
            )
        elif kind == "retract":
            await service.retract_vote(
                session, voter=voter, proposal_id=proposal, now=clock.now, secret=SECRET
            )
        elif kind == "vote":
            value = {"APPROVAL": 1, "SCORE": abs(value), "QUADRATIC": value or 1}[method]
            await service.cast_vote(
                session,
                voter=voter,
                proposal_id=proposal,
                value=value,
                now=clock.now,
                secret=SECRET,
            )


def edited_copies(lines: list[str], rng: random.Random, n: int) -> list[list[str]]:
    out = []
    for _ in range(n):
        i = rng.randrange(1, len(lines))  # any line but the header (covered by unit tests)
        raw = lines[i].encode()
        at = rng.randrange(len(raw) - 1)
        byte = rng.choice([b for b in range(32, 127) if b != raw[at]])
        out.append(
            [*lines[:i], (raw[:at] + bytes([byte]) + raw[at + 1 :]).decode(), *lines[i + 1 :]]
        )
    return out


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rules=RULES, operations=st.lists(OPERATION, min_size=5, max_size=25), seed=st.integers())
async def test_random_campaigns_close_as_they_ranked_and_verify(
    state, clock, settings, rules, operations, seed
):
    await wipe(settings.database_url)
    world = await build_world(state, members=4, proposals=3, now=clock.now, **rules)
    pledged: dict[int, list[int]] = {}
    for op in operations:
        # refused (over budget, nothing to retract…): rolled back, nothing lost
        with contextlib.suppress(DomainError):
            await apply(state, clock, world, rules["method"], op, pledged)
    async with state.db.read() as session:
        campaign = await session.get(Campaign, world.campaign_id)
        live = await reads.standings(session, campaign, order=RankOrder.TOP, now=clock.now)
    async with state.db.unit_of_work() as session:
        await closing.close_campaign(
            session,
            actor=world.owner,
            campaign_id=world.campaign_id,
            now=clock.now,
            secret=SECRET,
        )
    async with state.db.read() as session:
        stored = await session.get(CampaignResultRow, world.campaign_id)
        report = await recount(session, world.campaign_id, secret=SECRET)
        lines = [line async for line in export.lines(session, world.campaign_id)]
        published = {
            k.kid: bytes(await keys.public_key(session, k.kid))
            for k in await keys.all_keys(session)
        }
    assert report.differences == []
    event(f"{rules['method']}: {'some' if report.events else 'no'} events")
    if rules["method"] != "RANKED":  # RANKED shows a Borda indicator live, Schulze at close
        assert [(s.proposal_id, s.score, s.tied) for s in live] == [
            (e["proposal"], scoring.parse(e["score"]), e["tied"]) for e in stored.ranking
        ]
    honest = verify(lines, keys=published)
    assert honest.differences == []
    for edited in edited_copies(lines, random.Random(seed), 12):
        try:
            tampered = verify(edited, keys=published)
        except MalformedAudit:
            continue
        assert not tampered.ok, json.dumps(edited)

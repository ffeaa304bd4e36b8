"""Results anyone can verify, over HTTP: receipts, the signed seal, the published keys, the
audit download, the partner's copy of the seal, exact live boards, rules refused."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select, update

from brandhub.community.campaigns import get_campaign
from brandhub.schema.relay import decode_id
from brandhub.voting import chain, merkle, seal, sealing
from brandhub.voting.canonical import canonical, from_b64url
from brandhub.voting.models import (
    CampaignResultRow,
    CampaignSeal,
    TallySlot,
    Vote,
    VoteEvent,
    VoterChain,
)
from brandhub.voting.verify import verify
from tests.api.test_voting import close, vote, voting_campaign
from tests.factories import ERRORS, create_brand, create_campaign, ok
from tests.partners.support import Receiver, close_with_handoffs, voting_with_partners

RECEIPT = """query($id: ID!) { campaign(id: $id) { viewerReceipt {
  voter seq head leafIndex treeSize proof
  seal { statement signature keyId algorithm root treeSize closedAt resultDigest setupDigest } } } }"""
RESULTS = """query($id: ID!) { campaign(id: $id) { results {
  seal auditUrl winner { id } ranking { rank score exactScore tied proposal { id } }
  signedSeal { statement signature keyId root treeSize } } } }"""
BOARD = """query($id: ID!) { campaign(id: $id) { leaderboard(first: 10) {
  rank score exactScore tied proposal { id } } } }"""
RETRACT = f"""mutation($input: RetractVoteInput!) {{ retractVote(input: $input) {{
  receipt {{ voter seq eventHash }} {ERRORS} }} }}"""
CAST_RECEIPT = f"""mutation($input: CastVoteInput!) {{ castVote(input: $input) {{
  vote {{ weight }} receipt {{ voter seq eventHash }} {ERRORS} }} }}"""
BALLOT_RECEIPT = f"""mutation($input: CastBallotInput!) {{ castBallot(input: $input) {{
  ballot {{ weight }} receipt {{ voter seq eventHash }} {ERRORS} }} }}"""
HANDOFF_SEAL = """query($id: ID!) { handoff(id: $id) { seal { statement signature keyId } } }"""
CREATE = f"""mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{
  campaign {{ voting {{ scorePriorStrength tieBreak maxVoterShare }} }} {ERRORS} }} }}"""


@pytest.fixture(autouse=True)
def receiver(state) -> Receiver:
    hook = Receiver()
    state.jobs.context.http_transport = hook.transport
    return hook


async def published(client) -> dict[str, bytes]:
    response = await client.get("/.well-known/brandhub-keys.json")
    assert response.status_code == 200
    return {k["kid"]: from_b64url(k["x"], length=32) for k in response.json()["keys"]}


async def download(client, path: str) -> list[str]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return response.text.splitlines(keepends=True)


class TestReceipts:
    async def test_every_change_returns_a_receipt_and_the_seal_proves_it(
        self, gql, sign_up, client
    ):
        c = await voting_campaign(gql, sign_up, members=3, method="APPROVAL")
        a, b, _ = c["members"]
        p0, p1, _ = c["proposals"]
        first = (await gql(CAST_RECEIPT, {"input": {"proposalId": p0, "value": 1}}, token=a))[
            "data"
        ]["castVote"]["receipt"]
        second = (await gql(RETRACT, {"input": {"proposalId": p0}}, token=a))["data"][
            "retractVote"
        ]["receipt"]
        third = (await gql(CAST_RECEIPT, {"input": {"proposalId": p1, "value": 1}}, token=a))[
            "data"
        ]["castVote"]["receipt"]
        assert [r["seq"] for r in (first, second, third)] == [1, 2, 3]
        assert first["voter"] == second["voter"] == third["voter"]
        await vote(gql, b, p1)
        during = (await gql(RECEIPT, {"id": c["campaign"]}, token=a))["data"]["campaign"]
        assert during["viewerReceipt"]["head"] == third["eventHash"]
        assert during["viewerReceipt"]["proof"] is None and during["viewerReceipt"]["seal"] is None
        await close(gql, c)

        mine = (await gql(RECEIPT, {"id": c["campaign"]}, token=a))["data"]["campaign"][
            "viewerReceipt"
        ]
        # What the web app does client-side: leaf, audit path, root, signature.
        signed = mine["seal"]
        statement = json.loads(signed["statement"])
        leaf = merkle.leaf_hash(seal.leaf_data(mine["voter"], mine["seq"], mine["head"]))
        assert mine["head"] == third["eventHash"]
        assert merkle.verify_inclusion(
            mine["leafIndex"],
            mine["treeSize"],
            leaf,
            [bytes.fromhex(p) for p in mine["proof"]],
            bytes.fromhex(statement["root"]),
        )
        key = (await published(client))[signed["keyId"]]
        assert seal.signature_holds(key, statement, signed["signature"])
        assert signed["statement"].encode() == canonical(statement)
        assert statement["treeSize"] == 2 and signed["algorithm"] == "Ed25519"

    async def test_a_receipt_is_only_ever_the_viewers_own(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=3, method="APPROVAL")
        a, b, silent = c["members"]
        await vote(gql, a, c["proposals"][0])
        await vote(gql, b, c["proposals"][0])
        await close(gql, c)
        seen = {}
        for name, token in (("a", a), ("b", b), ("silent", silent), ("anonymous", None)):
            body = await gql(RECEIPT, {"id": c["campaign"]}, token=token)
            seen[name] = body["data"]["campaign"]["viewerReceipt"]
        assert seen["a"]["voter"] != seen["b"]["voter"]
        assert seen["silent"] is None and seen["anonymous"] is None

    async def test_a_ballot_and_its_withdrawal_have_receipts(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="RANKED", proposals=2)
        [member] = c["members"]
        payloads = []
        for ranking in (c["proposals"], []):
            body = await gql(
                BALLOT_RECEIPT,
                {"input": {"campaignId": c["campaign"], "ranking": ranking}},
                token=member,
            )
            payloads.append(body["data"]["castBallot"])
        assert [p["receipt"]["seq"] for p in payloads] == [1, 2]
        assert payloads[1]["ballot"] is None


class TestSealAndAudit:
    async def test_anyone_downloads_the_audit_file_and_verifies_it(self, gql, sign_up, client):
        c = await voting_campaign(gql, sign_up, members=3, method="SCORE", proposals=2)
        for i, token in enumerate(c["members"]):
            await vote(gql, token, c["proposals"][i % 2], 3 + i)
        early = await client.get(f"/audit/{c['campaign']}.ndjson")
        assert early.status_code == 404  # not before the campaign is closed
        await close(gql, c)
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"]
        assert results["auditUrl"] == f"/audit/{c['campaign']}.ndjson"
        assert results["seal"] == results["signedSeal"]["root"]
        lines = await download(client, results["auditUrl"])
        report = verify(lines, keys=await published(client))
        assert report.differences == [] and report.chains == 3
        voters = [json.loads(line)["payload"]["voter"] for line in lines if '"event"' in line]
        assert len(voters) == 3 and all(len(v) == 32 and int(v, 16) >= 0 for v in voters)
        assert (await client.get("/audit/nonsense.ndjson")).status_code == 404

    async def test_a_draft_is_never_downloadable(self, gql, sign_up, client):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        draft = await create_campaign(gql, token=owner, brand_id=brand)
        assert (await client.get(f"/audit/{draft}.ndjson")).status_code == 404

    async def test_the_partners_copy_of_the_seal_exposes_a_resigned_history(
        self, gql, sign_up, state, clock, client, receiver
    ):
        c = await voting_with_partners(gql, sign_up, members=3, voting={"method": "APPROVAL"})
        handoffs = await close_with_handoffs(gql, state, clock, c)
        received = [json.loads(r.content) for r in receiver.requests]
        webhook_seal = next(r for r in received if r["type"] == "handoff.received")["data"]["seal"]
        graphql_seal = (
            await gql(HANDOFF_SEAL, {"id": handoffs[0]}, token=c["partners"][0]["apiKey"])
        )["data"]["handoff"]["seal"]
        assert json.loads(graphql_seal["statement"]) == webhook_seal["statement"]
        assert graphql_seal["signature"] == webhook_seal["signature"]
        path = f"/audit/{c['campaign']}.ndjson"
        assert verify(await download(client, path), expected_seal=webhook_seal).ok

        # An insider with the database *and* the server secret rewrites a vote, recomputes
        # the chain, the tallies and the result, and signs a new seal with the server's key.
        pk = decode_id(c["campaign"], "Campaign")
        async with state.db.unit_of_work() as session:
            event = await session.scalar(select(VoteEvent).limit(1))
            payload = {**event.payload, "weight": 2.0}
            event.payload, event.hash = payload, chain.link(event.prev_hash, payload)
            await session.execute(
                update(VoterChain)
                .where(VoterChain.voter_id == event.voter_id, VoterChain.campaign_id == pk)
                .values(head=event.hash)
            )
            await session.execute(
                update(Vote).where(Vote.voter_id == event.voter_id).values(weight=2.0)
            )
            await session.execute(
                update(TallySlot)
                .where(TallySlot.slot == event.voter_id % 16, TallySlot.campaign_id == pk)
                .values(weight_sum=TallySlot.weight_sum + 1, value_sum=TallySlot.value_sum + 1)
            )
            stored = await session.get(CampaignResultRow, pk)
            old = await session.get(CampaignSeal, pk)
            setup, closed_at = old.setup, old.closed_at
            ranking = [{**stored.ranking[0], "score": "4"}, *stored.ranking[1:]]
            stored.ranking = ranking
            await session.execute(delete(CampaignSeal).where(CampaignSeal.campaign_id == pk))
            await session.flush()
            forged = await sealing.seal_campaign(
                session,
                campaign=await get_campaign(session, pk),
                setup=setup,
                result={
                    "winner": stored.winner_id,
                    "voters": stored.voters,
                    "quorumMet": stored.quorum_met,
                    "ranking": ranking,
                },
                now=closed_at,
                secret=state.settings.secret_key,
            )
            stored.seal = forged.root
        lines = await download(client, path)
        assert verify(lines).ok  # consistent on its own: the insider holds the key
        exposed = verify(lines, expected_seal=webhook_seal)
        assert any("not the seal given" in d for d in exposed.differences)


class TestLiveEqualsFinal:
    async def test_a_capped_pledge_whale_ranks_live_as_at_close(self, gql, sign_up):
        c = await voting_campaign(
            gql,
            sign_up,
            members=5,
            method="APPROVAL",
            weighting="PLEDGE",
            maxVoterShare=0.5,
            proposals=2,
        )
        whale, *others = c["members"]
        a, b = c["proposals"]
        pledged = await gql(
            "mutation($p: ID!) { pledge(input: {proposalId: $p, units: 15}) { errors { code } } }",
            {"p": a},
            token=whale,
        )
        assert pledged["data"]["pledge"]["errors"] == []
        whale_vote = await gql(CAST_RECEIPT, {"input": {"proposalId": a, "value": 1}}, token=whale)
        assert whale_vote["data"]["castVote"]["vote"]["weight"] == 3.0
        await vote(gql, others[0], a)
        for token in others[1:]:
            await vote(gql, token, b)
        # Uncapped, A would lead 4.0 to 3.0; capped at half of A's score the whale counts 1.
        board = (await gql(BOARD, {"id": c["campaign"]}))["data"]["campaign"]["leaderboard"]
        assert [(e["proposal"]["id"], e["exactScore"]) for e in board] == [(b, "3"), (a, "2")]
        await close(gql, c)
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"]
        assert [(e["proposal"]["id"], e["exactScore"]) for e in results["ranking"]] == [
            (b, "3"),
            (a, "2"),
        ]
        assert results["winner"]["id"] == b

    async def test_tied_places_are_flagged_live_and_in_the_result(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=2, method="APPROVAL", proposals=3)
        p0, p1, _ = c["proposals"]
        await vote(gql, c["members"][0], p1)
        await vote(gql, c["members"][1], p0)
        board = (await gql(BOARD, {"id": c["campaign"]}))["data"]["campaign"]["leaderboard"]
        await close(gql, c)
        ranking = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"][
            "ranking"
        ]
        for entries in (board, ranking):
            assert [(e["proposal"]["id"], e["tied"]) for e in entries] == [
                (p0, True),
                (p1, True),
                (c["proposals"][2], False),
            ]


class TestRulesRefused:
    @pytest.mark.parametrize(
        ("voting", "field"),
        [
            ({"method": "RANKED", "maxVoterShare": 0.5}, ["voting", "maxVoterShare"]),
            ({"method": "APPROVAL", "scorePriorStrength": 2}, ["voting", "scorePriorStrength"]),
            ({"method": "SCORE", "scorePriorStrength": -1}, ["voting", "scorePriorStrength"]),
        ],
    )
    async def test_rules_that_would_be_ignored_are_refused(self, gql, sign_up, voting, field):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        body = await gql(
            CREATE,
            {
                "input": {
                    "brandId": brand,
                    "title": "Soups",
                    "category": "recipe",
                    "specTemplate": "recipe",
                    "voting": voting,
                }
            },
            token=owner,
        )
        errors = body["data"]["createCampaign"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", field)]

    async def test_the_score_prior_strength_is_the_owners(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        payload = await ok(
            gql,
            CREATE,
            {
                "input": {
                    "brandId": brand,
                    "title": "Soups",
                    "category": "recipe",
                    "specTemplate": "recipe",
                    "voting": {"method": "SCORE", "scorePriorStrength": 12.5},
                }
            },
            token=owner,
            field="createCampaign",
        )
        voting = payload["campaign"]["voting"]
        assert voting["scorePriorStrength"] == 12.5
        assert "unvoted proposal never wins" in voting["tieBreak"]


async def test_keys_are_published_with_their_validity(client, gql, sign_up):
    keys = (await client.get("/.well-known/brandhub-keys.json")).json()["keys"]
    assert len(keys) == 1  # created on first start
    [key] = keys
    assert (key["kty"], key["crv"], key["alg"], key["current"]) == ("OKP", "Ed25519", "EdDSA", True)
    assert seal.key_id(from_b64url(key["x"], length=32)) == key["kid"]
    assert key["retiredAt"] is None

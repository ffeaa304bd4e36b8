"""fulfilPledges: the partner marks buyers' pledges delivered once the product shipped."""

from __future__ import annotations

from tests.factories import ERRORS
from tests.partners.support import register_partner
from tests.ratings.support import FULFIL, accepted_product, pledge, produce

EVENTS = """query($id: ID!) { handoff(id: $id) { events { edges { node { type data } } } }
  } """
PLEDGES = """query($id: ID!) { handoff(id: $id) { pledges { edges { node { id units fulfilledAt } } } } }"""


async def fulfil(gql, token, **input):
    return (await gql(FULFIL, {"input": input}, token=token))["data"]["fulfilPledges"]


class TestFulfilPledges:
    async def test_all_then_again_changes_nothing(self, gql, sign_up, state, clock):
        c = await accepted_product(gql, sign_up, state, clock)
        await produce(gql, c)
        listed = (await gql(PLEDGES, {"id": c["handoff"]}, token=c["key"]))["data"]["handoff"]
        assert [e["node"]["id"] for e in listed["pledges"]["edges"]] == c["pledges"]
        assert all(e["node"]["fulfilledAt"] is None for e in listed["pledges"]["edges"])
        first = await fulfil(gql, c["key"], handoffId=c["handoff"], all=True)
        assert first["errors"] == []
        assert sorted(p["id"] for p in first["fulfilled"]) == sorted(c["pledges"])
        assert all(p["fulfilledAt"] for p in first["fulfilled"])
        again = await fulfil(gql, c["key"], handoffId=c["handoff"], all=True)
        assert again["errors"] == [] and again["fulfilled"] == []
        events = (await gql(EVENTS, {"id": c["handoff"]}, token=c["key"]))["data"]["handoff"]
        fulfilled = [
            e["node"]["data"]
            for e in events["events"]["edges"]
            if e["node"]["type"] == "handoff.pledges_fulfilled"
        ]
        assert [(d["pledges"], d["units"]) for d in fulfilled] == [(2, 3)]

    async def test_some_pledges_by_id(self, gql, sign_up, state, clock):
        c = await accepted_product(gql, sign_up, state, clock)
        await produce(gql, c)
        payload = await fulfil(gql, c["key"], handoffId=c["handoff"], pledgeIds=[c["pledges"][1]])
        assert payload["errors"] == []
        assert [p["id"] for p in payload["fulfilled"]] == [c["pledges"][1]]
        listed = (await gql(PLEDGES, {"id": c["handoff"]}, token=c["key"]))["data"]["handoff"]
        states = {e["node"]["id"]: e["node"]["fulfilledAt"] for e in listed["pledges"]["edges"]}
        assert states[c["pledges"][0]] is None and states[c["pledges"][1]] is not None

    async def test_refused_before_shipping(self, gql, sign_up, state, clock):
        c = await accepted_product(gql, sign_up, state, clock)
        await produce(gql, c, "IN_PRODUCTION")
        payload = await fulfil(gql, c["key"], handoffId=c["handoff"], all=True)
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("INVALID_TRANSITION", ["handoffId"])
        ]
        listed = (await gql(PLEDGES, {"id": c["handoff"]}, token=c["key"]))["data"]["handoff"]
        assert all(e["node"]["fulfilledAt"] is None for e in listed["pledges"]["edges"])

    async def test_refused_to_others(self, gql, sign_up, state, clock):
        c = await accepted_product(gql, sign_up, state, clock)
        await produce(gql, c)
        other_admin = await sign_up("other@maker.example.com", "Other")
        other = await register_partner(gql, token=other_admin, slug="other-maker")
        by_other = await fulfil(gql, other["apiKey"], handoffId=c["handoff"], all=True)
        assert [e["code"] for e in by_other["errors"]] == ["NOT_FOUND"]
        by_owner = await fulfil(gql, c["owner"], handoffId=c["handoff"], all=True)
        assert [e["code"] for e in by_owner["errors"]] == ["UNAUTHENTICATED"]
        by_buyer = await fulfil(gql, c["members"][1], handoffId=c["handoff"], all=True)
        assert [e["code"] for e in by_buyer["errors"]] == ["UNAUTHENTICATED"]

    async def test_bad_input_names_the_field(self, gql, sign_up, state, clock):
        c = await accepted_product(gql, sign_up, state, clock)
        await produce(gql, c)
        neither = await fulfil(gql, c["key"], handoffId=c["handoff"])
        assert [(e["code"], e["field"]) for e in neither["errors"]] == [
            ("INVALID_INPUT", ["pledgeIds"])
        ]
        both = await fulfil(gql, c["key"], handoffId=c["handoff"], all=True, pledgeIds=c["pledges"])
        assert [e["code"] for e in both["errors"]] == ["INVALID_INPUT"]
        unknown = await fulfil(
            gql, c["key"], handoffId=c["handoff"], pledgeIds=[c["pledges"][0], "UGxlZGdlOjk5OTk="]
        )
        assert [(e["code"], e["field"]) for e in unknown["errors"]] == [
            ("NOT_FOUND", ["pledgeIds", "1"])
        ]
        # Nothing was fulfilled by the refused call, not even the valid first id.
        ok_now = await fulfil(gql, c["key"], handoffId=c["handoff"], pledgeIds=[c["pledges"][0]])
        assert [p["id"] for p in ok_now["fulfilled"]] == [c["pledges"][0]]


async def test_pledges_after_the_moq_are_locked_and_fulfilled_too(gql, sign_up, state, clock):
    c = await accepted_product(gql, sign_up, state, clock)
    extra = await pledge(gql, c["members"][3], c["proposal"], 1)
    cancel = f"""mutation($input: CancelPledgeInput!) {{ cancelPledge(input: $input) {{
      pledge {{ status }} {ERRORS} }} }}"""
    # The moq is reached, so pledges are locked: a cancellation is refused...
    refused = (await gql(cancel, {"input": {"pledgeId": extra}}, token=c["members"][3]))["data"]
    assert [e["code"] for e in refused["cancelPledge"]["errors"]] == ["LOCKED"]
    await produce(gql, c)
    payload = await fulfil(gql, c["key"], handoffId=c["handoff"], all=True)
    assert len(payload["fulfilled"]) == 3

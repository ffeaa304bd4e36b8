"""Fields added for the web app: brands list, memberships, campaign voters, poweredBy, demand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import ERRORS, create_brand, join_brand, ok
from tests.partners.support import Receiver, close_with_handoffs, voting_with_partners

SEEN = """query($c: ID!, $p: ID!) {
  campaign(id: $c) { voters poweredBy }
  proposal(id: $p) { demand { pledgedUnits unitPrice currency moq nextTier { minUnits } }
                     viewerPledges { units status } }
}"""
STEP = "mutation($input: {input}!) {{ {name}(input: $input) {{ {errors} }} }}"


@pytest.fixture(autouse=True)
def receiver(state) -> Receiver:
    hook = Receiver()
    state.jobs.context.http_transport = hook.transport
    return hook


async def step(gql, name: str, input_type: str, token: str, **input) -> dict:
    query = STEP.format(input=input_type, name=name, errors=ERRORS)
    return await ok(gql, query, {"input": input}, token=token, field=name)


async def test_powered_by_and_prices_appear_once_a_quote_is_accepted(gql, sign_up, state, clock):
    c = await voting_with_partners(gql, sign_up, partners=1, members=2)
    key = c["partners"][0]["apiKey"]
    member = c["members"][0]
    before = (await gql(SEEN, {"c": c["campaign"], "p": c["proposal"]}, token=member))["data"]
    assert before["campaign"] == {"voters": 0, "poweredBy": None}
    [handoff] = await close_with_handoffs(gql, state, clock, c)
    await step(gql, "acknowledgeHandoff", "HandoffIdInput", key, handoffId=handoff)
    await step(
        gql,
        "submitQuote",
        "SubmitQuoteInput",
        key,
        handoffId=handoff,
        currency="EUR",
        tiers=[{"minUnits": 1, "unitPrice": "9.50"}, {"minUnits": 20, "unitPrice": "8.00"}],
        moq=30,
        leadTimeDays=21,
        validUntil=(clock.now + timedelta(days=30)).isoformat(),
    )
    quoted = (await gql(SEEN, {"c": c["campaign"], "p": c["proposal"]}, token=member))["data"]
    assert quoted["campaign"] == {"voters": 2, "poweredBy": None}
    assert quoted["proposal"]["demand"]["unitPrice"] is None

    await step(gql, "acceptQuote", "HandoffIdInput", c["owner"], handoffId=handoff)
    await step(gql, "pledge", "PledgeInput", member, proposalId=c["proposal"], units=3)
    chosen = (await gql(SEEN, {"c": c["campaign"], "p": c["proposal"]}, token=member))["data"]
    assert chosen["campaign"]["poweredBy"] == "Maker0"
    assert chosen["proposal"] == {
        "demand": {
            "pledgedUnits": 3,
            "unitPrice": "9.50",
            "currency": "EUR",
            "moq": 30,
            "nextTier": {"minUnits": 20},
        },
        "viewerPledges": [{"units": 3, "status": "ACTIVE"}],
    }
    others = await gql(SEEN, {"c": c["campaign"], "p": c["proposal"]}, token=c["members"][1])
    assert others["data"]["proposal"]["viewerPledges"] == []

    await step(
        gql, "updateBrand", "UpdateBrandInput", c["owner"], brandId=c["brand"], labelMode="WHITE"
    )
    white = (await gql(SEEN, {"c": c["campaign"], "p": c["proposal"]}, token=member))["data"]
    assert white["campaign"]["poweredBy"] is None


async def test_brands_list_and_own_memberships(gql, sign_up):
    ada = await sign_up("ada@example.com", "Ada")
    bo = await sign_up("bo@example.com", "Bo")
    await create_brand(gql, token=ada, slug="small-club")
    big = await create_brand(gql, token=bo, slug="big-club")
    await join_brand(gql, token=ada, brand_id=big)
    brands = (await gql("{ brands(first: 10) { nodes { slug memberCount } } }"))["data"]["brands"]
    assert brands["nodes"] == [
        {"slug": "big-club", "memberCount": 2},
        {"slug": "small-club", "memberCount": 1},
    ]
    mine = "{ viewer { ... on Member { id memberships { role brand { slug } } } } }"
    viewer = (await gql(mine, token=ada))["data"]["viewer"]
    assert viewer["memberships"] == [
        {"role": "MEMBER", "brand": {"slug": "big-club"}},
        {"role": "OWNER", "brand": {"slug": "small-club"}},
    ]
    # Someone else's memberships are not shown, even through node(id:).
    other = await gql(
        "query($id: ID!) { node(id: $id) { ... on Member { memberships { role } } } }",
        {"id": viewer["id"]},
        token=bo,
    )
    assert other["data"]["node"]["memberships"] == []


MEMBERS = """query($slug: String!) { brand(slug: $slug) {
  members(first: 10) { nodes { role member { id displayName } } } } }"""


async def test_brand_members_for_moderators_and_owners_only(gql, sign_up):
    ada = await sign_up("ada@example.com", "Ada")
    bo = await sign_up("bo@example.com", "Bo")
    cy = await sign_up("cy@example.com", "Cy")
    brand = await create_brand(gql, token=ada, slug="soup-club")
    await join_brand(gql, token=bo, brand_id=brand)
    await join_brand(gql, token=cy, brand_id=brand)

    refused = await gql(MEMBERS, {"slug": "soup-club"}, token=bo)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql(MEMBERS, {"slug": "soup-club"})
    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    listed = (await gql(MEMBERS, {"slug": "soup-club"}, token=ada))["data"]["brand"]["members"]
    cy_id = listed["nodes"][2]["member"]["id"]
    assert [(n["role"], n["member"]["displayName"]) for n in listed["nodes"]] == [
        ("OWNER", "Ada"),
        ("MEMBER", "Bo"),
        ("MEMBER", "Cy"),
    ]
    await ok(
        gql,
        "mutation($input: SetMemberRoleInput!) { setMemberRole(input: $input) "
        "{ errors { code message field } } }",
        {"input": {"brandId": brand, "memberId": cy_id, "role": "MODERATOR"}},
        token=ada,
        field="setMemberRole",
    )
    # A moderator reads the list too; moderators come right after owners.
    seen = (await gql(MEMBERS, {"slug": "soup-club"}, token=cy))["data"]["brand"]["members"]
    assert [n["role"] for n in seen["nodes"]] == ["OWNER", "MODERATOR", "MEMBER"]

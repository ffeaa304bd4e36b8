"""``node(id:)`` for every Node type, with the visibility of the type's own field."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graphql import GraphQLInterfaceType

from brandhub.partners import events
from brandhub.partners.models import Handoff
from brandhub.schema.relay import decode_id, from_global_id, to_global_id
from tests.api.schema_walk import graphql_schema
from tests.factories import (
    ERRORS,
    create_campaign,
    join_brand,
    move_phase,
    ok,
    submit_proposal,
)
from tests.partners.support import close_with_handoffs, voting_with_partners

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
MODERATE = f"mutation($i: ModerateInput!) {{ moderate(input: $i) {{ {ERRORS} }} }}"
COMMENT = (
    f"mutation($i: AddCommentInput!) {{ addComment(input: $i) {{ comment {{ id }} {ERRORS} }} }}"
)
PLEDGE = f"mutation($i: PledgeInput!) {{ pledge(input: $i) {{ pledge {{ id }} {ERRORS} }} }}"
ANONYMOUS = None


def node_types() -> list[str]:
    """Every implementation of the Node interface in the served schema."""
    schema = graphql_schema()
    node = schema.type_map["Node"]
    assert isinstance(node, GraphQLInterfaceType)
    return sorted(t.name for t in schema.get_possible_types(node))


@dataclass(frozen=True)
class Case:
    """An object of one Node type, a viewer who sees it and one who must not (None: public)."""

    id: str
    allowed: str | None
    forbidden: str | None
    forbidden_is_anyone: bool = False


async def sales_report_of(state, clock, handoff_id: str) -> str:
    """A sales report row on the handoff (its reporting rules are tested in tests/royalties)."""
    from datetime import date

    from brandhub.royalties.models import SalesReport

    pk = decode_id(handoff_id, "Handoff")
    async with state.db.unit_of_work() as session:
        handoff = await session.get(Handoff, pk)
        row = SalesReport(
            handoff_id=pk,
            partner_id=handoff.partner_id,
            idempotency_key="k",
            fingerprint="f",
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
            units=1,
            net_revenue_minor=100,
            currency="EUR",
            created_at=clock.now,
        )
        session.add(row)
        await session.flush()
        return to_global_id("SalesReport", row.id)


@pytest.fixture
async def world(gql, sign_up, state, clock) -> dict[str, Case]:
    """One object of every Node type, each with a viewer who may see it and one who may not."""
    c = await voting_with_partners(gql, sign_up, partners=2)
    owner, member, other_member = c["owner"], c["members"][0], c["members"][1]
    stranger = await sign_up("stranger@example.com", "Stranger")
    key_a, key_b = c["partners"][0]["apiKey"], c["partners"][1]["apiKey"]

    shown = await ok(
        gql,
        COMMENT,
        {"i": {"proposalId": c["proposal"], "body": "Lovely"}},
        token=member,
        field="addComment",
    )
    hidden = await ok(
        gql,
        COMMENT,
        {"i": {"proposalId": c["proposal"], "body": "Spam"}},
        token=member,
        field="addComment",
    )
    hidden_comment = hidden["comment"]["id"]
    await ok(
        gql,
        MODERATE,
        {"i": {"targetId": hidden_comment, "action": "HIDE", "reason": "spam"}},
        token=owner,
        field="moderate",
    )
    pledge = await ok(
        gql,
        PLEDGE,
        {"i": {"proposalId": c["proposal"], "units": 2}},
        token=member,
        field="pledge",
    )
    [handoff_a, _] = await close_with_handoffs(gql, state, clock, c)
    report = await sales_report_of(state, clock, handoff_a)

    draft = await create_campaign(gql, token=owner, brand_id=c["brand"])
    second = await create_campaign(gql, token=owner, brand_id=c["brand"])
    await move_phase(gql, token=owner, campaign_id=second, mutation="openSubmissions")
    hidden_proposal = await submit_proposal(gql, token=member, campaign_id=second)
    await ok(
        gql,
        MODERATE,
        {"i": {"targetId": hidden_proposal, "action": "HIDE", "reason": "off topic"}},
        token=owner,
        field="moderate",
    )
    await join_brand(gql, token=stranger, brand_id=c["brand"])  # a member, not a moderator
    rating = await rated_product(gql, c, handoff_a, key_a, member, clock)
    viewer = "{ viewer { ... on Member { id } ... on Partner { id } } }"
    member_id = (await gql(viewer, token=member))["data"]["viewer"]["id"]
    return {
        "Member": Case(member_id, ANONYMOUS, None),
        "Partner": Case(c["partners"][0]["partner"]["id"], ANONYMOUS, None),
        "Brand": Case(c["brand"], ANONYMOUS, None),
        "Campaign": Case(draft, owner, stranger),
        "Proposal": Case(hidden_proposal, owner, stranger),
        "Comment": Case(hidden_comment, owner, stranger),
        "Pledge": Case(pledge["pledge"]["id"], member, other_member),
        "Rating": Case(rating, ANONYMOUS, None),
        "Handoff": Case(handoff_a, key_a, key_b),
        "SalesReport": Case(report, key_a, key_b),
        "visible comment": Case(shown["comment"]["id"], ANONYMOUS, None),
        "anonymous pledge": Case(pledge["pledge"]["id"], member, ANONYMOUS, True),
        "anonymous handoff": Case(handoff_a, owner, ANONYMOUS, True),
    }


async def rated_product(gql, c, handoff: str, key: str, buyer: str, clock) -> str:
    """Quote, accept, produce, ship and fulfil the handoff; the buyer rates it: the rating's id."""
    from datetime import timedelta

    from tests.ratings.support import FULFIL, RATE, step

    await step(gql, "acknowledgeHandoff", "HandoffIdInput", key, handoffId=handoff)
    await step(
        gql,
        "submitQuote",
        "SubmitQuoteInput",
        key,
        handoffId=handoff,
        currency="EUR",
        tiers=[{"minUnits": 1, "unitPrice": "5.00"}],
        moq=1,
        leadTimeDays=5,
        validUntil=(clock.now + timedelta(days=30)).isoformat(),
    )
    await step(gql, "acceptQuote", "HandoffIdInput", c["owner"], handoffId=handoff)
    for status in ("IN_PRODUCTION", "SHIPPED"):
        await step(
            gql,
            "updateProductionStatus",
            "UpdateProductionStatusInput",
            key,
            handoffId=handoff,
            status=status,
        )
    await ok(
        gql,
        FULFIL,
        {"input": {"handoffId": handoff, "all": True}},
        token=key,
        field="fulfilPledges",
    )
    rated = await ok(
        gql, RATE, {"input": {"handoffId": handoff, "stars": 4}}, token=buyer, field="rateProduct"
    )
    return rated["rating"]["id"]


async def node(gql, global_id: str, token: str | None) -> dict | None:
    body = await gql(NODE, {"id": global_id}, token=token)
    assert "errors" not in body, body
    return body["data"]["node"]


def test_every_node_type_has_a_case():
    """A new Node type fails here until the walk below knows how to see it and hide it."""
    cases = {
        "Brand",
        "Campaign",
        "Comment",
        "Handoff",
        "Member",
        "Partner",
        "Pledge",
        "Proposal",
        "Rating",
        "SalesReport",
    }
    assert set(node_types()) == cases


class TestNode:
    async def test_every_node_type_to_an_allowed_viewer_and_null_to_a_forbidden_one(
        self, gql, world
    ):
        """One world, every Node type of the schema walked (a fixture per type costs seconds)."""
        wrong = []
        for type_name in node_types():
            case = world[type_name]
            if await node(gql, case.id, case.allowed) != {"__typename": type_name, "id": case.id}:
                wrong.append(f"{type_name}: not shown to an allowed viewer")
            if case.forbidden is not None and await node(gql, case.id, case.forbidden) is not None:
                wrong.append(f"{type_name}: shown to a forbidden viewer")
            kind, _ = from_global_id(case.id)
            if await node(gql, to_global_id(kind, 10**9), case.allowed) is not None:
                wrong.append(f"{type_name}: an id naming nothing is not null")
        for name in ("visible comment", "anonymous pledge", "anonymous handoff"):
            case = world[name]
            if (await node(gql, case.id, case.allowed) or {}).get("id") != case.id:
                wrong.append(f"{name}: not shown to an allowed viewer")
            if case.forbidden_is_anyone and await node(gql, case.id, None) is not None:
                wrong.append(f"{name}: shown to an anonymous viewer")
        assert wrong == []

    async def test_node_agrees_with_the_direct_fields(self, gql, world):
        for type_name, field in (
            ("Campaign", "campaign"),
            ("Proposal", "proposal"),
            ("Handoff", "handoff"),
        ):
            case = world[type_name]
            query = f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}"
            for token, visible in ((case.allowed, True), (case.forbidden, False)):
                direct = (await gql(query, {"id": case.id}, token=token))["data"][field]
                assert (direct is not None) is visible
                assert (await node(gql, case.id, token) is not None) is visible

    async def test_garbage_and_foreign_ids_are_null(self, gql, world):
        for garbage in (
            "",
            "x",
            "bm90IGFuIGlk",
            to_global_id("Query", 1),
            to_global_id("Tally", 1),
        ):
            assert await node(gql, garbage, None) is None

    async def test_ids_from_before_strawberry_relay_still_resolve(self, gql, world):
        case = world["Brand"]
        old_style = case.id.replace("+", "-").replace("/", "_").rstrip("=")
        assert decode_id(old_style, "Brand") == decode_id(case.id, "Brand")
        assert (await node(gql, old_style, None))["id"] == case.id

    async def test_webhook_payloads_name_objects_by_the_same_ids(self, gql, world):
        for type_name in ("Campaign", "Proposal", "Handoff", "Brand"):
            case = world[type_name]
            assert events.global_id(type_name, decode_id(case.id, type_name)) == case.id

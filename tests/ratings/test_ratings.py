"""rateProduct: only verified buyers of a shipped product, one editable rating each."""

from __future__ import annotations

import pytest

from tests.factories import (
    ERRORS,
    CountStatements,
    create_campaign,
    move_phase,
    ok,
    submit_proposal,
)
from tests.partners.support import register_partner
from tests.ratings.support import (
    FULFIL,
    RATE,
    RATINGS,
    accepted_product,
    member_id,
    pledge,
    produce,
    shipped_product,
)

PARTNER_RATING = """query($id: ID!) { node(id: $id) { ... on Partner {
  rating { count average bayesianAverage distribution products } } } }"""
MODERATE = f"""mutation($input: ModerateInput!) {{ moderate(input: $input) {{
  rating {{ id hidden review }} {ERRORS} }} }}"""
SET_ROLE = f"""mutation($input: SetMemberRoleInput!) {{ setMemberRole(input: $input) {{
  membership {{ role }} {ERRORS} }} }}"""
LOG = """query($slug: String!) { brand(slug: $slug) { moderationLog { edges { node {
  action targetType targetId reason } } } } }"""


async def rate(gql, token, **input):
    return (await gql(RATE, {"input": input}, token=token))["data"]["rateProduct"]


async def fulfil_all(gql, c):
    await ok(
        gql,
        FULFIL,
        {"input": {"handoffId": c["handoff"], "all": True}},
        token=c["key"],
        field="fulfilPledges",
    )


async def ratings(gql, c, token=None):
    return (await gql(RATINGS, {"id": c["proposal"]}, token=token))["data"]["proposal"]["ratings"]


@pytest.fixture
async def product(gql, sign_up, state, clock):
    c = await shipped_product(gql, sign_up, state, clock)
    await fulfil_all(gql, c)
    return c


class TestWhoMayRate:
    async def test_fulfilled_buyer_rates(self, gql, product):
        c = product
        payload = await rate(gql, c["members"][1], proposalId=c["proposal"], stars=4, review="Good")
        assert payload["errors"] == []
        assert payload["rating"]["stars"] == 4 and payload["rating"]["review"] == "Good"
        assert payload["ratings"]["count"] == 1
        mine = await ratings(gql, c, c["members"][1])
        assert mine["viewerCanRate"] is True
        assert mine["viewerRating"] == {"stars": 4, "review": "Good"}

    async def test_non_buyer_is_refused(self, gql, product):
        c = product
        payload = await rate(gql, c["members"][3], proposalId=c["proposal"], stars=5)
        assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
        assert "fulfilled" in payload["errors"][0]["message"]
        assert (await ratings(gql, c, c["members"][3]))["viewerCanRate"] is False
        # The brand owner and the author (neither pledged) may not rate either.
        for token in (c["owner"], c["members"][0]):
            refused = await rate(gql, token, proposalId=c["proposal"], stars=5)
            assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
        assert (await ratings(gql, c))["count"] == 0

    async def test_unfulfilled_buyer_is_refused(self, gql, sign_up, state, clock):
        c = await shipped_product(gql, sign_up, state, clock)
        await ok(
            gql,
            FULFIL,
            {"input": {"handoffId": c["handoff"], "pledgeIds": [c["pledges"][0]]}},
            token=c["key"],
            field="fulfilPledges",
        )
        refused = await rate(gql, c["members"][2], proposalId=c["proposal"], stars=5)
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
        assert "not been fulfilled" in refused["errors"][0]["message"]
        assert (await ratings(gql, c, c["members"][2]))["viewerCanRate"] is False
        assert (await rate(gql, c["members"][1], proposalId=c["proposal"], stars=5))["errors"] == []

    async def test_not_shipped_is_refused(self, gql, sign_up, state, clock):
        c = await accepted_product(gql, sign_up, state, clock)
        await produce(gql, c, "IN_PRODUCTION")
        for input in ({"proposalId": c["proposal"]}, {"handoffId": c["handoff"]}):
            refused = await rate(gql, c["members"][1], stars=5, **input)
            assert [(e["code"], e["field"]) for e in refused["errors"]] == [
                ("INVALID_TRANSITION", list(input))
            ]
        assert (await ratings(gql, c)) is None

    async def test_anonymous_is_refused(self, gql, product):
        refused = await rate(gql, None, proposalId=product["proposal"], stars=5)
        assert [e["code"] for e in refused["errors"]] == ["UNAUTHENTICATED"]

    @pytest.mark.parametrize("stars", [0, 6, -1])
    async def test_stars_out_of_range(self, gql, product, stars):
        refused = await rate(
            gql, product["members"][1], proposalId=product["proposal"], stars=stars
        )
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("INVALID_INPUT", ["stars"])
        ]

    async def test_review_too_long(self, gql, product):
        refused = await rate(
            gql, product["members"][1], proposalId=product["proposal"], stars=3, review="x" * 2001
        )
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("INVALID_INPUT", ["review"])
        ]
        assert (await ratings(gql, product))["count"] == 0

    async def test_neither_or_both_product_ids(self, gql, product):
        c = product
        neither = await rate(gql, c["members"][1], stars=3)
        assert [e["code"] for e in neither["errors"]] == ["INVALID_INPUT"]
        both = await rate(
            gql, c["members"][1], stars=3, proposalId=c["proposal"], handoffId=c["handoff"]
        )
        assert [e["code"] for e in both["errors"]] == ["INVALID_INPUT"]


class TestOneRatingPerBuyer:
    async def test_rating_again_edits(self, gql, product):
        c = product
        first = await rate(gql, c["members"][1], proposalId=c["proposal"], stars=5, review="Wow")
        second = await rate(gql, c["members"][1], handoffId=c["handoff"], stars=2, review="  Meh  ")
        assert second["rating"]["id"] == first["rating"]["id"]
        shown = await ratings(gql, c)
        assert shown["count"] == 1
        assert shown["distribution"] == [0, 1, 0, 0, 0]
        assert [e["node"]["review"] for e in shown["reviews"]["edges"]] == ["Meh"]
        cleared = await rate(gql, c["members"][1], proposalId=c["proposal"], stars=2, review="")
        assert cleared["rating"]["review"] is None


class TestAverages:
    async def test_bayesian_average_and_distribution(self, gql, product):
        c = product
        await rate(gql, c["members"][1], proposalId=c["proposal"], stars=5)
        await rate(gql, c["members"][2], proposalId=c["proposal"], stars=4, review="Nice")
        shown = await ratings(gql, c)
        assert shown["count"] == 2
        assert shown["distribution"] == [0, 0, 0, 1, 1]
        assert shown["average"] == 4.5
        # (5 × 3 + 5 + 4) / (5 + 2): five phantom 3-star ratings.
        assert shown["bayesianAverage"] == pytest.approx(24 / 7)
        assert (shown["priorMean"], shown["priorStrength"]) == (3.0, 5)
        partner = c["partners"][0]["partner"]["id"]
        rating = (await gql(PARTNER_RATING, {"id": partner}))["data"]["node"]["rating"]
        assert rating == {
            "count": 2,
            "average": 4.5,
            "bayesianAverage": pytest.approx(24 / 7),
            "distribution": [0, 0, 0, 1, 1],
            "products": 1,
        }

    async def test_no_ratings_yet(self, gql, product):
        shown = await ratings(gql, product)
        assert shown["count"] == 0 and shown["average"] is None
        assert shown["bayesianAverage"] == 3.0 and shown["distribution"] == [0] * 5


class TestModeration:
    async def test_moderators_hide_and_restore_reviews(self, gql, product):
        c = product
        hateful = await rate(
            gql, c["members"][1], proposalId=c["proposal"], stars=1, review="Ugh!!"
        )
        await rate(gql, c["members"][2], proposalId=c["proposal"], stars=4, review="Fine")
        rating_id = hateful["rating"]["id"]
        # A plain member may not moderate.
        refused = (
            await gql(
                MODERATE,
                {"input": {"targetId": rating_id, "action": "HIDE", "reason": "rude"}},
                token=c["members"][3],
            )
        )["data"]["moderate"]
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
        # A moderator (promoted by the owner) may.
        mod = c["members"][3]
        await ok(
            gql,
            SET_ROLE,
            {
                "input": {
                    "brandId": c["brand"],
                    "memberId": await member_id(gql, mod),
                    "role": "MODERATOR",
                }
            },
            token=c["owner"],
            field="setMemberRole",
        )
        hidden = await ok(
            gql,
            MODERATE,
            {"input": {"targetId": rating_id, "action": "HIDE", "reason": "rude"}},
            token=mod,
            field="moderate",
        )
        assert hidden["rating"] == {"id": rating_id, "hidden": True, "review": "Ugh!!"}
        public = await ratings(gql, c)
        assert [e["node"]["review"] for e in public["reviews"]["edges"]] == ["Fine"]
        # The stars still count: hiding a review never lifts the score.
        assert public["count"] == 2 and public["distribution"] == [1, 0, 0, 1, 0]
        seen_by_mod = await ratings(gql, c, mod)
        assert {e["node"]["review"] for e in seen_by_mod["reviews"]["edges"]} == {"Ugh!!", "Fine"}
        # The author sees their rating hidden, without its text; editing keeps it hidden.
        own = await rate(gql, c["members"][1], proposalId=c["proposal"], stars=1, review="Ugh!!!")
        assert own["rating"]["hidden"] is True and own["rating"]["review"] is None
        twice = (
            await gql(
                MODERATE,
                {"input": {"targetId": rating_id, "action": "HIDE", "reason": "again"}},
                token=mod,
            )
        )["data"]["moderate"]
        assert [(e["code"], e["field"]) for e in twice["errors"]] == [
            ("INVALID_INPUT", ["targetId"])
        ]
        restored = await ok(
            gql,
            MODERATE,
            {"input": {"targetId": rating_id, "action": "RESTORE", "reason": "ok"}},
            token=c["owner"],
            field="moderate",
        )
        assert restored["rating"]["hidden"] is False
        log = (await gql(LOG, {"slug": "soup-club"}, token=c["owner"]))["data"]["brand"]
        entries = [e["node"] for e in log["moderationLog"]["edges"]]
        assert {(e["action"], e["targetType"], e["targetId"]) for e in entries} == {
            ("HIDE", "RATING", rating_id),
            ("RESTORE", "RATING", rating_id),
        }


async def test_late_buyer_rates_after_fulfilment(gql, sign_up, state, clock):
    c = await accepted_product(gql, sign_up, state, clock)
    await pledge(gql, c["members"][3], c["proposal"], 1)
    await produce(gql, c)
    await fulfil_all(gql, c)
    assert (await rate(gql, c["members"][3], proposalId=c["proposal"], stars=5))["errors"] == []


class TestQueryCost:
    """A list of products or partners reads ratings once per request, not once per item."""

    async def test_ratings_of_many_proposals_run_a_constant_number_of_statements(
        self, gql, sign_up, state, product
    ):
        c = product
        for token, stars in ((c["members"][1], 4), (c["members"][2], 2)):
            assert (await rate(gql, token, proposalId=c["proposal"], stars=stars))["errors"] == []
        # Proposals of another campaign of the brand: not shipped, so no ratings.
        other = await create_campaign(gql, token=c["owner"], brand_id=c["brand"])
        await move_phase(gql, token=c["owner"], campaign_id=other, mutation="openSubmissions")
        unshipped = [
            await submit_proposal(gql, token=c["members"][0], campaign_id=other, title=f"S{i}")
            for i in range(4)
        ]
        await state.jobs.drain()

        async def ratings_of(ids: list[str]) -> tuple[int, list]:
            fields = " ".join(
                f'p{i}: node(id: "{pid}") {{ ... on Proposal {{ ratings {{ count average }} }} }}'
                for i, pid in enumerate(ids)
            )
            with CountStatements(state) as counted:
                body = await gql(f"{{ {fields} }}", token=c["owner"])
            assert "errors" not in body, body
            return counted.count, [body["data"][f"p{i}"]["ratings"] for i in range(len(ids))]

        for _ in range(2):  # the pool's connections and the owner's principal come first
            await ratings_of([c["proposal"], *unshipped])
        few, _ = await ratings_of([c["proposal"], unshipped[0]])
        many, found = await ratings_of([c["proposal"], *unshipped])
        assert few == many
        assert found == [{"count": 2, "average": 3.0}, None, None, None, None]

    async def test_ratings_of_many_partners_run_a_constant_number_of_statements(
        self, gql, sign_up, state, product
    ):
        c = product
        assert (await rate(gql, c["members"][1], proposalId=c["proposal"], stars=5))["errors"] == []
        for i in range(3):
            admin = await sign_up(f"maker{i}@example.com", f"Maker {i}")
            await register_partner(gql, token=admin, slug=f"maker-x{i}", name=f"Maker X{i}")
        await state.jobs.drain()
        query = """query($first: Int!) { partners(first: $first) { edges { node { slug
          rating { count products } } } } }"""

        async def partners(first: int) -> tuple[int, dict]:
            with CountStatements(state) as counted:
                body = await gql(query, {"first": first})
            assert "errors" not in body, body
            edges = body["data"]["partners"]["edges"]
            assert len(edges) == first
            return counted.count, {e["node"]["slug"]: e["node"]["rating"] for e in edges}

        for _ in range(2):
            await partners(4)
        few, _ = await partners(2)
        many, found = await partners(4)
        assert few == many
        assert found[c["partners"][0]["partner"]["slug"]] == {"count": 1, "products": 1}
        assert sorted(r["count"] for r in found.values()) == [0, 0, 0, 1]

    async def test_two_ratings_in_one_request_each_answer_the_fresh_average(self, gql, product):
        c = product
        query = f"""mutation($a: RateProductInput!, $b: RateProductInput!) {{
          a: rateProduct(input: $a) {{ ratings {{ count average }} {ERRORS} }}
          b: rateProduct(input: $b) {{ ratings {{ count average }} {ERRORS} }} }}"""
        body = await gql(
            query,
            {
                "a": {"proposalId": c["proposal"], "stars": 2},
                "b": {"proposalId": c["proposal"], "stars": 5},
            },
            token=c["members"][1],
        )
        assert "errors" not in body, body
        assert body["data"]["a"]["ratings"] == {"count": 1, "average": 2.0}
        assert body["data"]["b"]["ratings"] == {"count": 1, "average": 5.0}

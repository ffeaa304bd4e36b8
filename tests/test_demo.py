"""The demo (``brandhub serve --demo``): after the vote, everything a newcomer should see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from brandhub.db import Database
from brandhub.demo import DEMO_PASSWORD, seed, seed_voting
from brandhub.models import metadata

SIGN_IN = """mutation($input: SignInInput!) { signIn(input: $input) { token errors { code } } }"""
CAMPAIGNS = """{ brand(slug: "ada-cooks") { campaigns { edges { node {
  id title phase ladder { stages { supporters } reviewQueue { title } }
  proposals { edges { node {
    id title status author { id displayName reputation }
    ladder { stage status supporters }
    ratings { count average bayesianAverage distribution } } } } } } } } }"""
REVIEWS = """query($id: ID!) { node(id: $id) { ... on Proposal { ratings {
  reviews { edges { node { stars review author { displayName } } } } } } } }"""
BRAND_STATEMENT = """{ brand(slug: "ada-cooks") { royaltyStatement(from: "2020-01-01",
  to: "2029-12-31") { balances { currency accrued closing } entries { kind amount } } } }"""
MY_STATEMENT = """{ viewer { ... on Member { displayName reputation
  royaltyStatement(from: "2020-01-01", to: "2029-12-31") {
    balances { currency accrued closing } } } } }"""


async def token_of(gql, email: str) -> str:
    body = await gql(SIGN_IN, {"input": {"email": email, "password": DEMO_PASSWORD}})
    payload = body["data"]["signIn"]
    assert payload["errors"] == [], payload
    return payload["token"]


async def campaigns(gql, token: str | None = None) -> dict[str, dict[str, Any]]:
    body = await gql(CAMPAIGNS, token=token)
    assert "errors" not in body, body
    edges = body["data"]["brand"]["campaigns"]["edges"]
    return {e["node"]["title"]: e["node"] for e in edges}


def proposals_of(campaign: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["title"]: e["node"] for e in campaign["proposals"]["edges"]}


async def row_counts(state) -> dict[str, int]:
    async with state.db.read() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table))
            for table in metadata.sorted_tables
        }


class TestDemo:
    async def test_the_demo_shows_the_vote_the_product_and_the_ladder(self, gql, settings, state):
        await seed(settings)
        seen = await campaigns(gql)
        assert set(seen) == {"The winter soup", "The autumn soup", "Soup of the month"}
        assert seen["The winter soup"]["phase"] == "VOTING"  # the README's tour, unchanged
        assert seen["The winter soup"]["ladder"] is None

        autumn = seen["The autumn soup"]
        assert autumn["phase"] == "CLOSED"
        made = proposals_of(autumn)["Chestnut and mushroom"]
        assert made["status"] == "WINNER"
        ratings = made["ratings"]
        assert ratings["count"] == 2 and ratings["average"] == 4.5
        assert 3 < ratings["bayesianAverage"] < 4.5  # pulled towards the prior of 3
        assert ratings["distribution"] == [0, 0, 0, 1, 1]
        body = await gql(REVIEWS, {"id": made["id"]})
        edges = body["data"]["node"]["ratings"]["reviews"]["edges"]
        reviewers = {e["node"]["author"]["displayName"] for e in edges}
        assert reviewers == {"Bo", "Dee"}
        assert made["author"]["displayName"] == "Cy" and made["author"]["reputation"] > 0

        ladder = seen["Soup of the month"]
        assert ladder["phase"] == "VOTING"
        assert [s["supporters"] for s in ladder["ladder"]["stages"]] == [2, 3, 4]
        climbs = {
            t: (p["ladder"]["stage"], p["ladder"]["status"])
            for t, p in proposals_of(ladder).items()
        }
        assert climbs == {
            "Miso and greens": (3, "REVIEW"),
            "Tomato and basil": (2, "CLIMBING"),
            "Beetroot borscht": (1, "CLIMBING"),
            "French onion": (0, "CLIMBING"),
        }

        ada = await token_of(gql, "ada@demo.brandhub")
        # Only the owner sees the review queue and the brand's money.
        assert [
            p["title"]
            for p in (await campaigns(gql, ada))["Soup of the month"]["ladder"]["reviewQueue"]
        ] == ["Miso and greens"]
        body = await gql(BRAND_STATEMENT, token=ada)
        assert "errors" not in body, body
        statement = body["data"]["brand"]["royaltyStatement"]
        # 10 % of EUR 2,730 + 1,170 = EUR 390.00 for the brand.
        assert statement["balances"] == [
            {"currency": "EUR", "accrued": "390.00", "closing": "390.00"}
        ]
        refused = await gql(BRAND_STATEMENT, token=await token_of(gql, "bo@demo.brandhub"))
        assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]

        cy = await token_of(gql, "cy@demo.brandhub")
        body = await gql(MY_STATEMENT, token=cy)
        assert "errors" not in body, body
        me = body["data"]["viewer"]
        # 2 % for the authors: Cy wrote the winner alone, EUR 78.00.
        assert me["royaltyStatement"]["balances"] == [
            {"currency": "EUR", "accrued": "78.00", "closing": "78.00"}
        ]
        assert me["reputation"] > 0

    async def test_seeding_twice_changes_nothing(self, gql, settings, state):
        await seed(settings)
        before = await row_counts(state)
        await seed(settings)
        assert await row_counts(state) == before
        assert before["product_rating"] == 2 and before["sales_report"] == 2

    async def test_a_demo_seeded_by_an_older_version_gains_the_new_parts(self, settings, state):
        db = Database(settings)
        try:
            await seed_voting(db, settings)  # all that the first demo had
        finally:
            await db.dispose()
        before = await row_counts(state)
        assert before["campaign"] == 1 and before["member"] == 3
        await seed(settings)
        after = await row_counts(state)
        assert after["campaign"] == 3 and after["member"] == 4 and after["product_rating"] == 2

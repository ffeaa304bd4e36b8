"""Keyword-only factories that go through the GraphQL API, as a client would."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

RECIPE_SPEC: dict[str, Any] = {
    "servings": 4,
    "ingredients": [
        {"name": "garlic", "quantity": 12, "unit": "piece"},
        {"name": "stock", "quantity": 1, "unit": "l"},
    ],
    "steps": ["Roast the garlic.", "Simmer in stock.", "Blend."],
    "allergens": ["celery"],
}

ERRORS = "errors { code message field }"


async def ok(gql, query: str, variables: dict[str, Any], *, token: str | None, field: str) -> dict:
    """Run a mutation and return its payload, failing the test on any error."""
    body = await gql(query, variables, token=token)
    assert "errors" not in body, body
    payload = body["data"][field]
    assert payload["errors"] == [], payload
    return payload


async def create_brand(
    gql, *, token: str, slug: str = "soup-club", label_mode: str = "GREY"
) -> str:
    payload = await ok(
        gql,
        f"mutation($input: CreateBrandInput!) {{ createBrand(input: $input) {{ brand {{ id }} {ERRORS} }} }}",
        {
            "input": {
                "slug": slug,
                "name": "Soup Club",
                "tagline": "Soups by you",
                "labelMode": label_mode,
            }
        },
        token=token,
        field="createBrand",
    )
    return payload["brand"]["id"]


async def join_brand(gql, *, token: str, brand_id: str) -> None:
    await ok(
        gql,
        f"mutation($input: JoinBrandInput!) {{ joinBrand(input: $input) {{ membership {{ role }} {ERRORS} }} }}",
        {"input": {"brandId": brand_id}},
        token=token,
        field="joinBrand",
    )


async def create_campaign(
    gql,
    *,
    token: str,
    brand_id: str,
    template: str = "recipe",
    voting: dict[str, Any] | None = None,
    **extra: Any,
) -> str:
    payload = await ok(
        gql,
        f"mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ campaign {{ id }} {ERRORS} }} }}",
        {
            "input": {
                "brandId": brand_id,
                "title": "Winter soup",
                "brief": "The soup of the season",
                "category": "recipe",
                "specTemplate": template,
                "voting": voting or {"method": "APPROVAL"},
                **extra,
            }
        },
        token=token,
        field="createCampaign",
    )
    return payload["campaign"]["id"]


async def move_phase(gql, *, token: str, campaign_id: str, mutation: str) -> None:
    await ok(
        gql,
        f"mutation($input: CampaignIdInput!) {{ {mutation}(input: $input) {{ campaign {{ phase }} {ERRORS} }} }}",
        {"input": {"campaignId": campaign_id}},
        token=token,
        field=mutation,
    )


async def submit_proposal(
    gql, *, token: str, campaign_id: str, title: str = "Garlic soup", spec: dict | None = None
) -> str:
    payload = await ok(
        gql,
        f"mutation($input: SubmitProposalInput!) {{ submitProposal(input: $input) {{ proposal {{ id }} {ERRORS} }} }}",
        {
            "input": {
                "campaignId": campaign_id,
                "title": title,
                "summary": "Roasted",
                "spec": spec or RECIPE_SPEC,
            }
        },
        token=token,
        field="submitProposal",
    )
    return payload["proposal"]["id"]


async def open_campaign(gql, sign_up, *, members: int = 1, **campaign: Any) -> dict[str, Any]:
    """An owner, a brand, a campaign in SUBMISSIONS and ``members`` joined members."""
    owner = await sign_up("owner@example.com", "Owner")
    brand = await create_brand(gql, token=owner)
    campaign_id = await create_campaign(gql, token=owner, brand_id=brand, **campaign)
    await move_phase(gql, token=owner, campaign_id=campaign_id, mutation="openSubmissions")
    tokens = []
    for i in range(members):
        token = await sign_up(f"m{i}@example.com", f"Member {i}")
        await join_brand(gql, token=token, brand_id=brand)
        tokens.append(token)
    return {"owner": owner, "brand": brand, "campaign": campaign_id, "members": tokens}


class CountStatements:
    """Counts the SQL statements the app's engines run."""

    def __init__(self, state) -> None:
        self.count = 0
        engines = {id(e): e for e in (state.db.engine, state.db.read_engine)}.values()
        self.engines = [e.sync_engine for e in engines]

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> CountStatements:
        for engine in self.engines:
            event.listen(engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: Any) -> None:
        for engine in self.engines:
            event.remove(engine, "before_cursor_execute", self._seen)

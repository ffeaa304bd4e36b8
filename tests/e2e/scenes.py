"""Scenes set up through the API before a browser takes over (what is not under test)."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import PASSWORD, Server, unique

E = "errors { code message field }"

RECIPE: dict[str, Any] = {
    "servings": 4,
    "ingredients": [{"name": "leek", "quantity": 3, "unit": "piece"}],
    "steps": ["Sweat the leeks.", "Simmer.", "Blend."],
    "allergens": [],
}


def sign_up(server: Server, name: str) -> tuple[str, str]:
    """A new member; returns (email, token)."""
    email = f"{unique(name.lower())}@example.com"
    payload = server.ok(
        f"mutation($i: SignUpInput!) {{ signUp(input: $i) {{ token {E} }} }}",
        {"i": {"email": email, "password": PASSWORD, "displayName": name}},
        None,
        "signUp",
    )
    return email, payload["token"]


def brand(
    server: Server, token: str, *, origins: list[str] | None = None, label: str = "GREY"
) -> tuple[str, str]:
    """A brand owned by ``token``; returns (id, slug)."""
    slug = unique("brand")
    payload = server.ok(
        f"mutation($i: CreateBrandInput!) {{ createBrand(input: $i) {{ brand {{ id }} {E} }} }}",
        {
            "i": {
                "slug": slug,
                "name": f"Soup {slug[-4:]}",
                "tagline": "Soups by you",
                "labelMode": label,
            }
        },
        token,
        "createBrand",
    )
    brand_id = payload["brand"]["id"]
    if origins:
        server.ok(
            f"mutation($i: SetEmbedOriginsInput!) {{ setEmbedOrigins(input: $i) {{ {E} }} }}",
            {"i": {"brandId": brand_id, "origins": origins}},
            token,
            "setEmbedOrigins",
        )
    return brand_id, slug


def join(server: Server, token: str, brand_id: str) -> None:
    server.ok(
        f"mutation($i: JoinBrandInput!) {{ joinBrand(input: $i) {{ {E} }} }}",
        {"i": {"brandId": brand_id}},
        token,
        "joinBrand",
    )


def campaign(
    server: Server, token: str, brand_id: str, voting: dict[str, Any], **extra: Any
) -> str:
    """A recipe campaign, opened for submissions."""
    payload = server.ok(
        f"mutation($i: CreateCampaignInput!) {{ createCampaign(input: $i) {{ campaign {{ id }} {E} }} }}",
        {
            "i": {
                "brandId": brand_id,
                "title": f"{voting['method'].title()} soup",
                "brief": "Which soup goes in a jar?",
                "category": "recipe",
                "specTemplate": "recipe",
                "voting": voting,
                **extra,
            }
        },
        token,
        "createCampaign",
    )
    campaign_id = payload["campaign"]["id"]
    phase(server, token, campaign_id, "openSubmissions")
    return campaign_id


def phase(server: Server, token: str, campaign_id: str, mutation: str) -> None:
    server.ok(
        f"mutation($i: CampaignIdInput!) {{ {mutation}(input: $i) {{ {E} }} }}",
        {"i": {"campaignId": campaign_id}},
        token,
        mutation,
    )


def propose(server: Server, token: str, campaign_id: str, title: str) -> str:
    payload = server.ok(
        f"mutation($i: SubmitProposalInput!) {{ submitProposal(input: $i) {{ proposal {{ id }} {E} }} }}",
        {"i": {"campaignId": campaign_id, "title": title, "spec": RECIPE}},
        token,
        "submitProposal",
    )
    return payload["proposal"]["id"]


def vote(server: Server, token: str, proposal_id: str, value: int = 1) -> None:
    server.ok(
        f"mutation($i: CastVoteInput!) {{ castVote(input: $i) {{ {E} }} }}",
        {"i": {"proposalId": proposal_id, "value": value}},
        token,
        "castVote",
    )


def partner(server: Server, token: str) -> tuple[str, str, str]:
    """A partner registered by ``token``; returns (id, name, api key)."""
    slug = unique("maker")
    payload = server.ok(
        "mutation($i: RegisterPartnerInput!) { registerPartner(input: $i) "
        f"{{ partner {{ id name }} apiKey {E} }} }}",
        {
            "i": {
                "slug": slug,
                "name": f"Maker {slug[-4:]}",
                "poweredByLabel": "SoupWorks",
                "categories": ["recipe"],
            }
        },
        token,
        "registerPartner",
    )
    return payload["partner"]["id"], payload["partner"]["name"], payload["apiKey"]


def my_votes(server: Server, token: str, campaign_id: str) -> dict[str, int]:
    data = server.gql(
        "query($c: ID!) { campaign(id: $c) { viewerVotes { value proposal { title } } "
        "viewerBallot { ranking { title } } } }",
        {"c": campaign_id},
        token,
    )["campaign"]
    votes = {v["proposal"]["title"]: v["value"] for v in data["viewerVotes"]}
    if data["viewerBallot"]:
        votes.update({p["title"]: -(i + 1) for i, p in enumerate(data["viewerBallot"]["ranking"])})
    return votes

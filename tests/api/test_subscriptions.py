"""The leaderboard subscription over a real WebSocket (graphql-transport-ws)."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.testclient import TestClient

from brandhub.app import create_app
from tests.conftest import SIGN_UP
from tests.factories import ERRORS, RECIPE_SPEC


def post(
    client: TestClient, query: str, variables: dict[str, Any], token: str | None = None
) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def scenario(settings) -> list[list[dict]]:
    """Sign up, run a campaign to VOTING, subscribe, vote twice; return the pushed boards."""
    with TestClient(create_app(settings)) as client:
        signup = {"password": "correct horse battery"}
        owner = post(
            client, SIGN_UP, {"input": {**signup, "email": "o@example.com", "displayName": "O"}}
        )
        token = owner["signUp"]["token"]
        brand = post(
            client,
            f'mutation {{ createBrand(input: {{slug: "soup-club", name: "Soup"}}) {{ brand {{ id }} {ERRORS} }} }}',
            {},
            token,
        )["createBrand"]["brand"]["id"]
        post(
            client,
            "mutation($b: ID!) { joinBrand(input: {brandId: $b}) { errors { code } } }",
            {"b": brand},
            token,
        )
        campaign = post(
            client,
            'mutation($b: ID!) { createCampaign(input: {brandId: $b, title: "t", category: "recipe", '
            'specTemplate: "recipe", voting: {method: APPROVAL}}) { campaign { id } errors { code } } }',
            {"b": brand},
            token,
        )["createCampaign"]["campaign"]["id"]
        phase = "mutation($c: ID!) { %s(input: {campaignId: $c}) { errors { code } } }"
        post(client, phase % "openSubmissions", {"c": campaign}, token)
        proposals = [
            post(
                client,
                "mutation($c: ID!, $s: JSON!, $t: String!) { submitProposal(input: "
                "{campaignId: $c, title: $t, spec: $s}) { proposal { id } errors { code } } }",
                {"c": campaign, "s": RECIPE_SPEC, "t": title},
                token,
            )["submitProposal"]["proposal"]["id"]
            for title in ("A", "B")
        ]
        post(client, phase % "openVoting", {"c": campaign}, token)
        boards = []
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": "subscription($c: ID!) { leaderboard(campaignId: $c, first: 5) "
                        "{ rank score proposal { title } } }",
                        "variables": {"c": campaign},
                    },
                }
            )
            boards.append(ws.receive_json()["payload"]["data"]["leaderboard"])
            vote = "mutation($p: ID!) { castVote(input: {proposalId: $p, value: 1}) { errors { code } } }"
            post(client, vote, {"p": proposals[1]}, token)
            boards.append(ws.receive_json()["payload"]["data"]["leaderboard"])
            ws.send_json({"id": "1", "type": "complete"})
        return boards


async def test_leaderboard_is_pushed_after_a_vote(settings, app):
    first, second = await asyncio.to_thread(scenario, settings)
    assert [(e["proposal"]["title"], e["score"]) for e in first] == [("A", 0.0), ("B", 0.0)]
    assert [(e["proposal"]["title"], e["score"]) for e in second] == [("B", 1.0), ("A", 0.0)]

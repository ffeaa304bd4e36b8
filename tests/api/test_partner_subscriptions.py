"""``handoffEvents`` over a real WebSocket: a partner hears its own handoffs' events, live."""

from __future__ import annotations

import asyncio
import time

import pytest
from starlette.testclient import TestClient

from brandhub.app import create_app
from brandhub.partners import live
from brandhub.schema.relay import decode_id
from tests.partners.support import Receiver, close_with_handoffs, voting_with_partners

SUBSCRIBE = "subscription { handoffEvents { sequence type status handoff { id } } }"
ACK = "mutation($h: ID!) { acknowledgeHandoff(input: {handoffId: $h}) { errors { code } } }"


@pytest.fixture(autouse=True)
def receiver(state) -> Receiver:
    hook = Receiver()
    state.jobs.context.http_transport = hook.transport
    return hook


def subscribe(ws, credential: str) -> None:
    ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {credential}"}})
    assert ws.receive_json()["type"] == "connection_ack"
    ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})


def listening(client: TestClient, *partner_ids: int) -> None:
    """Wait until each partner's subscription watches its channel and has read its starting
    point: an event committed before that would count as already seen (the client's subscribe
    message has no acknowledgement to wait for)."""
    watchers = client.app.state.brandhub.broadcast._watchers
    deadline = time.monotonic() + 10
    while not all(live.channel(pk) in watchers for pk in partner_ids):
        assert time.monotonic() < deadline, "the subscriptions never started"
        time.sleep(0.01)
    time.sleep(0.5)  # the starting point is one read after registering


def scenario(
    settings, keys: tuple[str, str], partners: tuple[str, str], a: str, b: str, member: str
) -> dict:
    """Both partners subscribe; each acknowledges its handoff; a member is refused."""
    key_a, key_b = keys
    a_partner, b_partner = partners
    with TestClient(create_app(settings)) as client:
        client.app.state.brandhub.jobs.context.http_transport = Receiver().transport
        seen = {}
        with (
            client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws_a,
            client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws_b,
        ):
            subscribe(ws_a, key_a)
            subscribe(ws_b, key_b)
            listening(client, decode_id(a_partner, "Partner"), decode_id(b_partner, "Partner"))
            for key, handoff in ((key_a, a), (key_b, b)):
                response = client.post(
                    "/graphql",
                    json={"query": ACK, "variables": {"h": handoff}},
                    headers={"authorization": f"Bearer {key}"},
                )
                assert response.json()["data"]["acknowledgeHandoff"]["errors"] == []
            seen["a"] = ws_a.receive_json()["payload"]["data"]["handoffEvents"]
            seen["b"] = ws_b.receive_json()["payload"]["data"]["handoffEvents"]
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            subscribe(ws, member)
            seen["member"] = ws.receive_json()
        return seen


async def test_each_partner_hears_only_its_own_handoffs(gql, sign_up, settings, state, clock):
    c = await voting_with_partners(gql, sign_up)
    a, b = await close_with_handoffs(gql, state, clock, c)
    key_a, key_b = (p["apiKey"] for p in c["partners"])
    partners = tuple(p["partner"]["id"] for p in c["partners"])
    seen = await asyncio.to_thread(
        scenario, settings, (key_a, key_b), partners, a, b, c["members"][0]
    )
    assert seen["a"] == {
        "sequence": 2,
        "type": "handoff.acknowledged",
        "status": "ACKNOWLEDGED",
        "handoff": {"id": a},
    }
    assert seen["b"]["handoff"] == {"id": b}
    refusal = seen["member"]["payload"]
    assert refusal["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert refusal.get("data") is None

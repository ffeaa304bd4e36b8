"""Brand theme and embed origins: owners only, validated, and the CORS grant they control."""

from __future__ import annotations

import asyncio

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from brandhub.app import create_app
from brandhub.cross_origin import OriginAllowlist
from tests.factories import ERRORS, create_brand, create_campaign, join_brand

SET_ORIGINS = f"""
mutation($input: SetEmbedOriginsInput!) {{
  setEmbedOrigins(input: $input) {{ brand {{ embedOrigins }} {ERRORS} }}
}}"""
UPDATE_BRAND = f"""
mutation($input: UpdateBrandInput!) {{
  updateBrand(input: $input) {{ brand {{ name accentColor logoUrl labelMode }} {ERRORS} }}
}}"""
BRAND = "query($s: String!) { brand(slug: $s) { accentColor logoUrl embedOrigins } }"
BLOG = "https://blog.example"
PREFLIGHT = {"origin": BLOG, "access-control-request-method": "POST"}


async def owner_and_brand(sign_up, gql) -> tuple[str, str]:
    token = await sign_up("owner@example.com", "Owner")
    return token, await create_brand(gql, token=token)


class TestEmbedOrigins:
    async def test_owner_sets_normalised_origins(self, gql, sign_up):
        token, brand = await owner_and_brand(sign_up, gql)
        body = await gql(
            SET_ORIGINS,
            {
                "input": {
                    "brandId": brand,
                    "origins": ["HTTPS://Blog.Example:443/", "http://127.0.0.2:8080", BLOG],
                }
            },
            token=token,
        )
        payload = body["data"]["setEmbedOrigins"]
        assert payload["errors"] == []
        assert payload["brand"]["embedOrigins"] == [BLOG, "http://127.0.0.2:8080"]

    @pytest.mark.parametrize(
        "bad",
        [
            "http://blog.example",
            "https://blog.example/path",
            "blog.example",
            "https://user@blog.example",
            "https://blog.example?x=1",
            "ftp://blog.example",
            "https://blog.example:99999",
        ],
    )
    async def test_a_bad_origin_is_refused_at_its_index_and_nothing_changes(
        self, gql, sign_up, bad
    ):
        token, brand = await owner_and_brand(sign_up, gql)
        await gql(SET_ORIGINS, {"input": {"brandId": brand, "origins": [BLOG]}}, token=token)
        body = await gql(
            SET_ORIGINS,
            {"input": {"brandId": brand, "origins": ["https://ok.example", bad]}},
            token=token,
        )
        payload = body["data"]["setEmbedOrigins"]
        assert payload["brand"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("INVALID_INPUT", ["origins", "1"])
        ]
        kept = await gql(BRAND, {"s": "soup-club"}, token=token)
        assert kept["data"]["brand"]["embedOrigins"] == [BLOG]

    async def test_members_and_strangers_are_refused(self, gql, sign_up):
        _, brand = await owner_and_brand(sign_up, gql)
        member = await sign_up("member@example.com", "Member")
        await join_brand(gql, token=member, brand_id=brand)
        for caller in (member, await sign_up("x@example.com", "X")):
            body = await gql(
                SET_ORIGINS, {"input": {"brandId": brand, "origins": [BLOG]}}, token=caller
            )
            assert body["data"]["setEmbedOrigins"]["errors"][0]["code"] == "FORBIDDEN"
            read = await gql(BRAND, {"s": "soup-club"}, token=caller)
            assert read["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        anonymous = await gql(
            SET_ORIGINS, {"input": {"brandId": brand, "origins": [BLOG]}}, token=None
        )
        assert anonymous["data"]["setEmbedOrigins"]["errors"][0]["code"] == "UNAUTHENTICATED"


class TestTheme:
    async def test_owner_sets_and_clears_the_theme(self, gql, sign_up):
        token, brand = await owner_and_brand(sign_up, gql)
        body = await gql(
            UPDATE_BRAND,
            {
                "input": {
                    "brandId": brand,
                    "accentColor": "#1A7F5A",
                    "logoUrl": "https://cdn.example/logo.png",
                    "labelMode": "WHITE",
                }
            },
            token=token,
        )
        assert body["data"]["updateBrand"]["brand"] == {
            "name": "Soup Club",
            "accentColor": "#1a7f5a",
            "logoUrl": "https://cdn.example/logo.png",
            "labelMode": "WHITE",
        }
        cleared = await gql(
            UPDATE_BRAND, {"input": {"brandId": brand, "accentColor": ""}}, token=token
        )
        assert cleared["data"]["updateBrand"]["brand"]["accentColor"] is None
        assert cleared["data"]["updateBrand"]["brand"]["logoUrl"] == "https://cdn.example/logo.png"

    async def test_every_bad_field_is_reported_and_nothing_is_saved(self, gql, sign_up):
        token, brand = await owner_and_brand(sign_up, gql)
        body = await gql(
            UPDATE_BRAND,
            {
                "input": {
                    "brandId": brand,
                    "name": "  ",
                    "accentColor": "green",
                    "logoUrl": "javascript:alert(1)",
                }
            },
            token=token,
        )
        payload = body["data"]["updateBrand"]
        assert payload["brand"] is None
        assert sorted(e["field"][0] for e in payload["errors"]) == [
            "accentColor",
            "logoUrl",
            "name",
        ]
        read = await gql('{ brand(slug: "soup-club") { name accentColor } }')
        assert read["data"]["brand"] == {"name": "Soup Club", "accentColor": None}

    async def test_a_member_cannot_change_the_brand(self, gql, sign_up):
        _, brand = await owner_and_brand(sign_up, gql)
        member = await sign_up("member@example.com", "Member")
        await join_brand(gql, token=member, brand_id=brand)
        body = await gql(
            UPDATE_BRAND, {"input": {"brandId": brand, "accentColor": "#000000"}}, token=member
        )
        assert body["data"]["updateBrand"]["errors"][0]["code"] == "FORBIDDEN"


class TestCrossOrigin:
    async def test_only_registered_origins_get_a_grant(self, gql, sign_up, client):
        token, brand = await owner_and_brand(sign_up, gql)
        refused = await client.options("/graphql", headers=PREFLIGHT)
        assert refused.status_code == 403
        assert "access-control-allow-origin" not in refused.headers
        await gql(SET_ORIGINS, {"input": {"brandId": brand, "origins": [BLOG]}}, token=token)

        granted = await client.options("/graphql", headers=PREFLIGHT)
        assert granted.status_code == 204
        assert granted.headers["access-control-allow-origin"] == BLOG
        assert "authorization" not in granted.headers["access-control-allow-headers"]
        post = await client.post(
            "/graphql", json={"query": "{ viewer { __typename } }"}, headers={"origin": BLOG}
        )
        assert post.headers["access-control-allow-origin"] == BLOG
        assert "Origin" in post.headers["vary"]

        for other in ("https://evil.example", "http://127.0.0.3:8080"):
            stranger = await client.post(
                "/graphql", json={"query": "{ viewer { __typename } }"}, headers={"origin": other}
            )
            assert "access-control-allow-origin" not in stranger.headers
            preflight = await client.options("/graphql", headers={**PREFLIGHT, "origin": other})
            assert "access-control-allow-origin" not in preflight.headers

    async def test_removing_an_origin_withdraws_the_grant(self, gql, sign_up, client):
        token, brand = await owner_and_brand(sign_up, gql)
        await gql(SET_ORIGINS, {"input": {"brandId": brand, "origins": [BLOG]}}, token=token)
        assert (await client.options("/graphql", headers=PREFLIGHT)).status_code == 204
        await gql(SET_ORIGINS, {"input": {"brandId": brand, "origins": []}}, token=token)
        assert (await client.options("/graphql", headers=PREFLIGHT)).status_code == 403

    async def test_same_origin_and_originless_requests_pass(self, client):
        own = await client.post(
            "/graphql",
            json={"query": "{ viewer { __typename } }"},
            headers={"origin": "http://test"},
        )
        assert own.status_code == 200
        bare = await client.post("/graphql", json={"query": "{ viewer { __typename } }"})
        assert bare.json() == {"data": {"viewer": None}}


def websocket_origins(settings) -> dict[str, bool]:
    """Register BLOG on a brand, then try a WebSocket from several origins."""
    results: dict[str, bool] = {}
    with TestClient(create_app(settings)) as client:
        signup = {"password": "correct horse battery", "email": "o@example.com", "displayName": "O"}
        token = client.post(
            "/graphql",
            json={
                "query": "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
                "variables": {"i": signup},
            },
        ).json()["data"]["signUp"]["token"]
        auth = {"authorization": f"Bearer {token}"}
        brand = client.post(
            "/graphql",
            json={
                "query": 'mutation { createBrand(input: {slug: "ws-club", name: "W"}) { brand { id } } }'
            },
            headers=auth,
        ).json()["data"]["createBrand"]["brand"]["id"]
        client.post(
            "/graphql",
            json={
                "query": SET_ORIGINS,
                "variables": {"input": {"brandId": brand, "origins": [BLOG]}},
            },
            headers=auth,
        )
        for origin in (BLOG, "https://evil.example", "http://testserver"):
            try:
                with client.websocket_connect(
                    "/graphql", subprotocols=["graphql-transport-ws"], headers={"origin": origin}
                ) as ws:
                    ws.send_json({"type": "connection_init", "payload": {}})
                    results[origin] = ws.receive_json()["type"] == "connection_ack"
            except WebSocketDisconnect:
                results[origin] = False
    return results


async def test_websockets_from_unregistered_origins_are_refused(settings, app):
    results = await asyncio.to_thread(websocket_origins, settings)
    assert results == {BLOG: True, "https://evil.example": False, "http://testserver": True}


async def test_campaign_shows_powered_by_only_once_chosen(gql, sign_up):
    token, brand = await owner_and_brand(sign_up, gql)
    campaign = await create_campaign(gql, token=token, brand_id=brand)
    body = await gql(
        "query($c: ID!) { campaign(id: $c) { poweredBy } }", {"c": campaign}, token=token
    )
    assert body["data"]["campaign"]["poweredBy"] is None


async def test_allowlist_sees_another_processs_change_within_its_bound(gql, sign_up, state):
    token, brand = await owner_and_brand(sign_up, gql)
    now = [0.0]
    allowlist = OriginAllowlist(state.db, ttl=10, clock=lambda: now[0])
    assert not await allowlist.allows(BLOG)
    # Another process registers the origin: this one's cache does not know yet...
    await gql(SET_ORIGINS, {"input": {"brandId": brand, "origins": [BLOG]}}, token=token)
    now[0] = 9.0
    assert not await allowlist.allows(BLOG)
    # ...and learns it once the bound has passed.
    now[0] = 10.5
    assert await allowlist.allows(BLOG)

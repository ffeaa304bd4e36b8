"""Automatic persisted queries, queries over GET, and the caching headers of public reads."""

from __future__ import annotations

import hashlib
import json

import httpx
from asgi_lifespan import LifespanManager

from brandhub.app import create_app
from tests.conftest import make_settings, wipe
from tests.factories import ERRORS, open_campaign, submit_proposal

BOARD = "query Board($id: ID!) { campaign(id: $id) { title leaderboard(first: 5) { score } } }"
VIEWER = "query Me { viewer { ... on Member { displayName } } }"


def extensions(document: str) -> dict:
    digest = hashlib.sha256(document.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def get_params(document: str | None, variables: dict, persisted_of: str | None = None) -> dict:
    params = {"variables": json.dumps(variables)}
    if document is not None:
        params["query"] = document
    if persisted_of is not None:
        params["extensions"] = json.dumps(extensions(persisted_of))
    return params


class TestPersistedQueries:
    async def test_unknown_hash_then_document_then_hash_alone(self, client):
        body = {"extensions": extensions(VIEWER), "variables": {}}
        first = (await client.post("/graphql", json=body)).json()
        assert first["errors"][0]["message"] == "PersistedQueryNotFound"
        assert first["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        sent = (await client.post("/graphql", json={**body, "query": VIEWER})).json()
        assert sent == {"data": {"viewer": None}}
        again = (await client.post("/graphql", json=body)).json()
        assert again == {"data": {"viewer": None}}

    async def test_a_document_that_does_not_match_its_hash_is_refused(self, client):
        body = {"query": VIEWER, "extensions": extensions(BOARD)}
        response = await client.post("/graphql", json=body)
        assert response.status_code == 400
        assert "does not match" in response.text

    async def test_an_invalid_document_is_not_kept(self, client):
        bad = "query { nosuchfield }"
        body = {"query": bad, "extensions": extensions(bad)}
        answered = (await client.post("/graphql", json=body)).json()
        assert answered["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        retried = (await client.post("/graphql", json={"extensions": extensions(bad)})).json()
        assert retried["errors"][0]["message"] == "PersistedQueryNotFound"

    async def test_documents_are_shared_by_processes_through_redis(self, database_url, redis_url):
        settings = make_settings(database_url, redis_url=redis_url)
        first, second = create_app(settings), create_app(settings)
        try:
            async with (
                LifespanManager(first, startup_timeout=60, shutdown_timeout=60),
                LifespanManager(second, startup_timeout=60, shutdown_timeout=60),
            ):
                one = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=first), base_url="http://t"
                )
                two = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=second), base_url="http://t"
                )
                async with one, two:
                    body = {"query": VIEWER, "extensions": extensions(VIEWER)}
                    assert (await one.post("/graphql", json=body)).json()["data"]
                    hashed = {"extensions": extensions(VIEWER)}
                    assert (await two.post("/graphql", json=hashed)).json() == {
                        "data": {"viewer": None}
                    }
        finally:
            await wipe(database_url)


class TestQueriesOverGet:
    async def test_a_query_runs_over_get(self, client):
        response = await client.get("/graphql", params=get_params(VIEWER, {}))
        assert response.status_code == 200
        assert response.json() == {"data": {"viewer": None}}

    async def test_a_mutation_over_get_is_refused_and_changes_nothing(self, client, gql):
        sign_up = (
            'mutation { signUp(input: {email: "get@example.com", password: "correct horse '
            f'battery", displayName: "G"}}) {{ token {ERRORS} }} }}'
        )
        response = await client.get("/graphql", params={"query": sign_up})
        assert response.status_code == 400
        assert "mutations are not allowed when using GET" in response.text
        signed_in = await gql(
            'mutation { signIn(input: {email: "get@example.com", password: "correct horse '
            f'battery"}}) {{ token {ERRORS} }} }}'
        )
        assert signed_in["data"]["signIn"]["token"] is None


class TestCacheHeaders:
    async def test_anonymous_persisted_get_is_public_with_an_etag_and_304(
        self, client, gql, sign_up
    ):
        scene = await open_campaign(gql, sign_up)
        await submit_proposal(gql, token=scene["owner"], campaign_id=scene["campaign"])
        variables = {"id": scene["campaign"]}
        params = get_params(BOARD, variables, persisted_of=BOARD)
        first = await client.get("/graphql", params=params)
        assert first.status_code == 200, first.text
        assert first.headers["cache-control"] == "public, max-age=5"
        etag = first.headers["etag"]
        hashed = get_params(None, variables, persisted_of=BOARD)
        again = await client.get("/graphql", params=hashed, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        changed = await client.get("/graphql", params=hashed, headers={"if-none-match": '"x"'})
        assert changed.status_code == 200 and changed.headers["etag"] == etag
        # A new proposal changes the board: the old validator no longer matches.
        await submit_proposal(gql, token=scene["owner"], campaign_id=scene["campaign"], title="B")
        fresh = await client.get("/graphql", params=hashed, headers={"if-none-match": etag})
        assert fresh.status_code == 200 and fresh.headers["etag"] != etag
        assert len(fresh.json()["data"]["campaign"]["leaderboard"]) == 2

    async def test_authenticated_responses_are_never_cached_publicly(self, client, sign_up):
        token = await sign_up()
        auth = {"authorization": f"Bearer {token}"}
        params = get_params(VIEWER, {}, persisted_of=VIEWER)
        response = await client.get("/graphql", params=params, headers=auth)
        assert response.json()["data"]["viewer"]["displayName"] == "Ada"
        assert response.headers["cache-control"] == "private, no-store"
        assert "etag" not in response.headers
        conditional = await client.get(
            "/graphql", params=params, headers={**auth, "if-none-match": "*"}
        )
        assert conditional.status_code == 200
        posted = await client.post("/graphql", json={"query": VIEWER}, headers=auth)
        assert posted.headers["cache-control"] == "private, no-store"

    async def test_errors_and_unpersisted_gets_are_not_cached(self, client):
        plain = await client.get("/graphql", params=get_params(VIEWER, {}))
        assert plain.headers["cache-control"] == "no-store" and "etag" not in plain.headers
        missing = await client.get("/graphql", params=get_params(None, {}, persisted_of="{ x }"))
        assert missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        assert missing.headers["cache-control"] == "no-store"

"""The HTTP edge: malformed and oversized requests, document limits, masking, health, metrics."""

from __future__ import annotations

import logging

import httpx
from asgi_lifespan import LifespanManager
from starlette.testclient import TestClient

from brandhub.app import create_app
from tests.conftest import make_settings

VIEWER = "{ viewer { __typename } }"


class TestRequests:
    async def test_malformed_json_is_a_400_with_a_clear_message(self, client):
        response = await client.post(
            "/graphql", content=b'{"query": "{ viewer', headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert "Unable to parse request body as JSON" in response.text

    async def test_body_over_one_mebibyte_is_a_413(self, client):
        padding = "#" + "x" * (1024 * 1024) + "\n"
        response = await client.post("/graphql", json={"query": padding + VIEWER})
        assert response.status_code == 413

    async def test_streamed_body_over_the_limit_is_a_413(self, client):
        async def chunks():
            for _ in range(20):
                yield b"x" * 65536

        response = await client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413

    async def test_body_just_under_the_limit_is_served(self, client):
        query = "#" + "x" * (1000 * 1000) + "\n" + VIEWER
        response = await client.post("/graphql", json={"query": query})
        assert response.status_code == 200
        assert response.json()["data"] == {"viewer": None}


class TestNestedJson:
    """Deeply nested request bodies are refused with 400, before anything walks them."""

    QUERY = (
        'mutation($s: JSON!) { submitProposal(input: {campaignId: \\"x\\", title: \\"t\\", '
        "spec: $s}) { errors { code } } }"
    )

    def body(self, depth: int) -> bytes:
        return self.wrap("[" * depth + "]" * depth)

    def wrap(self, spec: str) -> bytes:
        return ('{"query": "' + self.QUERY + '", "variables": {"s": ' + spec + "}}").encode()

    async def post(self, client, body: bytes) -> httpx.Response:
        return await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )

    async def test_ten_thousand_levels_are_a_400_with_a_clear_message(self, client):
        response = await self.post(client, self.body(10_000))
        assert response.status_code == 400
        assert "nested more than 100 levels deep" in response.text

    async def test_nesting_beyond_the_limit_that_python_still_parses_is_a_400(self, client):
        response = await self.post(client, self.body(500))
        assert response.status_code == 400
        assert "nested more than 100 levels deep" in response.text

    async def test_nesting_within_the_limit_is_served(self, client):
        # The body object and "variables" are two levels; the spec fills the rest.
        response = await self.post(client, self.body(98))
        assert response.status_code == 200
        assert response.json()["data"]["submitProposal"]["errors"] == [{"code": "UNAUTHENTICATED"}]
        response = await self.post(client, self.body(99))
        assert response.status_code == 400

    async def test_many_shallow_values_are_not_mistaken_for_depth(self, client):
        wide = "[" + ",".join("[[1]]" for _ in range(5000)) + "]"
        response = await self.post(client, self.wrap(wide))
        assert response.status_code == 200

    def test_a_websocket_message_nested_too_deeply_closes_the_connection(self, settings):
        app = create_app(settings)
        with (
            TestClient(app) as http,
            http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
        ):
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_text('{"type": "ping", "payload": ' + "[" * 10_000 + "]" * 10_000 + "}")
            message = ws.receive()
            assert message["type"] == "websocket.close"
            assert message["code"] == 4400


class TestDocumentLimits:
    async def test_more_than_30_aliases_are_refused(self, gql):
        fields = " ".join(f"a{i}: viewer {{ __typename }}" for i in range(31))
        body = await gql(f"{{ {fields} }}")
        assert body.get("data") is None
        assert body["errors"][0]["message"] == "31 aliases found. Allowed: 30"

    async def test_aliases_inside_fragments_count_at_each_spread(self, gql):
        aliases = " ".join(f"a{i}: viewer {{ __typename }}" for i in range(16))
        query = f"query {{ ...F x: __typename ... on Query {{ ...F }} }} fragment F on Query {{ {aliases} }}"
        body = await gql(query)
        assert body.get("data") is None
        assert "aliases found. Allowed: 30" in body["errors"][0]["message"]

    async def test_30_aliases_are_allowed(self, gql):
        fields = " ".join(f"a{i}: viewer {{ __typename }}" for i in range(30))
        body = await gql(f"{{ {fields} }}")
        assert len(body["data"]) == 30

    async def test_more_than_2000_tokens_are_refused(self, gql):
        fields = " ".join("__typename" for _ in range(2100))
        body = await gql(f"{{ {fields} }}")
        assert body.get("data") is None
        assert "more than 2000 tokens" in body["errors"][0]["message"]


class TestErrorCodes:
    """Every error of a response carries ``extensions.code``, whatever step refused it."""

    async def code_of(self, gql, query: str, variables=None) -> str:
        body = await gql(query, variables)
        assert body.get("data") is None, body
        [error] = body["errors"]
        return error["extensions"]["code"]

    async def test_an_unknown_field_is_a_validation_failure(self, gql):
        assert await self.code_of(gql, "{ nosuchfield }") == "GRAPHQL_VALIDATION_FAILED"

    async def test_a_wrong_literal_type_is_a_validation_failure(self, gql):
        code = await self.code_of(gql, "{ brand(slug: 3) { id } }")
        assert code == "GRAPHQL_VALIDATION_FAILED"

    async def test_a_document_that_does_not_parse(self, gql):
        assert await self.code_of(gql, "{ viewer") == "GRAPHQL_PARSE_FAILED"

    async def test_too_deep(self, gql):
        hop = "campaigns { edges { node { brand { "
        query = '{ brand(slug: "x") { ' + hop * 3 + "id" + " } } } }" * 3 + " } }"
        body = await gql(query)
        assert "exceeds maximum operation depth of 10" in body["errors"][0]["message"]
        assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_DEEP"}

    async def test_too_many_aliases(self, gql):
        fields = " ".join(f"a{i}: __typename" for i in range(31))
        assert await self.code_of(gql, f"{{ {fields} }}") == "TOO_MANY_ALIASES"

    async def test_too_many_tokens(self, gql):
        fields = " ".join("__typename" for _ in range(2100))
        assert await self.code_of(gql, f"{{ {fields} }}") == "TOO_MANY_TOKENS"

    async def test_a_variable_of_the_wrong_type_is_bad_user_input(self, gql):
        query = "query($slug: String!) { brand(slug: $slug) { id } }"
        assert await self.code_of(gql, query, {"slug": ["not", "a", "string"]}) == (
            "BAD_USER_INPUT"
        )

    async def test_a_missing_variable_is_bad_user_input(self, gql):
        query = "query($slug: String!) { brand(slug: $slug) { id } }"
        assert await self.code_of(gql, query, {}) == "BAD_USER_INPUT"

    async def test_a_document_that_does_not_parse_is_counted(self, client, gql):
        await gql("{ viewer")
        metrics = (await client.get("/metrics")).text
        assert (
            'brandhub_graphql_operations_total{operation="anonymous",outcome="error",'
            'type="unknown"} 1.0' in metrics
        )


class TestMasking:
    async def test_unexpected_errors_are_masked_and_logged(self, gql, monkeypatch, caplog):
        async def explode(*args, **kwargs):
            raise RuntimeError("connection string postgres://secret")

        monkeypatch.setattr("brandhub.schema.context.authenticate", explode)
        with caplog.at_level(logging.ERROR):
            body = await gql(VIEWER, token="bhs_anything")
        assert body["errors"][0]["message"] == "Unexpected error."
        assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
        assert "secret" not in str(body)
        assert "connection string postgres://secret" in caplog.text
        assert "Traceback" in caplog.text or any(r.exc_info for r in caplog.records)

    async def test_public_errors_keep_their_code(self, gql):
        body = await gql(VIEWER, token="bhs_unknown")
        assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}

    async def test_validation_errors_are_not_masked(self, gql):
        body = await gql("{ nosuchfield }")
        assert "Cannot query field 'nosuchfield'" in body["errors"][0]["message"]


class TestHealth:
    async def test_healthz(self, client):
        response = await client.get("/healthz")
        assert response.json() == {"status": "ok"}

    async def test_readyz_when_database_answers(self, client):
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok"}

    async def test_readyz_fails_when_the_database_is_down(self, backend, tmp_path):
        url = (
            f"sqlite+aiosqlite:///{tmp_path}/missing/dir/brandhub.db"
            if backend == "sqlite"
            else "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"
        )
        app = create_app(make_settings(url))
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["database"].startswith("error")

    async def test_metrics_count_operations_by_name_and_outcome(self, client, gql):
        await gql("query Who { viewer { __typename } }")
        await gql("query Broken { viewer { __typename } }", token="bhs_bad")
        text = (await client.get("/metrics")).text
        assert (
            'brandhub_graphql_operations_total{operation="Who",outcome="ok",type="query"} 1.0'
            in text
        )
        assert (
            'brandhub_graphql_operations_total{operation="Broken",outcome="error",type="query"} 1.0'
            in text
        )
        assert 'brandhub_http_requests_total{method="POST",route="/graphql",status="200"}' in text


class TestSwitches:
    async def test_introspection_and_graphiql_can_be_switched_off(self, database_url):
        app = create_app(make_settings(database_url, introspection=False, graphiql=False))
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                body = (
                    await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
                ).json()
                page = await client.get("/graphql", headers={"accept": "text/html"})
        assert body.get("data") is None
        assert "introspection" in body["errors"][0]["message"].lower()
        assert page.status_code != 200 or "graphiql" not in page.text.lower()

    async def test_graphiql_is_served_by_default(self, database_url, tmp_path):
        (tmp_path / "graphiql.html").write_text("<title>GraphiQL</title>")
        app = create_app(make_settings(database_url, web_dist=str(tmp_path)))
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                page = await client.get("/graphql", headers={"accept": "text/html"})
                api = await client.get("/graphql", headers={"accept": "application/json"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()
        assert "graphiql" not in api.text.lower()

"""The principal cache: bearer tokens resolved without a query, bounded in time and size,
and a revoked credential refused on its next request, in this process and in others."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import delete

from brandhub.app import create_app
from brandhub.auth.models import SessionToken
from brandhub.auth.principal_cache import PrincipalCache
from brandhub.auth.tokens import digest
from tests.api.test_partners import REVOKE_KEY, ROTATE_KEY, VIEWER
from tests.conftest import SIGN_UP, make_settings, wipe
from tests.partners.support import register_partner

SIGN_OUT = "mutation { signOut { ok errors { code } } }"
ME = "{ viewer { __typename ... on Member { displayName } ... on Partner { slug } } }"


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refused(body) -> bool:
    return body.get("errors", [{}])[0].get("extensions", {}).get("code") == "UNAUTHENTICATED"


async def forget_tokens(state) -> None:
    """Delete every session token behind the API's back (no revocation is announced)."""
    async with state.db.unit_of_work() as session:
        await session.execute(delete(SessionToken))


class TestOneProcess:
    async def test_a_known_token_is_answered_from_the_cache_within_its_bound(
        self, gql, sign_up, state
    ):
        fake = FakeMonotonic()
        state.principals.clock = fake
        token = await sign_up()
        assert (await gql(ME, token=token))["data"]["viewer"]["displayName"] == "Ada"
        await forget_tokens(state)
        # cached: no query, so the silent deletion is not seen yet
        assert (await gql(ME, token=token))["data"]["viewer"]["displayName"] == "Ada"
        fake.now += state.settings.principal_cache_seconds + 0.1
        assert refused(await gql(ME, token=token))

    async def test_sign_out_is_refused_on_the_very_next_request(self, gql, sign_up, state):
        token = await sign_up()
        other = await sign_up("bob@example.com", "Bob")
        assert not refused(await gql(ME, token=token))
        assert not refused(await gql(ME, token=other))
        assert len(state.principals) == 2
        assert (await gql(SIGN_OUT, token=token))["data"]["signOut"]["ok"] is True
        assert refused(await gql(ME, token=token))
        assert (await gql(ME, token=other))["data"]["viewer"]["displayName"] == "Bob"

    async def test_an_expired_token_is_not_served_from_the_cache(self, gql, sign_up, clock):
        token = await sign_up()
        assert not refused(await gql(ME, token=token))
        clock.advance(days=31)  # past the token's 30-day life, within the cache's seconds
        assert refused(await gql(ME, token=token))

    async def test_rotated_and_revoked_partner_keys_stop_at_once(self, gql, sign_up):
        admin = await sign_up("admin@acme.example.com", "Admin")
        p = await register_partner(gql, token=admin)
        old = p["apiKey"]
        assert (await gql(VIEWER, token=old))["data"]["viewer"]["slug"] == "acme-foods"
        body = await gql(ROTATE_KEY, {"input": {"partnerId": p["partner"]["id"]}}, token=admin)
        new = body["data"]["rotatePartnerKey"]["apiKey"]
        assert refused(await gql(VIEWER, token=old))
        assert (await gql(VIEWER, token=new))["data"]["viewer"]["slug"] == "acme-foods"
        body = await gql(REVOKE_KEY, {"input": {"partnerId": p["partner"]["id"]}}, token=admin)
        assert body["data"]["revokePartnerKey"]["revoked"] == 1
        assert refused(await gql(VIEWER, token=new))

    async def test_the_cache_keeps_at_most_its_size(self, gql, sign_up, state):
        state.principals.size = 2
        tokens = [await sign_up(f"m{i}@example.com", f"M{i}") for i in range(4)]
        for token in tokens:
            assert not refused(await gql(ME, token=token))
        assert len(state.principals) == 2

    async def test_a_cache_of_zero_seconds_always_asks_the_database(self, gql, sign_up, state):
        state.principals.seconds = 0
        token = await sign_up()
        assert not refused(await gql(ME, token=token))
        await forget_tokens(state)
        assert refused(await gql(ME, token=token))
        assert len(state.principals) == 0


@asynccontextmanager
async def instance(settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def post(http: httpx.AsyncClient, query: str, variables=None, token: str | None = None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def two_instances(database_url, redis_url):
    settings = make_settings(database_url, redis_url=redis_url, principal_cache_seconds=60)
    try:
        async with instance(settings) as a, instance(settings) as b:
            yield a, b
    finally:
        await wipe(database_url)


class TestAcrossProcesses:
    async def test_a_token_signed_out_on_one_instance_is_refused_by_the_other(self, two_instances):
        a, b = two_instances
        body = await post(
            a,
            SIGN_UP,
            {
                "input": {
                    "email": "ada@example.com",
                    "password": "correct horse battery",
                    "displayName": "Ada",
                }
            },
        )
        token = body["data"]["signUp"]["token"]
        for http in (a, b, b):  # b caches it (for a minute)
            assert (await post(http, ME, token=token))["data"]["viewer"]["displayName"] == "Ada"
        assert (await post(a, SIGN_OUT, token=token))["data"]["signOut"]["ok"] is True
        assert refused(await post(b, ME, token=token))
        assert refused(await post(a, ME, token=token))

    async def test_a_partner_key_rotated_on_one_instance_is_refused_by_the_other(
        self, two_instances
    ):
        a, b = two_instances
        body = await post(
            a,
            SIGN_UP,
            {
                "input": {
                    "email": "admin@acme.example.com",
                    "password": "correct horse battery",
                    "displayName": "Admin",
                }
            },
        )
        admin = body["data"]["signUp"]["token"]

        async def gql_a(query, variables=None, *, token=None):
            return await post(a, query, variables, token)

        p = await register_partner(gql_a, token=admin)
        old = p["apiKey"]
        assert (await post(b, VIEWER, token=old))["data"]["viewer"]["slug"] == "acme-foods"
        body = await post(a, ROTATE_KEY, {"input": {"partnerId": p["partner"]["id"]}}, admin)
        new = body["data"]["rotatePartnerKey"]["apiKey"]
        assert refused(await post(b, VIEWER, token=old))
        assert (await post(b, VIEWER, token=new))["data"]["viewer"]["slug"] == "acme-foods"


class TestExpirySpread:
    """Credentials cached at the same instant are not all read again at one instant."""

    async def test_entries_cached_together_expire_spread_over_the_second_half_of_the_bound(self):
        from datetime import UTC, datetime

        from brandhub.auth.models import Member
        from brandhub.auth.service import Principal

        fake = FakeMonotonic()
        cache = PrincipalCache(seconds=4.0, size=1000, clock=fake)
        now = datetime.now(UTC)
        loads = 0

        def loader(i: int):
            async def load():
                nonlocal loads
                loads += 1
                return Principal(member=Member(id=i), credential_id=i)

            return load

        async def read_all() -> int:
            before = loads
            for i in range(400):
                await cache.principal(f"token-{i}", now=now, load=loader(i))
            return loads - before

        assert await read_all() == 400
        fake.now += 1.99  # under half the bound: every entry is still fresh
        assert await read_all() == 0
        fake.now += 1.01  # three quarters of it: about half have expired, not all, not none
        assert 100 < await read_all() < 300
        fake.now += 4.01  # past the bound: every entry has expired
        assert await read_all() == 400
        assert all(2.0 <= cache.lifetime(digest(f"token-{i}")) <= 4.0 for i in range(400))

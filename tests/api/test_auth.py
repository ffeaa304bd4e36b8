"""Accounts through the GraphQL API: sign-up, sign-in, sign-out, viewer, tokens, throttling."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import uuid

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import ValidationError
from sqlalchemy import select, update

from brandhub.app import create_app
from brandhub.auth.models import Member, SessionToken
from brandhub.settings import Settings
from tests.conftest import REDIS_NAMESPACE, SIGN_UP, make_settings, wipe

SIGN_IN = """
mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { token viewer { id displayName email } errors { code message field } }
}
"""
SIGN_OUT = "mutation { signOut { ok errors { code message } } }"
VIEWER = "query Viewer { viewer { __typename ... on Member { id displayName email } } }"
PASSWORD = "correct horse battery"


def sign_up_input(email: str = "ada@example.com", password: str = PASSWORD, name: str = "Ada"):
    return {"input": {"email": email, "password": password, "displayName": name}}


class TestSignUp:
    async def test_returns_a_token_that_identifies_the_member(self, gql):
        body = await gql(SIGN_UP, sign_up_input())
        payload = body["data"]["signUp"]
        assert payload["errors"] == []
        assert payload["viewer"]["displayName"] == "Ada"
        assert payload["viewer"]["email"] == "ada@example.com"
        me = await gql(VIEWER, token=payload["token"])
        assert me["data"]["viewer"] == {
            "__typename": "Member",
            "id": payload["viewer"]["id"],
            "displayName": "Ada",
            "email": "ada@example.com",
        }

    async def test_token_is_stored_only_as_its_sha256(self, gql, state):
        token = (await gql(SIGN_UP, sign_up_input()))["data"]["signUp"]["token"]
        async with state.db.read() as session:
            stored = (await session.scalars(select(SessionToken.token_hash))).all()
            member = await session.scalar(select(Member))
        assert stored == [hashlib.sha256(token.encode()).hexdigest()]
        assert token not in stored
        assert member.password_hash.startswith("$argon2id$")
        assert PASSWORD not in member.password_hash

    async def test_duplicate_email_is_refused_case_insensitively(self, gql):
        await gql(SIGN_UP, sign_up_input("ada@example.com"))
        body = await gql(SIGN_UP, sign_up_input("ADA@Example.com"))
        payload = body["data"]["signUp"]
        assert payload["token"] is None
        assert payload["errors"] == [
            {
                "code": "ALREADY_EXISTS",
                "message": "An account with this email already exists.",
                "field": ["email"],
            }
        ]

    async def test_weak_password_is_refused(self, gql, state):
        body = await gql(SIGN_UP, sign_up_input(password="short"))
        [error] = body["data"]["signUp"]["errors"]
        assert (error["code"], error["field"]) == ("INVALID_INPUT", ["password"])
        async with state.db.read() as session:
            assert await session.scalar(select(Member)) is None

    async def test_invalid_email_is_refused(self, gql):
        body = await gql(SIGN_UP, sign_up_input(email="not-an-email"))
        [error] = body["data"]["signUp"]["errors"]
        assert (error["code"], error["field"]) == ("INVALID_INPUT", ["email"])


class TestSignIn:
    async def test_right_password_gives_a_new_token(self, gql, sign_up):
        first = await sign_up()
        body = await gql(SIGN_IN, {"input": {"email": "Ada@Example.com", "password": PASSWORD}})
        payload = body["data"]["signIn"]
        assert payload["errors"] == []
        assert payload["token"] and payload["token"] != first
        assert payload["viewer"]["email"] == "ada@example.com"

    async def test_unknown_email_and_wrong_password_fail_alike(self, gql, sign_up):
        await sign_up()
        wrong = await gql(SIGN_IN, {"input": {"email": "ada@example.com", "password": "x" * 12}})
        unknown = await gql(SIGN_IN, {"input": {"email": "bob@example.com", "password": PASSWORD}})
        assert wrong["data"]["signIn"] == unknown["data"]["signIn"]
        assert wrong["data"]["signIn"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
        assert wrong["data"]["signIn"]["token"] is None

    async def test_throttling_one_email_leaves_others_alone(self, gql, sign_up):
        await sign_up("ada@example.com")
        await sign_up("bo@example.com", "Bo")
        for _ in range(6):
            await gql(SIGN_IN, {"input": {"email": "ada@example.com", "password": "wrong-pass!!"}})
        body = await gql(SIGN_IN, {"input": {"email": "bo@example.com", "password": PASSWORD}})
        assert body["data"]["signIn"]["errors"] == []


class Caller:
    """A client of one app from one address (the socket peer), optionally with headers."""

    def __init__(self, app, address: str, headers: dict[str, str] | None = None) -> None:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        self.http = httpx.AsyncClient(transport=transport, base_url="http://test")
        self.headers = headers or {}

    async def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return await self.post(SIGN_IN, {"input": {"email": email, "password": password}})

    async def sign_up(self, email: str) -> httpx.Response:
        return await self.post(SIGN_UP, sign_up_input(email))

    async def post(self, query: str, variables: dict) -> httpx.Response:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return response


def outcome(response: httpx.Response, field: str = "signIn") -> str:
    """OK, or the code of the payload's first error."""
    errors = response.json()["data"][field]["errors"]
    return errors[0]["code"] if errors else "OK"


@pytest.fixture
async def make_app(database_url):
    """Apps with settings of the test's choosing (same database), their lifespans running."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(**overrides):
            app = create_app(make_settings(database_url, **overrides))
            await stack.enter_async_context(
                LifespanManager(app, startup_timeout=60, shutdown_timeout=60)
            )
            return app

        yield start
    await wipe(database_url)


class TestThrottling:
    """Failed sign-ins slow down an (account, address) and an address, never an account."""

    async def test_an_attacker_cannot_lock_the_owner_out_from_another_address(self, make_app):
        app = await make_app()
        owner, attacker = Caller(app, "198.51.100.10"), Caller(app, "203.0.113.66")
        assert outcome(await owner.sign_up("ada@example.com"), "signUp") == "OK"
        results = [
            outcome(await attacker.sign_in("ada@example.com", f"guess-number-{i}"))
            for i in range(30)
        ]
        assert results[:5] == ["INVALID_CREDENTIALS"] * 5
        assert set(results[5:]) == {"RATE_LIMITED"}
        # Even the right password waits, from the attacker's address...
        assert outcome(await attacker.sign_in("ada@example.com")) == "RATE_LIMITED"
        # ...while the owner signs in at once from theirs.
        assert outcome(await owner.sign_in("ada@example.com")) == "OK"

    async def test_the_wait_is_in_the_message_and_the_retry_after_header(self, make_app):
        app = await make_app()
        caller = Caller(app, "198.51.100.10")
        for _ in range(5):
            assert outcome(await caller.sign_in("ada@example.com", "wrong-password")) == (
                "INVALID_CREDENTIALS"
            )
        response = await caller.sign_in("ada@example.com", "wrong-password")
        [error] = response.json()["data"]["signIn"]["errors"]
        assert error["code"] == "RATE_LIMITED"
        wait = int(response.headers["retry-after"])
        assert 1 <= wait <= 60
        assert error["message"] == f"Too many failed sign-ins; try again in {wait} seconds."

    async def test_the_wait_grows_with_the_failures(self, make_app):
        app = await make_app(signin_failure_limits="2/2 seconds;3/10 seconds")
        caller = Caller(app, "198.51.100.10")
        for _ in range(2):
            await caller.sign_in("ada@example.com", "wrong-password")
        first = int((await caller.sign_in("ada@example.com", "x" * 10)).headers["retry-after"])
        assert first <= 2
        await asyncio.sleep(2.1)
        assert outcome(await caller.sign_in("ada@example.com", "wrong-password")) == (
            "INVALID_CREDENTIALS"
        )
        second = int((await caller.sign_in("ada@example.com", "x" * 10)).headers["retry-after"])
        assert second >= 7 > first

    async def test_a_success_forgets_the_accounts_failures_from_that_address(self, make_app):
        app = await make_app()
        caller = Caller(app, "198.51.100.10")
        assert outcome(await caller.sign_up("ada@example.com"), "signUp") == "OK"
        for _ in range(3):
            for _ in range(4):
                await caller.sign_in("ada@example.com", "wrong-password")
            assert outcome(await caller.sign_in("ada@example.com")) == "OK"

    async def test_one_address_failing_on_many_accounts_is_slowed(self, make_app):
        app = await make_app(signin_address_limits="6/minute")
        sprayer, other = Caller(app, "203.0.113.66"), Caller(app, "198.51.100.10")
        for i in range(6):
            assert outcome(await sprayer.sign_in(f"user{i}@example.com", "Summer2026!")) == (
                "INVALID_CREDENTIALS"
            )
        assert outcome(await sprayer.sign_in("user9@example.com", "Summer2026!")) == (
            "RATE_LIMITED"
        )
        assert outcome(await other.sign_in("user9@example.com", "Summer2026!")) == (
            "INVALID_CREDENTIALS"
        )

    async def test_sign_ups_are_limited_per_address(self, make_app, database_url):
        app = await make_app(signup_limits="2/hour")
        caller, neighbour = Caller(app, "198.51.100.10"), Caller(app, "198.51.100.11")
        assert outcome(await caller.sign_up("a@example.com"), "signUp") == "OK"
        assert outcome(await caller.sign_up("b@example.com"), "signUp") == "OK"
        refused = await caller.sign_up("c@example.com")
        assert outcome(refused, "signUp") == "RATE_LIMITED"
        assert refused.json()["data"]["signUp"]["token"] is None
        assert 1 <= int(refused.headers["retry-after"]) <= 3600
        assert outcome(await neighbour.sign_up("c@example.com"), "signUp") == "OK"
        async with app.state.brandhub.db.read() as session:
            emails = (await session.scalars(select(Member.email).order_by(Member.id))).all()
        assert emails == ["a@example.com", "b@example.com", "c@example.com"]

    @pytest.mark.parametrize(
        "setting",
        [
            {"signin_failure_limits": "five a minute"},
            {"signup_limits": ""},
            {"trusted_proxies": "10.0.0.0/8,proxy.internal"},
        ],
    )
    def test_a_bad_setting_stops_the_start(self, setting):
        with pytest.raises(ValidationError):
            Settings(**setting)


class TestClientAddress:
    async def test_a_trusted_proxy_names_the_client(self, make_app):
        app = await make_app(trusted_proxies="10.0.0.0/8")
        behind = [
            Caller(app, "10.0.0.5", {"x-forwarded-for": f"203.0.113.{n}, 10.0.0.9"}) for n in (1, 2)
        ]
        for _ in range(6):
            await behind[0].sign_in("ada@example.com", "wrong-password")
        assert outcome(await behind[0].sign_in("ada@example.com", "wrong")) == "RATE_LIMITED"
        # Another client behind the same proxy is another address.
        assert outcome(await behind[1].sign_in("ada@example.com", "wrong")) == (
            "INVALID_CREDENTIALS"
        )

    async def test_forwarded_headers_from_anyone_else_are_ignored(self, make_app):
        app = await make_app(trusted_proxies="10.0.0.0/8")
        results = []
        for n in range(8):
            liar = Caller(app, "203.0.113.66", {"x-forwarded-for": f"192.0.2.{n}"})
            results.append(outcome(await liar.sign_in("ada@example.com", "wrong-password")))
        assert results[5:] == ["RATE_LIMITED"] * 3

    async def test_without_trusted_proxies_the_peer_is_the_client(self, make_app):
        app = await make_app()
        results = []
        for n in range(8):
            proxied = Caller(app, "10.0.0.5", {"forwarded": f"for=192.0.2.{n}"})
            results.append(outcome(await proxied.sign_in("ada@example.com", "wrong-password")))
        assert results[5:] == ["RATE_LIMITED"] * 3


@pytest.mark.redis
class TestThrottlingAcrossProcesses:
    async def test_counts_are_shared_through_redis_under_the_namespace(self, make_app, redis_url):
        first = await make_app(redis_url=redis_url)
        second = await make_app(redis_url=redis_url)
        address = f"198.51.100.{uuid.uuid4().int % 200 + 20}"
        for _ in range(5):
            await Caller(first, address).sign_in("ada@example.com", "wrong-password")
        assert outcome(await Caller(second, address).sign_in("ada@example.com")) == ("RATE_LIMITED")
        redis = first.state.brandhub.redis
        ours = [k async for k in redis.scan_iter(match=f"{REDIS_NAMESPACE}:limits*sign-in*")]
        assert ours
        # Other runs may share this Redis; none of anyone's counters sits outside a namespace.
        every = [k.decode() async for k in redis.scan_iter(match="*sign-in*")]
        assert all(k.split(":", 1)[1].startswith("limits:") for k in every)


class TestTokens:
    async def test_no_token_means_no_viewer(self, gql):
        assert (await gql(VIEWER))["data"]["viewer"] is None

    async def test_unknown_token_is_unauthenticated(self, gql):
        body = await gql(VIEWER, token="bhs_not-a-real-token")
        assert body["data"] is None or body["data"]["viewer"] is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_sign_out_revokes_the_token(self, gql, sign_up):
        token = await sign_up()
        body = await gql(SIGN_OUT, token=token)
        assert body["data"]["signOut"] == {"ok": True, "errors": []}
        after = await gql(VIEWER, token=token)
        assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_sign_out_without_a_token_is_refused(self, gql):
        body = await gql(SIGN_OUT)
        assert body["data"]["signOut"]["ok"] is False
        assert body["data"]["signOut"]["errors"][0]["code"] == "UNAUTHENTICATED"

    async def test_expired_token_is_refused(self, gql, sign_up, clock):
        token = await sign_up()
        clock.advance(days=30, seconds=1)
        body = await gql(VIEWER, token=token)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_token_still_valid_before_expiry(self, gql, sign_up, clock):
        token = await sign_up()
        clock.advance(days=29)
        body = await gql(VIEWER, token=token)
        assert body["data"]["viewer"]["displayName"] == "Ada"

    async def test_revoked_token_is_refused(self, gql, sign_up, state, clock):
        token = await sign_up()
        async with state.db.unit_of_work() as session:
            await session.execute(update(SessionToken).values(revoked_at=clock.now))
        body = await gql(VIEWER, token=token)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_other_members_email_is_hidden(self, gql, sign_up):
        await sign_up("ada@example.com")
        bo = await sign_up("bo@example.com", "Bo")
        ada_id = (
            await gql(SIGN_IN, {"input": {"email": "ada@example.com", "password": PASSWORD}})
        )["data"]["signIn"]["viewer"]["id"]
        body = await gql(
            "query($id: ID!) { node(id: $id) { ... on Member { displayName email } } }",
            {"id": ada_id},
            token=bo,
        )
        assert body["data"]["node"] == {"displayName": "Ada", "email": None}

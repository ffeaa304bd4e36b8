"""Accounts through the GraphQL API: sign-up, sign-in, sign-out, viewer, tokens, throttling."""

from __future__ import annotations

import hashlib

from sqlalchemy import select, update

from brandhub.auth.models import Member, SessionToken
from tests.conftest import SIGN_UP

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

    async def test_repeated_failures_are_throttled_then_released(self, gql, sign_up, clock):
        await sign_up()
        bad = {"input": {"email": "ada@example.com", "password": "wrong-password!"}}
        for _ in range(5):
            body = await gql(SIGN_IN, bad)
            assert body["data"]["signIn"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
        good = {"input": {"email": "ada@example.com", "password": PASSWORD}}
        body = await gql(SIGN_IN, good)
        assert body["data"]["signIn"]["errors"][0]["code"] == "RATE_LIMITED"
        assert body["data"]["signIn"]["token"] is None
        clock.advance(minutes=16)
        body = await gql(SIGN_IN, good)
        assert body["data"]["signIn"]["errors"] == []

    async def test_throttling_one_email_leaves_others_alone(self, gql, sign_up):
        await sign_up("ada@example.com")
        await sign_up("bo@example.com", "Bo")
        for _ in range(6):
            await gql(SIGN_IN, {"input": {"email": "ada@example.com", "password": "wrong-pass!!"}})
        body = await gql(SIGN_IN, {"input": {"email": "bo@example.com", "password": PASSWORD}})
        assert body["data"]["signIn"]["errors"] == []


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

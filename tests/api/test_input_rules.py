"""Rules every input obeys at the edge: no NUL or lone surrogate in text, date-times with an offset."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from brandhub.app import create_app
from brandhub.community.models import Brand, Campaign, Comment
from brandhub.partners.models import Handoff
from tests.api.schema_walk import graphql_schema, positions, selection_for
from tests.factories import ERRORS, RECIPE_SPEC, create_brand, create_campaign, open_campaign
from tests.partners.support import close_with_handoffs, voting_with_partners

NUL = "bad\x00text"
SURROGATE = "bad\ud800text"
BAD_TEXT = pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])


@pytest.fixture
def raw(client):
    """Send a request the way any JSON encoder would: lone surrogates as \\uXXXX escapes."""

    async def send(query: str, variables: dict[str, Any], *, token: str | None = None) -> dict:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables}).encode()
        response = await client.post("/graphql", content=body, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    return send


def refused(body: dict, field: str) -> list[str]:
    """The field paths of a payload's INVALID_INPUT errors (and nothing else went wrong)."""
    assert "errors" not in body, body
    errors = body["data"][field]["errors"]
    assert errors and all(e["code"] == "INVALID_INPUT" for e in errors), errors
    return [e["field"] for e in errors]


def refused_query(body: dict) -> tuple[str, list[str]]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"]["field"]


class TestTheInputsOfTheIssue:
    @BAD_TEXT
    async def test_sign_in_email(self, raw, sign_up, bad):
        await sign_up()
        body = await raw(
            "mutation($i: SignInInput!) { signIn(input: $i) { token " + ERRORS + " } }",
            {"i": {"email": f"ada{bad}@example.com", "password": "correct horse battery"}},
        )
        assert refused(body, "signIn") == [["email"]]
        assert body["data"]["signIn"]["token"] is None

    @BAD_TEXT
    async def test_sign_up_display_name_stores_nothing(self, raw, state, bad):
        body = await raw(
            "mutation($i: SignUpInput!) { signUp(input: $i) { token " + ERRORS + " } }",
            {
                "i": {
                    "email": "a@example.com",
                    "password": "correct horse battery",
                    "displayName": bad,
                }
            },
        )
        assert refused(body, "signUp") == [["displayName"]]
        async with state.db.read() as session:
            from brandhub.auth.models import Member

            assert (await session.scalars(select(Member))).all() == []

    @BAD_TEXT
    async def test_brand_slug(self, raw, bad):
        body = await raw("query($s: String!) { brand(slug: $s) { id } }", {"s": bad})
        assert body["data"] == {"brand": None}
        assert refused_query(body) == ("INVALID_INPUT", ["slug"])

    @BAD_TEXT
    async def test_partners_category(self, raw, bad):
        body = await raw(
            "query($c: String) { partners(category: $c) { edges { node { id } } } }", {"c": bad}
        )
        assert refused_query(body) == ("INVALID_INPUT", ["category"])

    @BAD_TEXT
    async def test_create_brand_name_stores_nothing(self, raw, sign_up, state, bad):
        token = await sign_up()
        body = await raw(
            "mutation($i: CreateBrandInput!) { createBrand(input: $i) { brand { id } "
            + ERRORS
            + " } }",
            {"i": {"slug": "soup-club", "name": bad}},
            token=token,
        )
        assert refused(body, "createBrand") == [["name"]]
        assert body["data"]["createBrand"]["brand"] is None
        async with state.db.read() as session:
            assert (await session.scalars(select(Brand))).all() == []

    @BAD_TEXT
    async def test_add_comment_body(self, raw, gql, sign_up, state, bad):
        c = await open_campaign(gql, sign_up)
        from tests.factories import submit_proposal

        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        body = await raw(
            "mutation($i: AddCommentInput!) { addComment(input: $i) { comment { id } "
            + ERRORS
            + " } }",
            {"i": {"proposalId": proposal, "body": f"Lovely {bad}"}},
            token=c["members"][0],
        )
        assert refused(body, "addComment") == [["body"]]
        async with state.db.read() as session:
            assert (await session.scalars(select(Comment))).all() == []

    @BAD_TEXT
    async def test_register_partner_name(self, raw, sign_up, bad):
        token = await sign_up()
        body = await raw(
            "mutation($i: RegisterPartnerInput!) { registerPartner(input: $i) { apiKey "
            + ERRORS
            + " } }",
            {
                "i": {
                    "slug": "acme",
                    "name": bad,
                    "poweredByLabel": "Acme",
                    "categories": ["recipe", f"soup{bad}"],
                }
            },
            token=token,
        )
        assert refused(body, "registerPartner") == [["name"], ["categories", "1"]]
        assert body["data"]["registerPartner"]["apiKey"] is None

    @BAD_TEXT
    async def test_spec_values_and_keys(self, raw, gql, sign_up, bad):
        c = await open_campaign(gql, sign_up)
        spec = json.loads(json.dumps(RECIPE_SPEC))
        spec["ingredients"][1]["name"] = bad
        spec[f"no{bad}te"] = "x"
        body = await raw(
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { proposal { id } "
            + ERRORS
            + " } }",
            {"i": {"campaignId": c["campaign"], "title": "Soup", "spec": spec}},
            token=c["members"][0],
        )
        escaped = json.dumps(f"no{bad}te")[1:-1]
        assert refused(body, "submitProposal") == [
            ["spec", "ingredients", "1", "name"],
            ["spec", escaped],
        ]
        messages = [e["message"] for e in body["data"]["submitProposal"]["errors"]]
        assert messages[1].startswith("A key of spec may not contain")
        assert "\x00" not in json.dumps(body) and "\\u0000" not in messages[0]


class TestEveryTextArgument:
    """A NUL in any String, ID or JSON position of any root field is refused, naming it."""

    POSITIONS = positions(graphql_schema(), {"String", "ID", "JSON"})

    def test_the_walk_finds_the_arguments(self):
        found = {(p.field_name, p.path) for p in self.POSITIONS}
        assert ("brand", ("slug",)) in found
        assert ("submitProposal", ("input", "spec")) in found
        assert ("castBallot", ("input", "ranking", 0)) in found
        assert len(found) > 60

    @pytest.mark.parametrize(
        "position", POSITIONS, ids=lambda p: ".".join(map(str, (p.field_name, *p.path)))
    )
    async def test_nul_is_refused(self, raw, position):
        bad = "x\x00" if position.path[-1] != "spec" else {"name": "x\x00"}
        body = await raw(position.document(selection_for(position.field)), position.variables(bad))
        expected = position.field_path + (["name"] if isinstance(bad, dict) else [])
        if position.operation == "mutation":
            assert refused(body, position.field_name) == [expected]
        else:
            assert refused_query(body) == ("INVALID_INPUT", expected)

    async def test_a_nested_field_argument_is_refused_too(self, raw, gql, sign_up):
        await create_brand(gql, token=await sign_up())
        body = await raw(
            'query($a: String) { brand(slug: "soup-club") { name campaigns(after: $a) { '
            "edges { node { id } } } } }",
            {"a": "\x00"},
        )
        assert refused_query(body) == ("INVALID_INPUT", ["after"])

    async def test_the_path_keeps_other_keys_as_given(self, raw, gql, sign_up):
        c = await open_campaign(gql, sign_up, template="generic")
        spec = {"description": "x", "attributes": {'épices "fortes"': "x\x00"}}
        body = await raw(
            "mutation($i: SubmitProposalInput!) { submitProposal(input: $i) { " + ERRORS + " } }",
            {"i": {"campaignId": c["campaign"], "title": "Soup", "spec": spec}},
            token=c["members"][0],
        )
        assert refused(body, "submitProposal") == [["spec", "attributes", 'épices "fortes"']]

    async def test_clean_text_with_other_unicode_passes(self, raw, sign_up, state):
        token = await sign_up()
        body = await raw(
            "mutation($i: CreateBrandInput!) { createBrand(input: $i) { brand { name } "
            + ERRORS
            + " } }",
            {"i": {"slug": "soupe", "name": "Soupe à l'ail 🧄 — 汤"}},
            token=token,
        )
        assert body["data"]["createBrand"] == {
            "brand": {"name": "Soupe à l'ail 🧄 — 汤"},
            "errors": [],
        }

    def test_a_subscription_argument_is_refused(self, settings):
        with (
            TestClient(create_app(settings)) as http,
            http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
        ):
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": "subscription($c: ID!) { leaderboard(campaignId: $c) { rank } }",
                        "variables": {"c": "x\x00"},
                    },
                }
            )
            message = ws.receive_json()
        assert message["type"] == "error"  # refused before the subscription starts
        [error] = message["payload"]
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": ["campaignId"]}


class TestDateTimes:
    """One rule for every DateTime argument: an offset is needed; a date alone is that day's end."""

    POSITIONS = positions(graphql_schema(), {"DateTime"})

    def test_the_walk_finds_every_date_time_argument(self):
        found = {(p.field_name, p.path) for p in self.POSITIONS}
        assert found >= {
            ("createCampaign", ("input", "submissionsCloseAt")),
            ("createCampaign", ("input", "votingClosesAt")),
            ("submitQuote", ("input", "validUntil")),
        }

    @pytest.mark.parametrize(
        "value",
        [
            "2030-01-01T00:00:00",
            "2030-01-01 09:30",
            "soon",
            "2030-13-01",
            "2030-01-01T00:00:00\x00Z",
        ],
    )
    @pytest.mark.parametrize(
        "position", POSITIONS, ids=lambda p: ".".join(map(str, (p.field_name, *p.path)))
    )
    async def test_naive_or_unreadable_date_times_are_refused(self, raw, position, value):
        body = await raw(
            position.document(selection_for(position.field)), position.variables(value)
        )
        assert refused(body, position.field_name) == [position.field_path]

    async def test_a_literal_in_the_document_follows_the_same_rule(self, gql):
        body = await gql(
            'mutation { submitQuote(input: {handoffId: "x", currency: "EUR", tiers: [], moq: 1, '
            'leadTimeDays: 1, validUntil: "2027-06-30T00:00:00"}) { ' + ERRORS + " } }"
        )
        [error] = body["data"]["submitQuote"]["errors"]
        assert (error["code"], error["field"]) == ("INVALID_INPUT", ["validUntil"])
        assert "needs a UTC offset" in error["message"]

    async def test_a_number_is_a_type_error(self, gql):
        body = await gql(
            "mutation($i: SubmitQuoteInput!) { submitQuote(input: $i) { " + ERRORS + " } }",
            {
                "i": {
                    "handoffId": "x",
                    "currency": "EUR",
                    "tiers": [],
                    "moq": 1,
                    "leadTimeDays": 1,
                    "validUntil": 1893456000,
                }
            },
        )
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_create_campaign_takes_offsets_and_a_date_alone_as_the_end_of_that_day(
        self, gql, sign_up, state
    ):
        token = await sign_up()
        brand = await create_brand(gql, token=token)
        await create_campaign(
            gql,
            token=token,
            brand_id=brand,
            submissionsCloseAt="2030-01-01T09:30:00+02:00",
            votingClosesAt="2030-01-02",
        )
        async with state.db.read() as session:
            campaign = await session.scalar(select(Campaign))
        assert campaign.submissions_close_at == datetime(2030, 1, 1, 7, 30, tzinfo=UTC)
        assert campaign.voting_closes_at == datetime(2030, 1, 2, 23, 59, 59, 999999, tzinfo=UTC)

    async def test_submit_quote_with_a_date_alone_is_valid_through_that_day(
        self, gql, sign_up, state, clock
    ):
        c = await voting_with_partners(gql, sign_up, partners=1)
        [handoff] = await close_with_handoffs(gql, state, clock, c)
        partner_key = c["partners"][0]["apiKey"]
        await gql(
            "mutation($i: HandoffIdInput!) { acknowledgeHandoff(input: $i) { " + ERRORS + " } }",
            {"i": {"handoffId": handoff}},
            token=partner_key,
        )
        body = await gql(
            "mutation($i: SubmitQuoteInput!) { submitQuote(input: $i) { handoff { quote { "
            "validUntil } } " + ERRORS + " } }",
            {
                "i": {
                    "handoffId": handoff,
                    "currency": "EUR",
                    "tiers": [{"minUnits": 1, "unitPrice": "9.50"}],
                    "moq": 10,
                    "leadTimeDays": 30,
                    "validUntil": "2027-06-30",
                }
            },
            token=partner_key,
        )
        payload = body["data"]["submitQuote"]
        assert payload["errors"] == []
        assert payload["handoff"]["quote"]["validUntil"] == "2027-06-30T23:59:59.999999+00:00"
        async with state.db.read() as session:
            row = await session.scalar(select(Handoff))
        assert row.quote_valid_until == datetime(2027, 6, 30, 23, 59, 59, 999999, tzinfo=UTC)

"""Partners over HTTP: registration, keys, visibility, the handoff status machine, quotes, pledges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from brandhub.community.models import Brand, Campaign
from brandhub.partners.models import MemberNotification, OutboxEvent
from brandhub.settings import Settings
from tests.factories import ERRORS, create_brand, create_campaign, ok
from tests.partners.support import (
    Receiver,
    close_with_handoffs,
    member_joins,
    register_partner,
    voting_with_partners,
)

VIEWER = "{ viewer { __typename ... on Partner { id slug } ... on Member { id } } }"
ROTATE_KEY = f"""mutation($input: PartnerIdInput!) {{ rotatePartnerKey(input: $input) {{
  apiKey partner {{ slug }} {ERRORS} }} }}"""
REVOKE_KEY = f"""mutation($input: PartnerIdInput!) {{ revokePartnerKey(input: $input) {{
  revoked {ERRORS} }} }}"""
ROTATE_SECRET = f"""mutation($input: PartnerIdInput!) {{ rotateWebhookSecret(input: $input) {{
  webhookSecret {ERRORS} }} }}"""
PARTNERS = """query($category: String) { partners(category: $category) {
  edges { node { slug name poweredByLabel categories webhookUrl } } } }"""
HANDOFF = """query($id: ID!) { handoff(id: $id) {
  id status title specDigest revision coBranding labelMode
  brand { slug } partner { slug }
  quote { currency moq leadTimeDays tiers { minUnits unitPrice } }
  demand { pledgedUnits unitPrice nextTier { minUnits unitPrice } moq moqReached }
  events { edges { node { sequence type status actor { type } } } } } }"""
MY_HANDOFFS = """query($status: HandoffStatus) { viewer { ... on Partner {
  handoffs(status: $status) { edges { node { id status } } } } } }"""
CAMPAIGN_HANDOFFS = "query($id: ID!) { campaign(id: $id) { handoffs { edges { node { id } } } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Handoff { status } } }"
ACK = f"mutation($input: HandoffIdInput!) {{ acknowledgeHandoff(input: $input) {{ handoff {{ status }} {ERRORS} }} }}"
QUOTE = f"mutation($input: SubmitQuoteInput!) {{ submitQuote(input: $input) {{ handoff {{ status quote {{ currency }} }} {ERRORS} }} }}"
DECLINE = f"mutation($input: DeclineHandoffInput!) {{ declineHandoff(input: $input) {{ handoff {{ status }} {ERRORS} }} }}"
PRODUCTION = f"mutation($input: UpdateProductionStatusInput!) {{ updateProductionStatus(input: $input) {{ handoff {{ status }} {ERRORS} }} }}"
ACCEPT = f"mutation($input: HandoffIdInput!) {{ acceptQuote(input: $input) {{ handoff {{ status }} {ERRORS} }} }}"
CANCEL = f"mutation($input: CancelHandoffInput!) {{ cancelHandoff(input: $input) {{ handoff {{ status }} {ERRORS} }} }}"
PLEDGE = f"""mutation($input: PledgeInput!) {{ pledge(input: $input) {{
  pledge {{ id units status totalUnits }} {ERRORS} }} }}"""
CANCEL_PLEDGE = f"""mutation($input: CancelPledgeInput!) {{ cancelPledge(input: $input) {{
  pledge {{ status totalUnits }} {ERRORS} }} }}"""

TIERS = [
    {"minUnits": 1, "unitPrice": "12.00"},
    {"minUnits": 50, "unitPrice": "9.50"},
    {"minUnits": 200, "unitPrice": "7.25"},
]


@pytest.fixture(autouse=True)
def receiver(state) -> Receiver:
    """Every webhook the app sends in these tests lands here, not on the network."""
    hook = Receiver()
    state.jobs.context.http_transport = hook.transport
    return hook


def errors(body: dict, field: str) -> list[dict]:
    assert "errors" not in body, body
    return body["data"][field]["errors"]


def quote_input(handoff: str, clock, **overrides) -> dict:
    return {
        "handoffId": handoff,
        "currency": "EUR",
        "tiers": TIERS,
        "moq": 100,
        "leadTimeDays": 30,
        "validUntil": (clock.now + timedelta(days=30)).isoformat(),
        **overrides,
    }


async def mutate(gql, query: str, token: str | None, field: str, **input) -> dict:
    return await gql(query, {"input": input}, token=token)


class TestRegistration:
    async def test_register_returns_key_and_secret_once_and_the_key_authenticates(
        self, gql, sign_up
    ):
        admin = await sign_up("admin@acme.example.com", "Admin")
        payload = await register_partner(gql, token=admin, categories=["Recipe", "apparel"])
        assert payload["apiKey"].startswith("bhp_")
        assert payload["webhookSecret"].startswith("whsec_")
        assert payload["partner"]["categories"] == ["recipe", "apparel"]
        assert payload["partner"]["webhookUrl"] == "https://hooks.acme.test/brandhub"
        viewer = (await gql(VIEWER, token=payload["apiKey"]))["data"]["viewer"]
        assert viewer == {
            "__typename": "Partner",
            "id": payload["partner"]["id"],
            "slug": "acme-foods",
        }

    async def test_anonymous_cannot_register_and_slugs_are_unique(self, gql, sign_up):
        body = await gql(
            'mutation { registerPartner(input: {slug: "x-co", name: "X", poweredByLabel: "X",'
            ' categories: ["recipe"]}) { errors { code } } }'
        )
        assert errors(body, "registerPartner")[0]["code"] == "UNAUTHENTICATED"
        admin = await sign_up("admin@acme.example.com", "Admin")
        await register_partner(gql, token=admin)
        body = await gql(
            'mutation { registerPartner(input: {slug: "acme-foods", name: "X",'
            ' poweredByLabel: "X", categories: ["recipe"]}) { errors { code field } } }',
            token=admin,
        )
        assert errors(body, "registerPartner") == [{"code": "ALREADY_EXISTS", "field": ["slug"]}]

    async def test_private_address_webhook_is_refused_unless_allowed(self, gql, sign_up, state):
        state.settings = Settings(**{**state.settings.model_dump(), "webhook_allow_private": False})
        admin = await sign_up("admin@acme.example.com", "Admin")
        for url in ("https://127.0.0.1/hook", "https://10.1.2.3/hook", "http://hooks.acme.test/"):
            body = await gql(
                'mutation($url: String) { registerPartner(input: {slug: "acme", name: "A",'
                ' poweredByLabel: "A", categories: ["recipe"], webhookUrl: $url}) {'
                " partner { id } errors { code field } } }",
                {"url": url},
                token=admin,
            )
            assert errors(body, "registerPartner") == [
                {"code": "INVALID_INPUT", "field": ["webhookUrl"]}
            ], url

    async def test_partners_listing_by_category_hides_webhook_urls(self, gql, sign_up):
        admin = await sign_up("admin@acme.example.com", "Admin")
        await register_partner(gql, token=admin, slug="soup-works", name="Soup Works")
        await register_partner(
            gql, token=admin, slug="tee-mill", name="Tee Mill", categories=["apparel"]
        )
        everyone = (await gql(PARTNERS, {}))["data"]["partners"]["edges"]
        assert [e["node"]["slug"] for e in everyone] == ["soup-works", "tee-mill"]
        assert all(e["node"]["webhookUrl"] is None for e in everyone)
        apparel = (await gql(PARTNERS, {"category": "Apparel"}))["data"]["partners"]["edges"]
        assert [e["node"]["slug"] for e in apparel] == ["tee-mill"]


class TestKeys:
    async def test_admin_rotates_the_key_and_the_old_one_stops_working(self, gql, sign_up):
        admin = await sign_up("admin@acme.example.com", "Admin")
        p = await register_partner(gql, token=admin)
        body = await mutate(
            gql, ROTATE_KEY, admin, "rotatePartnerKey", partnerId=p["partner"]["id"]
        )
        new_key = body["data"]["rotatePartnerKey"]["apiKey"]
        assert new_key.startswith("bhp_") and new_key != p["apiKey"]
        old = await gql(VIEWER, token=p["apiKey"])
        assert old["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await gql(VIEWER, token=new_key))["data"]["viewer"]["slug"] == "acme-foods"

    async def test_partner_rotates_and_revokes_its_own_key(self, gql, sign_up):
        admin = await sign_up("admin@acme.example.com", "Admin")
        p = await register_partner(gql, token=admin)
        body = await mutate(gql, ROTATE_KEY, p["apiKey"], "rotatePartnerKey")
        key = body["data"]["rotatePartnerKey"]["apiKey"]
        body = await mutate(gql, REVOKE_KEY, key, "revokePartnerKey")
        assert body["data"]["revokePartnerKey"] == {"revoked": 1, "errors": []}
        assert (await gql(VIEWER, token=key))["errors"][0]["extensions"][
            "code"
        ] == "UNAUTHENTICATED"

    async def test_others_are_refused(self, gql, sign_up):
        admin = await sign_up("admin@acme.example.com", "Admin")
        p = await register_partner(gql, token=admin)
        other_admin = await sign_up("other@maker.example.com", "Other")
        other = await register_partner(gql, token=other_admin, slug="other-co")
        stranger = await sign_up("stranger@example.com", "Stranger")
        target = p["partner"]["id"]
        for query, field in (
            (ROTATE_KEY, "rotatePartnerKey"),
            (REVOKE_KEY, "revokePartnerKey"),
            (ROTATE_SECRET, "rotateWebhookSecret"),
        ):
            for token, code in (
                (stranger, "FORBIDDEN"),
                (other_admin, "FORBIDDEN"),
                (other["apiKey"], "FORBIDDEN"),
                (None, "UNAUTHENTICATED"),
            ):
                body = await mutate(gql, query, token, field, partnerId=target)
                assert [e["code"] for e in errors(body, field)] == [code], (field, token)
        assert (await gql(VIEWER, token=p["apiKey"]))["data"]["viewer"]["slug"] == "acme-foods"


class TestCampaignPartners:
    async def test_unknown_partner_ids_are_not_found_with_their_position(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        p = await register_partner(gql, token=owner)
        body = await gql(
            f"mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ campaign {{ id }} {ERRORS} }} }}",
            {
                "input": {
                    "brandId": brand,
                    "title": "Soup",
                    "category": "recipe",
                    "specTemplate": "recipe",
                    "voting": {"method": "APPROVAL"},
                    "partnerIds": [p["partner"]["id"], "UGFydG5lcjo5OTk", brand],
                }
            },
            token=owner,
        )
        found = errors(body, "createCampaign")
        assert [(e["code"], e["field"]) for e in found] == [
            ("NOT_FOUND", ["partnerIds", "1"]),
            ("NOT_FOUND", ["partnerIds", "2"]),
        ]
        ok_id = await create_campaign(
            gql, token=owner, brand_id=brand, partnerIds=[p["partner"]["id"]]
        )
        assert ok_id

    async def test_a_partner_outside_the_campaigns_category_is_refused(self, gql, sign_up, state):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        cook = await register_partner(gql, token=owner, slug="cook", categories=["Recipe"])
        tailor = await register_partner(
            gql, token=owner, slug="tailor", categories=["apparel", "bags"]
        )
        body = await gql(
            f"mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ campaign {{ id }} {ERRORS} }} }}",
            {
                "input": {
                    "brandId": brand,
                    "title": "Soup",
                    "category": "RECIPE",
                    "specTemplate": "recipe",
                    "voting": {"method": "APPROVAL"},
                    "partnerIds": [
                        cook["partner"]["id"],
                        tailor["partner"]["id"],
                        "UGFydG5lcjo5OTk",
                    ],
                }
            },
            token=owner,
        )
        found = errors(body, "createCampaign")
        assert [(e["code"], e["field"]) for e in found] == [
            ("INVALID_INPUT", ["partnerIds", "1"]),
            ("NOT_FOUND", ["partnerIds", "2"]),
        ]
        assert found[0]["message"] == (
            'Partner "tailor" does not make "recipe" (its categories: apparel, bags).'
        )
        async with state.db.read() as session:
            assert (await session.scalars(select(Campaign))).all() == []
        assert await create_campaign(
            gql, token=owner, brand_id=brand, category="Recipe", partnerIds=[cook["partner"]["id"]]
        )


@pytest.fixture
async def closed(gql, sign_up, state, clock) -> dict:
    """A campaign closed with two invited partners, each with a RECEIVED handoff."""
    c = await voting_with_partners(gql, sign_up)
    c["handoffs"] = await close_with_handoffs(gql, state, clock, c)
    return c


class TestHandoffCreation:
    async def test_one_frozen_handoff_per_invited_partner(self, gql, closed):
        a, b = closed["handoffs"]
        key_a = closed["partners"][0]["apiKey"]
        h = (await gql(HANDOFF, {"id": a}, token=key_a))["data"]["handoff"]
        proposal = (
            await gql(
                "query($id: ID!) { proposal(id: $id) { specDigest revision } }",
                {"id": closed["proposal"]},
            )
        )["data"]["proposal"]
        assert h["status"] == "RECEIVED"
        assert (h["specDigest"], h["revision"]) == (proposal["specDigest"], proposal["revision"])
        assert h["coBranding"] == "Soup Club — Powered by Maker0"
        assert (h["brand"]["slug"], h["partner"]["slug"]) == ("soup-club", "maker-0")
        assert h["events"]["edges"][0]["node"] == {
            "sequence": 1,
            "type": "handoff.received",
            "status": "RECEIVED",
            "actor": {"type": "SYSTEM"},
        }
        hb = (await gql(HANDOFF, {"id": b}, token=closed["partners"][1]["apiKey"]))["data"]
        assert hb["handoff"]["coBranding"] == "Soup Club — Powered by Maker1"

    async def test_white_label_shows_the_brand_alone(self, gql, sign_up, state, clock):
        c = await voting_with_partners(gql, sign_up, partners=1)
        async with state.db.unit_of_work() as session:
            await session.execute(update(Brand).values(label_mode="WHITE"))
        [h] = await close_with_handoffs(gql, state, clock, c)
        body = await gql(HANDOFF, {"id": h}, token=c["partners"][0]["apiKey"])
        assert (body["data"]["handoff"]["coBranding"], body["data"]["handoff"]["labelMode"]) == (
            "Soup Club",
            "WHITE",
        )


class TestWhoSeesWhat:
    async def test_every_pair(self, gql, sign_up, closed):
        a, b = closed["handoffs"]
        key_a, key_b = (p["apiKey"] for p in closed["partners"])
        outsider = await register_partner(
            gql, token=await sign_up("o@maker.example.com", "O"), slug="outsider"
        )
        member = closed["members"][0]
        moderator = await member_joins(gql, sign_up, closed, "mod@example.com")
        ROLE = f"mutation($input: SetMemberRoleInput!) {{ setMemberRole(input: $input) {{ {ERRORS} }} }}"
        mod_id = (await gql(VIEWER, token=moderator))["data"]["viewer"]["id"]
        await ok(
            gql,
            ROLE,
            {"input": {"brandId": closed["brand"], "memberId": mod_id, "role": "MODERATOR"}},
            token=closed["owner"],
            field="setMemberRole",
        )
        admin_a = closed["admins"][0]  # the member who registered partner A is not partner A
        sees = {
            "partner A": (key_a, {a}),
            "partner B": (key_b, {b}),
            "uninvited partner": (outsider["apiKey"], set()),
            "brand owner": (closed["owner"], {a, b}),
            "moderator": (moderator, set()),
            "member": (member, set()),
            "partner A's admin member": (admin_a, set()),
            "anonymous": (None, set()),
        }
        for who, (token, visible) in sees.items():
            for h in (a, b):
                by_handoff = (await gql(HANDOFF, {"id": h}, token=token))["data"]["handoff"]
                by_node = (await gql(NODE, {"id": h}, token=token))["data"]["node"]
                assert (by_handoff is not None) == (h in visible), (who, h)
                assert (by_node is not None) == (h in visible), (who, h)
        # Lists: a partner's own handoffs; a campaign's for its owners (a partner: its own).
        mine = (await gql(MY_HANDOFFS, {}, token=key_a))["data"]["viewer"]["handoffs"]
        assert [e["node"]["id"] for e in mine["edges"]] == [a]
        listed = await gql(CAMPAIGN_HANDOFFS, {"id": closed["campaign"]}, token=closed["owner"])
        assert {e["node"]["id"] for e in listed["data"]["campaign"]["handoffs"]["edges"]} == {a, b}
        listed = await gql(CAMPAIGN_HANDOFFS, {"id": closed["campaign"]}, token=key_b)
        assert [e["node"]["id"] for e in listed["data"]["campaign"]["handoffs"]["edges"]] == [b]
        for token, code in (
            (member, "FORBIDDEN"),
            (moderator, "FORBIDDEN"),
            (None, "UNAUTHENTICATED"),
        ):
            body = await gql(CAMPAIGN_HANDOFFS, {"id": closed["campaign"]}, token=token)
            assert body["errors"][0]["extensions"]["code"] == code
        other = await gql(
            "query($id: ID!) { node(id: $id) { ... on Partner { handoffs { edges { node { id } } } } } }",
            {"id": closed["partners"][0]["partner"]["id"]},
            token=key_b,
        )
        assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_acting_on_a_handoff_that_is_not_yours(self, gql, sign_up, closed, clock):
        a, _ = closed["handoffs"]
        key_b = closed["partners"][1]["apiKey"]
        body = await mutate(gql, ACK, key_b, "acknowledgeHandoff", handoffId=a)
        assert errors(body, "acknowledgeHandoff")[0] == {
            "code": "NOT_FOUND",
            "message": "No such handoff.",
            "field": ["handoffId"],
        }
        body = await mutate(gql, ACK, closed["owner"], "acknowledgeHandoff", handoffId=a)
        assert errors(body, "acknowledgeHandoff")[0]["code"] == "UNAUTHENTICATED"
        body = await mutate(gql, ACCEPT, closed["members"][0], "acceptQuote", handoffId=a)
        assert errors(body, "acceptQuote")[0]["code"] == "FORBIDDEN"
        body = await mutate(
            gql, ACCEPT, closed["partners"][0]["apiKey"], "acceptQuote", handoffId=a
        )
        assert errors(body, "acceptQuote")[0]["code"] == "UNAUTHENTICATED"
        body = await mutate(gql, CANCEL, closed["members"][0], "cancelHandoff", handoffId=a)
        assert errors(body, "cancelHandoff")[0]["code"] == "FORBIDDEN"


async def step(gql, query, token, field, **input) -> dict:
    return await ok(gql, query, {"input": input}, token=token, field=field)


async def quoted(gql, closed, clock, **quote) -> str:
    """Partner A acknowledges and quotes; returns its handoff id."""
    a = closed["handoffs"][0]
    key_a = closed["partners"][0]["apiKey"]
    await step(gql, ACK, key_a, "acknowledgeHandoff", handoffId=a)
    await step(gql, QUOTE, key_a, "submitQuote", **quote_input(a, clock, **quote))
    return a


class TestStatusMachine:
    async def test_refused_moves_are_invalid_transitions(self, gql, closed, clock):
        a, b = closed["handoffs"]
        key_a, key_b = (p["apiKey"] for p in closed["partners"])
        owner = closed["owner"]

        async def refused(query, token, field, **input):
            body = await mutate(gql, query, token, field, **input)
            assert [e["code"] for e in errors(body, field)] == ["INVALID_TRANSITION"], (
                field,
                input,
            )

        await refused(QUOTE, key_a, "submitQuote", **quote_input(a, clock))  # not acknowledged
        await refused(ACCEPT, owner, "acceptQuote", handoffId=a)  # nothing quoted
        await refused(PRODUCTION, key_a, "updateProductionStatus", handoffId=a, status="SHIPPED")
        await step(gql, ACK, key_a, "acknowledgeHandoff", handoffId=a)
        await refused(ACK, key_a, "acknowledgeHandoff", handoffId=a)  # twice
        await step(gql, QUOTE, key_a, "submitQuote", **quote_input(a, clock))
        await step(gql, QUOTE, key_a, "submitQuote", **quote_input(a, clock, moq=80))  # revised
        await refused(
            PRODUCTION, key_a, "updateProductionStatus", handoffId=a, status="IN_PRODUCTION"
        )
        await step(gql, ACCEPT, owner, "acceptQuote", handoffId=a)
        await refused(DECLINE, key_a, "declineHandoff", handoffId=a)  # accepted
        await refused(ACK, key_b, "acknowledgeHandoff", handoffId=b)  # NOT_SELECTED is final
        await refused(  # production waits for the moq
            PRODUCTION, key_a, "updateProductionStatus", handoffId=a, status="IN_PRODUCTION"
        )
        await step(gql, CANCEL, owner, "cancelHandoff", handoffId=a, reason="changed our mind")
        await refused(CANCEL, owner, "cancelHandoff", handoffId=a)
        events = (await gql(HANDOFF, {"id": a}, token=owner))["data"]["handoff"]["events"]
        assert [
            (e["node"]["sequence"], e["node"]["type"], e["node"]["actor"]["type"])
            for e in events["edges"]
        ] == [
            (1, "handoff.received", "SYSTEM"),
            (2, "handoff.acknowledged", "PARTNER"),
            (3, "handoff.quoted", "PARTNER"),
            (4, "handoff.quoted", "PARTNER"),
            (5, "handoff.accepted", "OWNER"),
            (6, "handoff.cancelled", "OWNER"),
        ]
        other = (await gql(HANDOFF, {"id": b}, token=owner))["data"]["handoff"]
        assert other["status"] == "NOT_SELECTED"
        assert other["events"]["edges"][-1]["node"]["actor"]["type"] == "SYSTEM"

    async def test_partner_declines(self, gql, closed):
        a, _ = closed["handoffs"]
        payload = await step(
            gql,
            DECLINE,
            closed["partners"][0]["apiKey"],
            "declineHandoff",
            handoffId=a,
            reason="no capacity",
        )
        assert payload["handoff"]["status"] == "DECLINED"

    async def test_an_expired_quote_cannot_be_accepted(self, gql, closed, clock):
        a = await quoted(gql, closed, clock, validUntil=(clock.now + timedelta(days=2)).isoformat())
        clock.advance(days=3)
        body = await mutate(gql, ACCEPT, closed["owner"], "acceptQuote", handoffId=a)
        assert errors(body, "acceptQuote")[0]["code"] == "INVALID_TRANSITION"

    async def test_every_event_is_in_the_outbox_with_the_handoff_sequence(self, gql, closed, state):
        a = closed["handoffs"][0]
        await step(gql, ACK, closed["partners"][0]["apiKey"], "acknowledgeHandoff", handoffId=a)
        async with state.db.read() as session:
            rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
        by_partner = {}
        for row in rows:
            by_partner.setdefault(row.partner_id, []).append((row.sequence, row.type))
        assert sorted(by_partner.values()) == [
            [(1, "handoff.received")],
            [(1, "handoff.received"), (2, "handoff.acknowledged")],
        ]
        assert len({row.event_id for row in rows}) == len(rows)


class TestQuotes:
    async def test_every_problem_is_reported_with_its_field(self, gql, closed, clock):
        a = closed["handoffs"][0]
        key_a = closed["partners"][0]["apiKey"]
        await step(gql, ACK, key_a, "acknowledgeHandoff", handoffId=a)
        body = await mutate(
            gql,
            QUOTE,
            key_a,
            "submitQuote",
            **quote_input(
                a,
                clock,
                currency="EURO",
                tiers=[
                    {"minUnits": 10, "unitPrice": "9.999"},
                    {"minUnits": 10, "unitPrice": "8.00"},
                    {"minUnits": 50, "unitPrice": "8.00"},
                    {"minUnits": 100, "unitPrice": "-1"},
                ],
                moq=0,
                leadTimeDays=0,
                validUntil=(clock.now - timedelta(days=1)).isoformat(),
            ),
        )
        found = {(e["code"], tuple(e["field"])) for e in errors(body, "submitQuote")}
        assert found == {
            ("INVALID_INPUT", ("currency",)),
            ("INVALID_INPUT", ("tiers", "1", "minUnits")),
            ("INVALID_INPUT", ("tiers", "2", "unitPrice")),
            ("INVALID_INPUT", ("tiers", "3", "unitPrice")),
            ("INVALID_INPUT", ("moq",)),
            ("INVALID_INPUT", ("leadTimeDays",)),
            ("INVALID_INPUT", ("validUntil",)),
        }
        body = await mutate(
            gql,
            QUOTE,
            key_a,
            "submitQuote",
            **quote_input(a, clock, tiers=[{"minUnits": 1, "unitPrice": "9.999"}]),
        )
        assert [e["field"] for e in errors(body, "submitQuote")] == [["tiers", "0", "unitPrice"]]
        body = await mutate(
            gql,
            QUOTE,
            key_a,
            "submitQuote",
            **quote_input(a, clock, currency="jpy", tiers=[{"minUnits": 1, "unitPrice": "950"}]),
        )
        assert errors(body, "submitQuote") == []

    async def test_money_is_a_decimal_string_on_the_wire(self, gql, closed, clock):
        a = await quoted(gql, closed, clock)
        h = (await gql(HANDOFF, {"id": a}, token=closed["owner"]))["data"]["handoff"]
        assert h["quote"] == {
            "currency": "EUR",
            "moq": 100,
            "leadTimeDays": 30,
            "tiers": [
                {"minUnits": 1, "unitPrice": "12.00"},
                {"minUnits": 50, "unitPrice": "9.50"},
                {"minUnits": 200, "unitPrice": "7.25"},
            ],
        }


class TestPledges:
    async def test_pledges_during_voting_price_tiers_and_the_moq_lock(
        self, gql, sign_up, state, clock
    ):
        c = await voting_with_partners(gql, sign_up, partners=2, members=3)
        ana, ben, cy = c["members"]
        early = await step(gql, PLEDGE, ana, "pledge", proposalId=c["proposal"], units=40)
        assert early["pledge"] == {
            "id": early["pledge"]["id"],
            "units": 40,
            "status": "ACTIVE",
            "totalUnits": 40,
        }
        c["handoffs"] = await close_with_handoffs(gql, state, clock, c)
        # Closed, no quote accepted yet: pledges wait.
        body = await mutate(gql, PLEDGE, ben, "pledge", proposalId=c["proposal"], units=5)
        assert errors(body, "pledge")[0]["code"] == "INVALID_PHASE"
        a = await quoted(gql, c, clock)
        await step(gql, ACCEPT, c["owner"], "acceptQuote", handoffId=a)
        demand = (await gql(HANDOFF, {"id": a}, token=c["owner"]))["data"]["handoff"]["demand"]
        assert demand == {
            "pledgedUnits": 40,
            "unitPrice": "12.00",
            "nextTier": {"minUnits": 50, "unitPrice": "9.50"},
            "moq": 100,
            "moqReached": False,
        }
        second = await step(gql, PLEDGE, ben, "pledge", proposalId=c["proposal"], units=20)
        cancelled = await step(
            gql, CANCEL_PLEDGE, ben, "cancelPledge", pledgeId=second["pledge"]["id"]
        )
        assert cancelled["pledge"] == {"status": "CANCELLED", "totalUnits": 40}
        body = await mutate(
            gql, CANCEL_PLEDGE, ben, "cancelPledge", pledgeId=second["pledge"]["id"]
        )
        assert errors(body, "cancelPledge")[0]["code"] == "INVALID_INPUT"
        body = await mutate(gql, CANCEL_PLEDGE, ben, "cancelPledge", pledgeId=early["pledge"]["id"])
        assert errors(body, "cancelPledge")[0]["code"] == "FORBIDDEN"
        await step(gql, PLEDGE, ben, "pledge", proposalId=c["proposal"], units=15)
        demand = (await gql(HANDOFF, {"id": a}, token=c["owner"]))["data"]["handoff"]["demand"]
        assert (demand["pledgedUnits"], demand["unitPrice"], demand["moqReached"]) == (
            55,
            "9.50",
            False,
        )
        assert demand["nextTier"] == {"minUnits": 200, "unitPrice": "7.25"}
        # Cy's pledge reaches the moq: locked, partner and owner told.
        await step(gql, PLEDGE, cy, "pledge", proposalId=c["proposal"], units=45)
        demand = (await gql(HANDOFF, {"id": a}, token=c["owner"]))["data"]["handoff"]["demand"]
        assert (demand["pledgedUnits"], demand["moqReached"]) == (100, True)
        body = await mutate(gql, CANCEL_PLEDGE, ana, "cancelPledge", pledgeId=early["pledge"]["id"])
        assert errors(body, "cancelPledge")[0]["code"] == "LOCKED"
        async with state.db.read() as session:
            types = (await session.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id))).all()
            notices = (await session.scalars(select(MemberNotification.type))).all()
        assert types[-1] == "handoff.moq_reached"
        assert notices == ["handoff.moq_reached"]
        # Production can start now; pledges still come in (and lower the price).
        key_a = c["partners"][0]["apiKey"]
        await step(
            gql, PRODUCTION, key_a, "updateProductionStatus", handoffId=a, status="IN_PRODUCTION"
        )
        await step(gql, PLEDGE, ana, "pledge", proposalId=c["proposal"], units=100)
        demand = (await gql(HANDOFF, {"id": a}, token=c["owner"]))["data"]["handoff"]["demand"]
        assert (demand["pledgedUnits"], demand["unitPrice"], demand["nextTier"]) == (
            200,
            "7.25",
            None,
        )
        # The owner calls the order off: the pledges are released.
        await step(gql, CANCEL, c["owner"], "cancelHandoff", handoffId=a, reason="supplier issue")
        released = await step(
            gql, CANCEL_PLEDGE, ana, "cancelPledge", pledgeId=early["pledge"]["id"]
        )
        assert released["pledge"]["status"] == "CANCELLED"

    async def test_pledge_needs_membership_and_sane_units(self, gql, sign_up):
        c = await voting_with_partners(gql, sign_up, partners=1)
        stranger = await sign_up("stranger@example.com", "Stranger")
        body = await mutate(gql, PLEDGE, stranger, "pledge", proposalId=c["proposal"], units=1)
        assert errors(body, "pledge")[0]["code"] == "FORBIDDEN"
        body = await mutate(
            gql, PLEDGE, c["members"][0], "pledge", proposalId=c["proposal"], units=0
        )
        assert errors(body, "pledge")[0]["field"] == ["units"]
        body = await mutate(gql, PLEDGE, None, "pledge", proposalId=c["proposal"], units=1)
        assert errors(body, "pledge")[0]["code"] == "UNAUTHENTICATED"

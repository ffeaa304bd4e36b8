"""``brandhub webhooks listen``: a local receiver that prints deliveries and checks signatures."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from brandhub.partners.listener import Listener
from brandhub.partners.webhook_signing import generate_secret, webhook_headers
from tests.factories import ERRORS, ok
from tests.partners.support import close_with_handoffs, voting_with_partners

BODY = json.dumps(
    {"type": "handoff.received", "data": {"handoffId": "SGFuZG9mZjox", "sequence": 1}}
).encode()


class Running:
    def __init__(self, listener: Listener, out: io.StringIO) -> None:
        self.listener, self.out = listener, out

    def post(self, headers: dict[str, str], body: bytes = BODY) -> int:
        return httpx.post(self.listener.url, content=body, headers=headers, timeout=5).status_code


def start(secrets: list[str], status: int | None = None) -> Iterator[Running]:
    out = io.StringIO()
    listener = Listener(("127.0.0.1", 0), secrets=secrets, out=out, status=status)
    thread = threading.Thread(target=listener.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running(listener, out)
    finally:
        listener.shutdown()
        listener.server_close()


SECRET = generate_secret()


@pytest.fixture
def checking() -> Iterator[Running]:
    yield from start([SECRET])


def signed(*secrets: str, body: bytes = BODY) -> dict[str, str]:
    return webhook_headers(list(secrets), "evt_1", int(time.time()), body)


class TestListen:
    def test_a_signed_delivery_is_verified_and_printed(self, checking):
        assert checking.post(signed(SECRET)) == 204
        shown = checking.out.getvalue()
        assert "signature: verified" in shown
        assert "handoff.received" in shown and "evt_1" in shown and "sequence 1" in shown
        assert '"handoffId": "SGFuZG9mZjox"' in shown

    def test_a_wrong_secret_is_refused_with_401(self, checking):
        assert checking.post(signed(generate_secret())) == 401
        assert "NOT VERIFIED" in checking.out.getvalue()

    def test_a_tampered_body_is_refused(self, checking):
        assert checking.post(signed(SECRET), body=BODY.replace(b"1", b"2")) == 401

    # The library itself raises ValueError or binascii.Error on some of these.
    @pytest.mark.parametrize("signature", ["", "garbage", "v1,@@@", "v1"])
    def test_malformed_signatures_are_refused_not_crashed(self, checking, signature):
        headers = signed(SECRET) | {"webhook-signature": signature}
        assert checking.post(headers) == 401

    def test_a_rotation_header_verifies_with_either_secret(self):
        old, new = generate_secret(), generate_secret()
        for secrets in ([old], [new]):
            for running in start(secrets):
                assert running.post(signed(old, new)) == 204

    def test_without_a_secret_nothing_is_checked(self):
        for running in start([]):
            assert running.post({"content-type": "application/json"}) == 204
            assert "not checked" in running.out.getvalue()

    def test_a_chosen_status_is_answered(self):
        for running in start([SECRET], status=500):
            assert running.post(signed(SECRET)) == 500
            assert "verified" in running.out.getvalue()


SET_URL = f"""mutation($input: UpdatePartnerInput!) {{ updatePartner(input: $input) {{
  partner {{ webhookUrl }} {ERRORS} }} }}"""


async def test_brandhub_delivers_to_the_listener(gql, sign_up, state, clock):
    """The README's flow: a partner points its webhook URL at the local listener."""
    c = await voting_with_partners(gql, sign_up, partners=1, members=2)
    partner = c["partners"][0]
    for running in start([partner["webhookSecret"]]):
        await ok(
            gql,
            SET_URL,
            {"input": {"partnerId": partner["partner"]["id"], "webhookUrl": running.listener.url}},
            token=partner["apiKey"],
            field="updatePartner",
        )
        await close_with_handoffs(gql, state, clock, c)
        shown = running.out.getvalue()
    assert "webhook handoff.received" in shown
    assert "signature: verified" in shown


async def test_a_local_url_is_refused_without_allow_private(gql, sign_up, state):
    state.settings = state.settings.model_copy(update={"webhook_allow_private": False})
    admin = await sign_up("admin@maker.example.com", "Admin")
    body = await gql(
        """mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) {
          partner { id } errors { code message field } } }""",
        {
            "input": {
                "slug": "local",
                "name": "Local",
                "poweredByLabel": "Local",
                "categories": ["recipe"],
                "webhookUrl": "http://127.0.0.1:9000/brandhub",
            }
        },
        token=admin,
    )
    [error] = body["data"]["registerPartner"]["errors"]
    assert error["field"] == ["webhookUrl"]

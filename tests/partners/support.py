"""Partner test support: factories through the API, a webhook receiver, handoffs from a close."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from brandhub.partners.models import Handoff
from brandhub.schema.relay import decode_id, to_global_id
from tests.factories import ERRORS, join_brand, move_phase, ok, open_campaign, submit_proposal

REGISTER = f"""mutation($input: RegisterPartnerInput!) {{ registerPartner(input: $input) {{
  partner {{ id slug name poweredByLabel categories webhookUrl }} apiKey webhookSecret {ERRORS} }} }}"""
CAST = f"""mutation($input: CastVoteInput!) {{ castVote(input: $input) {{ tally {{ voters }} {ERRORS} }} }}"""
CLOSE = f"mutation($input: CampaignIdInput!) {{ closeCampaign(input: $input) {{ campaign {{ phase }} {ERRORS} }} }}"


async def register_partner(
    gql,
    *,
    token: str,
    slug: str = "acme-foods",
    name: str = "Acme Foods",
    powered_by: str = "Acme",
    categories: list[str] | None = None,
    webhook_url: str | None = "https://hooks.acme.test/brandhub",
) -> dict[str, Any]:
    """Register a partner as the member ``token``; returns partner, apiKey, webhookSecret."""
    return await ok(
        gql,
        REGISTER,
        {
            "input": {
                "slug": slug,
                "name": name,
                "poweredByLabel": powered_by,
                "categories": categories or ["recipe"],
                "webhookUrl": webhook_url,
            }
        },
        token=token,
        field="registerPartner",
    )


@dataclass
class Receiver:
    """A webhook endpoint behind ``httpx.MockTransport``: answers by script, records requests."""

    statuses: list[int] = field(default_factory=list)
    default_status: int = 200
    down: bool = False
    delay: float = 0.0
    requests: list[httpx.Request] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else self.default_status
        return httpx.Response(status)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def ids(self) -> list[str]:
        """The webhook-id of every request received, in order."""
        return [r.headers["webhook-id"] for r in self.requests]


async def voting_with_partners(gql, sign_up, *, partners: int = 2, members: int = 2, **campaign):
    """Partners registered by their admins; a campaign inviting them, in VOTING, one proposal."""
    admins, registered = [], []
    for i in range(partners):
        admin = await sign_up(f"admin{i}@maker.example.com", f"Admin {i}")
        registered.append(
            await register_partner(
                gql,
                token=admin,
                slug=f"maker-{i}",
                name=f"Maker {i}",
                powered_by=f"Maker{i}",
                webhook_url=f"https://hooks.maker{i}.test/brandhub",
            )
        )
        admins.append(admin)
    c = await open_campaign(
        gql,
        sign_up,
        members=members,
        partnerIds=[p["partner"]["id"] for p in registered],
        **campaign,
    )
    c["partners"], c["admins"] = registered, admins
    c["proposal"] = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
    await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
    return c


async def close_with_handoffs(gql, state, clock, c) -> list[str]:
    """Vote, close the campaign over HTTP; returns the handoffs it created, in partner order."""
    for token in c["members"]:
        await ok(
            gql,
            CAST,
            {"input": {"proposalId": c["proposal"], "value": 1}},
            token=token,
            field="castVote",
        )
    await ok(
        gql,
        CLOSE,
        {"input": {"campaignId": c["campaign"]}},
        token=c["owner"],
        field="closeCampaign",
    )
    campaign_pk = decode_id(c["campaign"], "Campaign")
    async with state.db.read() as session:
        rows = (
            await session.scalars(
                select(Handoff)
                .where(Handoff.campaign_id == campaign_pk)
                .order_by(Handoff.partner_id)
            )
        ).all()
    await state.jobs.drain()
    return [to_global_id("Handoff", h.id) for h in rows]


async def member_joins(gql, sign_up, c, email: str) -> str:
    """A new member of the campaign's brand."""
    token = await sign_up(email, email.split("@")[0])
    await join_brand(gql, token=token, brand_id=c["brand"])
    return token


class LocalReceiver:
    """A real HTTP endpoint on 127.0.0.1 (asyncio streams) that records webhook requests."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/hooks"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")[1:]
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(":") for line in lines if line)
            }
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.received.append((headers, body))
            writer.write(
                f"HTTP/1.1 {self.status} OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        finally:
            writer.close()

    async def __aenter__(self) -> LocalReceiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

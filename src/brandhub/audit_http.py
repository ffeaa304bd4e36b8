"""Public HTTP routes of the audit: the published signing keys and a closed campaign's audit
file. Anyone may fetch them; neither names a voter."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from brandhub.community.models import Campaign, Phase
from brandhub.schema.relay import decode_id
from brandhub.state import AppState
from brandhub.voting import export, keys
from brandhub.voting.models import CampaignSeal

KEYS_PATH = "/.well-known/brandhub-keys.json"


async def published_keys(request: Request) -> Response:
    """Every seal-signing key, current and retired, as a JWK set (RFC 7517, RFC 8037)."""
    state: AppState = request.app.state.brandhub
    async with state.db.read() as session:
        rows = await keys.all_keys(session)
    return JSONResponse(
        {"keys": [keys.jwk(row) for row in rows]},
        headers={"cache-control": "public, max-age=300"},
    )


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


async def audit_file(request: Request) -> Response:
    """A closed campaign's audit file (NDJSON, docs/audit-format.md), streamed."""
    state: AppState = request.app.state.brandhub
    global_id = request.path_params["campaign"]
    pk = decode_id(global_id, "Campaign")
    if pk is None:
        return _error(404, "No such campaign.")
    async with state.db.read() as session:
        campaign = await session.get(Campaign, pk)
        if campaign is None or campaign.phase == Phase.DRAFT:
            return _error(404, "No such campaign.")
        if campaign.phase != Phase.CLOSED or await session.get(CampaignSeal, pk) is None:
            return _error(404, "The audit file is published once the campaign is closed.")
        try:
            await export.check_exportable(session, pk)
        except export.LegacyEvents as error:
            return _error(409, f"This campaign cannot be exported: {error}.")

    async def body() -> AsyncIterator[bytes]:
        async with state.db.read() as stream_session:
            async for line in export.lines(stream_session, pk):
                yield line.encode()

    return StreamingResponse(
        body(),
        media_type="application/x-ndjson",
        headers={"content-disposition": f'attachment; filename="audit-{global_id}.ndjson"'},
    )

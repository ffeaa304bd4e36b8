"""The audit commands as an auditor and an operator run them: recount --export, verify, keys."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select

from brandhub.cli import main
from brandhub.voting import closing, keys, service
from brandhub.voting.models import SigningKey, VoteEvent
from tests.voting.world import build_world

SECRET = "test-secret"


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("BRANDHUB_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BRANDHUB_SECRET_KEY", SECRET)


async def brandhub(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def closed_campaign(state, clock) -> int:
    world = await build_world(state, members=3, proposals=2, now=clock.now, method="APPROVAL")
    for voter in world.members:
        async with state.db.unit_of_work() as session:
            await service.cast_vote(
                session,
                voter=voter,
                proposal_id=world.proposal_ids[0],
                value=1,
                now=clock.now,
                secret=SECRET,
            )
    async with state.db.unit_of_work() as session:
        await closing.close_campaign(
            session, actor=world.owner, campaign_id=world.campaign_id, now=clock.now, secret=SECRET
        )
    return world.campaign_id


@pytest.mark.usefixtures("cli_env")
class TestAuditCommands:
    async def test_export_then_verify_with_the_published_key(self, state, clock, tmp_path, capsys):
        cid = await closed_campaign(state, clock)
        audit = tmp_path / "audit.ndjson"
        assert await brandhub("recount", str(cid), "--export", str(audit)) == 0
        out = capsys.readouterr().out
        assert "the chain heads, the result and the signed seal agree" in out
        async with state.db.read() as session:
            [row] = await keys.all_keys(session)
        published = tmp_path / "keys.json"
        published.write_text(json.dumps({"keys": [keys.jwk(row)]}))
        assert await brandhub("verify", str(audit), "--key", str(published)) == 0
        assert "verified" in capsys.readouterr().out
        assert await brandhub("verify", str(audit), f"--key={row.public_key}") == 0
        capsys.readouterr()

        lines = audit.read_text().splitlines(keepends=True)
        event = next(i for i, line in enumerate(lines) if '"kind":"event"' in line)
        lines[event] = lines[event].replace('"weight":1', '"weight":2')
        audit.write_text("".join(lines))
        assert await brandhub("verify", str(audit)) == 1
        out = capsys.readouterr().out
        assert "DIFFERENCE: line" in out and "hash does not match its content" in out

        audit.write_text("".join(lines[:3]) + "{oops\n")
        assert await brandhub("verify", str(audit)) == 2
        assert "MALFORMED: line 4" in capsys.readouterr().out

    async def test_a_seal_held_by_a_partner_is_compared(self, state, clock, tmp_path, capsys):
        cid = await closed_campaign(state, clock)
        audit = tmp_path / "audit.ndjson"
        assert await brandhub("recount", str(cid), "--export", str(audit)) == 0
        seal_line = json.loads(audit.read_text().splitlines()[-1])
        webhook = {"type": "handoff.received", "data": {"seal": seal_line}}
        held = tmp_path / "webhook.json"
        held.write_text(json.dumps(webhook))
        assert await brandhub("verify", str(audit), "--seal", str(held)) == 0
        webhook["data"]["seal"] = {**seal_line, "signature": "A" * 86}
        held.write_text(json.dumps(webhook))
        capsys.readouterr()
        assert await brandhub("verify", str(audit), "--seal", str(held)) == 1
        assert "not the seal given" in capsys.readouterr().out

    async def test_keys_rotate_and_list(self, state, clock, capsys):
        await closed_campaign(state, clock)
        assert await brandhub("keys", "rotate") == 0
        assert await brandhub("keys", "list") == 0
        out = capsys.readouterr().out
        assert "current" in out and "retired" in out
        async with state.db.read() as session:
            rows = list(await session.scalars(select(SigningKey)))
        assert sorted(r.current is True for r in rows) == [False, True]

    async def test_a_log_with_legacy_events_is_not_exported(self, state, clock, tmp_path, capsys):
        cid = await closed_campaign(state, clock)
        async with state.db.unit_of_work() as session:
            event = await session.scalar(select(VoteEvent).limit(1))
            event.payload = {k: v for k, v in event.payload.items() if k != "v"}
        audit = tmp_path / "audit.ndjson"
        assert await brandhub("recount", str(cid), "--export", str(audit)) == 2
        assert "cannot export" in capsys.readouterr().err
        assert not audit.exists() and not (tmp_path / "audit.ndjson.partial").exists()

    async def test_recount_with_a_key_held_outside(self, state, clock, capsys):
        cid = await closed_campaign(state, clock)
        other, _ = keys.new_key("elsewhere", clock.now)
        assert await brandhub("recount", str(cid), f"--key={other.public_key}") == 1
        assert "signature does not verify" in capsys.readouterr().out

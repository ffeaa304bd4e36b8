"""``brandhub recount`` exit codes: 1 only for a difference, 2 for a wrong command; no stray file."""

from __future__ import annotations

import asyncio

import pytest

from brandhub.cli import main


@pytest.fixture
def database(database_url, monkeypatch) -> str:
    monkeypatch.setenv("BRANDHUB_DATABASE_URL", database_url)
    return database_url


@pytest.mark.parametrize("campaign", ["not-an-id", "-3", "TWVtYmVyOjE"])  # the last: a Member id
def test_a_malformed_campaign_id_is_a_usage_error(database, campaign, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["recount", "--", campaign])
    assert exit_.value.code == 2
    assert "not a campaign id" in capsys.readouterr().err


async def test_an_unknown_campaign_exits_2_and_leaves_no_export(database, tmp_path, capsys):
    export = tmp_path / "audit.ndjson"
    code = await asyncio.to_thread(main, ["recount", "987654", "--export", str(export)])
    assert code == 2
    assert "campaign" in capsys.readouterr().err.lower()
    assert list(tmp_path.iterdir()) == []


async def test_a_failed_recount_never_truncates_an_older_export(database, tmp_path):
    export = tmp_path / "audit.ndjson"
    export.write_text("the audit of last week\n")
    code = await asyncio.to_thread(main, ["recount", "987654", "--export", str(export)])
    assert code == 2
    assert export.read_text() == "the audit of last week\n"
    assert list(tmp_path.iterdir()) == [export]


async def test_an_export_into_a_missing_folder_is_a_usage_error(database, tmp_path, capsys):
    code = await asyncio.to_thread(
        main, ["recount", "1", "--export", str(tmp_path / "nowhere" / "audit.ndjson")]
    )
    assert code == 2
    assert "cannot write" in capsys.readouterr().err

"""What `brandhub serve` asks of uvicorn."""

from __future__ import annotations

import argparse

import uvicorn

from brandhub import cli
from brandhub.settings import Settings


def test_serve_negotiates_no_per_socket_websocket_compression(monkeypatch, tmp_path):
    """Live pushes are one shared frame per push: permessage-deflate would make every
    socket compress every push on its own."""
    ran: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: ran.update(kwargs))
    args = argparse.Namespace(host="127.0.0.1", port=0, workers=1, migrate=False, demo=False)
    settings = Settings(database_url="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    assert cli._serve(args, settings) == 0
    assert ran["ws_per_message_deflate"] is False

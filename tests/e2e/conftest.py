"""Browser tests: the real server in a subprocess, Debian's Chromium driven by Playwright.

``make test`` builds web/ first. Without a build or without Chromium these tests are skipped
locally and fail in CI (``CI`` set).
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.serve import free_port, serve

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
IN_CI = bool(os.environ.get("CI"))


def missing(what: str) -> None:
    """Skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"{what}: browser tests cannot run", pytrace=False)
    pytest.skip(what)


@dataclass
class Server:
    """The brandhub server under test, and a GraphQL client for setting scenes up."""

    url: str
    log: Path

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=30,
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def ok(self, query: str, variables: dict[str, Any], token: str | None, field: str) -> dict:
        payload = self.gql(query, variables, token)[field]
        assert payload["errors"] == [], payload
        return payload


@contextmanager
def running_server(folder: Path, *options: str) -> Iterator[Server]:
    """``brandhub serve [options]`` on a free port with a fresh SQLite file in ``folder``."""
    if not (DIST / "index.html").is_file() or not (DIST / "embed.js").is_file():
        missing("web/dist is not built (make test builds it)")
    env = {
        "BRANDHUB_WEB_DIST": str(DIST),
        "BRANDHUB_WEBHOOK_ALLOW_PRIVATE": "true",
        "BRANDHUB_EMBED_ORIGINS_TTL_SECONDS": "1",
        "BRANDHUB_LOG_LEVEL": "WARNING",
    }
    with serve(folder, "e2e.db", *options, env=env) as (url, _, log):
        yield Server(url=url, log=log)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``brandhub serve`` on a free port with a fresh SQLite file."""
    with running_server(tmp_path_factory.mktemp("e2e")) as running:
        yield running


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class HostSite:
    """A blogger's static site on another loopback origin."""

    origin: str
    folder: Path

    def page(self, name: str, body: str) -> str:
        (self.folder / name).write_text(body)
        return f"{self.origin}/{name}"


def serve_static(host: str, folder: Path) -> tuple[HostSite, ThreadingHTTPServer]:
    port = free_port(host)
    httpd = ThreadingHTTPServer((host, port), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return HostSite(origin=f"http://{host}:{port}", folder=folder), httpd


@pytest.fixture(scope="package")
def host_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HostSite, HostSite]]:
    """Two static sites: 127.0.0.2 (to be registered) and 127.0.0.3 (never registered)."""
    first, a = serve_static("127.0.0.2", tmp_path_factory.mktemp("blog"))
    second, b = serve_static("127.0.0.3", tmp_path_factory.mktemp("stranger"))
    try:
        yield first, second
    finally:
        a.shutdown()
        b.shutdown()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless; package scope, because Playwright's sync API keeps an event
    loop running in this thread until it stops, and later tests call ``asyncio.run``."""
    if not Path(CHROMIUM).exists():
        missing("Chromium is not installed (.ci/run installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """Fresh browser contexts (separate storage: separate people), closed after the test."""
    contexts: list[Any] = []

    def make(width: int = 1280, locale: str = "en-GB") -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale=locale, base_url=server.url
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def check_accessibility(page: Any, what: str, *, frames: bool = True) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (frames) => (await axe.run(document, {resultTypes: ['violations'], iframes: frames}))"
        ".violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))",
        frames,
    )
    assert result == [], f"{what}: {json.dumps(result, indent=1)}"


def tab_to(page: Any, locator: Any, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the keyboard focus (proves it is reachable by keyboard)."""
    for _ in range(limit):
        if locator.evaluate("el => el.matches(':focus')"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} cannot be reached with the Tab key")


def check_fits(page: Any, what: str) -> None:
    """Nothing overflows sideways (the 375 px phone check)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{what}: {overflow}px wider than the viewport"

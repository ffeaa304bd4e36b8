"""Cross-origin access to /graphql: granted only to the origins brand owners registered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from brandhub.community.embedding import every_origin
from brandhub.db import Database

GRAPHQL_PATH = "/graphql"
# Set in the ASGI scope of a cross-origin request whose origin a brand registered.
ORIGIN_REGISTERED = "brandhub.origin_registered"
# Preflight answers may be cached by browsers this long (seconds).
PREFLIGHT_MAX_AGE = "600"


class OriginAllowlist:
    """Every registered embed origin, cached in-process for at most ``ttl`` seconds."""

    def __init__(
        self, db: Database, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.db = db
        self.ttl = ttl
        self.clock = clock
        self._origins: frozenset[str] = frozenset()
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Forget the cached list (after a change in this process)."""
        self._loaded_at = None

    async def allows(self, origin: str) -> bool:
        """True when some brand registered ``origin`` for embedding."""
        return origin in await self.origins()

    async def origins(self) -> frozenset[str]:
        """The allowlist, reloaded when older than the bound."""
        if self._fresh():
            return self._origins
        async with self._lock:
            if not self._fresh():
                async with self.db.read() as session:
                    self._origins = frozenset(await every_origin(session))
                self._loaded_at = self.clock()
        return self._origins

    def _fresh(self) -> bool:
        return self._loaded_at is not None and self.clock() - self._loaded_at < self.ttl


def same_origin(origin: str, headers: Headers) -> bool:
    """True when the Origin names this server's own host (and port)."""
    _, _, netloc = origin.partition("://")
    host = headers.get("x-forwarded-host") or headers.get("host", "")
    return bool(netloc) and netloc.lower() == host.lower()


class CrossOrigin:
    """CORS for POST and preflight on /graphql, and an Origin check on its WebSocket upgrades.

    Requests without an Origin (servers, scripts) and same-origin ones pass untouched. A
    cross-origin browser gets a grant only when its origin is registered; a WebSocket from any
    other origin is refused before it is accepted.
    """

    def __init__(self, app: ASGIApp, allowlist: Callable[[Scope], OriginAllowlist | None]) -> None:
        self.app = app
        self.allowlist = allowlist

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] != GRAPHQL_PATH:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if not origin or same_origin(origin, headers):
            await self.app(scope, receive, send)
            return
        allowlist = self.allowlist(scope)
        allowed = allowlist is not None and await allowlist.allows(origin)
        if scope["type"] == "websocket":
            if not allowed:
                await send({"type": "websocket.close", "code": 4403})
                return
            await self.app({**scope, ORIGIN_REGISTERED: True}, receive, send)
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self.preflight(origin, allowed)(scope, receive, send)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def grant(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers["access-control-allow-origin"] = origin
                response_headers.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, grant)

    @staticmethod
    def preflight(origin: str, allowed: bool) -> Response:
        """The answer to a CORS preflight: a grant for registered origins, nothing otherwise."""
        if not allowed:
            return PlainTextResponse(
                "This origin is not registered for embedding.",
                status_code=403,
                headers={"vary": "Origin"},
            )
        return Response(
            status_code=204,
            headers={
                "access-control-allow-origin": origin,
                "access-control-allow-methods": "GET, POST",
                "access-control-allow-headers": "content-type",
                "access-control-max-age": PREFLIGHT_MAX_AGE,
                "vary": "Origin",
            },
        )

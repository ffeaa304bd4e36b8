"""ASGI middleware: request ids and the request log, request-body limit (413), HTTP metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from brandhub.logs import OPERATIONS, REQUEST_ID
from brandhub.schema.metrics import Metrics, route_of

log = logging.getLogger("brandhub.http")

REQUEST_ID_HEADER = "x-request-id"
# A caller's id is kept if it looks like one (a proxy's UUID, a trace id); else a new one.
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
PROBES = {"/healthz", "/readyz", "/metrics"}
FAULTS = {"unavailable", "server_error"}


def request_id_of(scope: Scope) -> str:
    """The request's id: the caller's ``X-Request-Id`` when well-formed, else a new one."""
    given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
    return given if _ACCEPTED_ID.match(given) else uuid.uuid4().hex


class RequestLog:
    """Give each request an id (echoed in ``X-Request-Id``) that every log line of it carries,
    and log one line per HTTP request: method, path, status, duration and, for GraphQL, the
    operation's name, type, outcome and error codes. Health probes are logged at DEBUG."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        id_token = REQUEST_ID.set(request_id)
        if scope["type"] == "websocket":  # each operation on the socket logs its own line
            try:
                await self.app(scope, receive, send)
            finally:
                REQUEST_ID.reset(id_token)
            return
        operations: list[dict[str, Any]] = []
        operations_token = OPERATIONS.set(operations)
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            duration = round((time.perf_counter() - started) * 1000, 1)
            self._log(scope, status, duration, operations)
            OPERATIONS.reset(operations_token)
            REQUEST_ID.reset(id_token)

    @staticmethod
    def _log(scope: Scope, status: int, duration: float, operations: list[dict[str, Any]]) -> None:
        path = scope.get("path", "")
        entry: dict[str, Any] = {
            "method": scope.get("method"),
            "path": path,
            "status": status,
            "duration_ms": duration,
        }
        if len(operations) == 1:
            entry |= operations[0]
        elif operations:
            entry["operations"] = operations
        outcomes = {op["outcome"] for op in operations}
        if status >= 500 or outcomes & FAULTS:
            level = logging.ERROR
        elif path in PROBES:
            level = logging.DEBUG
        else:
            level = logging.INFO
        name = " ".join(
            str(op["operation"] or "anonymous") + f" {op['outcome']}" for op in operations
        )
        log.log(
            level,
            "%s %s %s%s %.1f ms",
            entry["method"],
            path,
            status,
            f" {name}" if name else "",
            duration,
            extra=entry,
        )


class BodyLimit:
    """Refuse request bodies larger than ``max_bytes`` with 413, before the app reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = JSONResponse(
            {"errors": [{"message": f"Request body exceeds {self.max_bytes} bytes."}]},
            status_code=413,
        )
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    if int(value) > self.max_bytes:
                        await too_large(scope, receive, send)
                        return
                except ValueError:
                    pass
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await too_large(scope, receive, send)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class HttpMetrics:
    """Count requests and time them, by bounded route label."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            route = route_of(scope.get("path", ""))
            self.metrics.requests.labels(scope.get("method", ""), route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - start)

"""The fast path of a shared live push: one frame body per push, written straight to sockets.

An anonymous subscriber of a live board (graphql-transport-ws, or GraphQL over SSE) gets its
first result through the normal GraphQL pipeline (validation, errors, the first snapshot).
From then on its operation is handed to its campaign's feed as a ``Member`` of a ``Group`` —
the subscribers who sent the same document and variables. Per push, a group executes its
document once, encodes ``{"data": ...}`` once, and wraps it once per distinct envelope: a
WebSocket ``{"id":...,"type":"next","payload":...}`` text frame, or an SSE ``next`` event in
one HTTP chunk. The same bytes are written synchronously to every member's connection
(uvicorn's own connection object, kept in the scope by the app: no await per socket). A
WebSocket that negotiated an extension (permessage-deflate) is framed by its own ``conn``.
The fan-out holds the event loop for at most ``TURN_SECONDS`` at a time and then gives way
to the HTTP requests being answered (``Foreground``): the votes causing the pushes come
first. A socket whose transport is paused (a slow reader) is skipped and catches up with the
newest push once it drains. What clients see is unchanged: the same messages and events.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from typing import Any

from websockets.protocol import State

log = logging.getLogger("brandhub.live")

# The graphql-transport-ws operation whose subscription is running (set per operation task).
OPERATION: ContextVar[Any] = ContextVar("brandhub_live_operation", default=None)
# Sockets written between two looks at the clock, and the time the fan-out may hold the event
# loop before it yields (a vote's next step waits at most this long for a push's writes).
CHUNK = 20
TURN_SECONDS = 0.0005
# The longest a fan-out waits, per turn, for the requests being answered to finish.
GIVE_WAY_SECONDS = 0.01
# The scope key under which the app keeps the ASGI server's own connection object: the one
# whose bound ``send`` the server called the app with (uvicorn's WebSocket protocol), before
# any middleware — Starlette wraps every route's ``send`` — hid it.
SERVER_CONNECTION = "brandhub.server_connection"
# The scope key of an HTTP request's ``BodySent``.
BODY_SENT = "brandhub.body_sent"


def keep_server_connection(scope: Any, send: Any) -> None:
    """Remember, in ``scope``, the server object behind ``send`` (at the app's outer edge)."""
    owner = getattr(send, "__self__", None)
    if owner is not None:
        scope[SERVER_CONNECTION] = owner


Render = Callable[[Any], Awaitable[bytes]]


class Socket:
    """Writes whole text frames to one client connection."""

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        protocol = getattr(websocket, "scope", {}).get(SERVER_CONNECTION)
        if protocol is None:
            protocol = getattr(getattr(websocket, "_send", None), "__self__", None)
        # uvicorn's sans-I/O WebSocket protocol: frames are built by ``conn`` and written to
        # ``transport``; anything else (a test client) is written through the ASGI send.
        direct = all(hasattr(protocol, a) for a in ("conn", "transport", "writable", "close_sent"))
        self.protocol = protocol if direct else None

    @staticmethod
    def envelope(operation_id: str | None) -> tuple[bytes, bytes]:
        """What goes before and after a pushed ``{"data": ...}``: a ``next`` message."""
        return b'{"id":' + json.dumps(operation_id).encode() + b',"type":"next","payload":', b"}"

    @staticmethod
    def frame(message: bytes) -> bytes:
        return text_frame(message)

    async def ready(self) -> None:
        """The first push (sent through the GraphQL pipeline) is out: a protocol handler
        sends it before its operation asks for the next one."""

    def write_now(self, message: bytes, frame: bytes) -> bool | None:
        """Write ``message`` at once: True when written (or the socket is gone: nothing to
        do), False when the reader is slow (writing paused), None when only ``send`` can.

        ``frame`` is ``message`` as one unmasked text frame, shared by every socket: written
        as it is when the connection frames messages plainly (no extension negotiated, e.g.
        permessage-deflate, which must compress each socket's stream on its own)."""
        protocol = self.protocol
        if protocol is None:
            return None
        if protocol.close_sent or protocol.transport.is_closing():
            return True
        if not protocol.writable.is_set():
            return False
        conn = protocol.conn
        try:
            if (
                getattr(conn, "extensions", None) == []
                and conn.state is State.OPEN
                and not conn.expect_continuation_frame
                and not conn.writes
            ):
                protocol.transport.write(frame)  # what conn.send_text would have framed
            else:
                conn.send_text(message)
                protocol.transport.write(b"".join(conn.data_to_send()))
        except Exception:  # closing meanwhile: its operation ends with the connection
            log.debug("live push to a closing socket dropped", exc_info=True)
        return True

    async def drained(self) -> None:
        """Until the connection accepts writes again."""
        if self.protocol is not None:
            await self.protocol.writable.wait()


class BodySent:
    """Set by the app once a response sent its first piece of body (the first SSE event)."""

    __slots__ = ("event", "sent")

    def __init__(self) -> None:
        self.sent = False
        self.event: asyncio.Event | None = None

    def set(self) -> None:
        self.sent = True
        if self.event is not None:
            self.event.set()

    async def wait(self, longest: float) -> None:
        if not self.sent:
            self.event = self.event or asyncio.Event()
            await asyncio.wait_for(self.event.wait(), longest)


class EventStream:
    """Writes whole events to one GraphQL-over-SSE response, straight to uvicorn's HTTP
    connection (httptools, chunked): each push one chunk, as the response itself writes one
    per event, so the stream's own writes (its heartbeats) never cut into a push."""

    def __init__(self, request: Any) -> None:
        scope = getattr(request, "scope", {})
        cycle = scope.get(SERVER_CONNECTION)
        direct = all(
            hasattr(cycle, a)
            for a in ("transport", "flow", "chunked_encoding", "response_complete", "disconnected")
        )
        self.cycle = cycle if direct and cycle.chunked_encoding is not False else None
        self.body_sent: BodySent | None = scope.get(BODY_SENT)

    @property
    def direct(self) -> bool:
        return self.cycle is not None and self.body_sent is not None

    @staticmethod
    def envelope(operation_id: str | None) -> tuple[bytes, bytes]:
        """A ``next`` event (as Strawberry's SSE transport encodes one)."""
        return b"event: next\r\ndata: ", b"\r\n\r\n"

    @staticmethod
    def frame(message: bytes) -> bytes:
        """``message`` as one chunk of a chunked HTTP/1.1 body."""
        return b"%x\r\n" % len(message) + message + b"\r\n"

    async def ready(self) -> None:
        """Until the first event, sent through the response's own stream, is written (the
        stream pulls the next event before writing the last one: a direct push must not
        overtake it)."""
        assert self.body_sent is not None
        await self.body_sent.wait(30)

    def write_now(self, message: bytes, frame: bytes) -> bool | None:
        cycle = self.cycle
        if cycle.disconnected or cycle.response_complete or cycle.transport.is_closing():
            return True
        if cycle.flow.write_paused:
            return False
        cycle.transport.write(frame)
        return True

    async def drained(self) -> None:
        await self.cycle.flow.drain()


class Member:
    """One handed-off subscription: where its pushes go, and the last version it got."""

    __slots__ = ("catching_up", "delivered", "prefix", "socket", "suffix")

    def __init__(self, socket: Socket | EventStream, operation_id: str | None, delivered: int):
        self.socket = socket
        self.prefix, self.suffix = socket.envelope(operation_id)
        self.delivered = delivered
        self.catching_up = False


class Group:
    """Members sharing one document and variables: one execution and encoding per push."""

    def __init__(self, render: Render) -> None:
        self.render = render
        self.members: set[Member] = set()
        self.last: tuple[int, bytes] | None = None  # the newest body rendered (version, body)

    async def body(self, snapshot: Any) -> bytes:
        if self.last is not None and self.last[0] == snapshot.version:
            return self.last[1]
        body = await self.render(snapshot)
        if self.last is None or self.last[0] < snapshot.version:
            self.last = (snapshot.version, body)
        return body


def text_frame(message: bytes) -> bytes:
    """``message`` as one final, unmasked text frame (a server's frame, RFC 6455 5.2)."""
    size = len(message)
    if size < 126:
        return struct.pack("!BB", 0x81, size) + message
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size) + message
    return struct.pack("!BBQ", 0x81, 127, size) + message


async def deliver(group: Group, members: Iterable[Member], version: int, body: bytes) -> None:
    """Push one body to members that have not had this version (nor a newer one)."""
    slow: list[Member] = []
    sends: list[Awaitable[Any]] = []
    through_send: list[Member] = []
    # Built once per push and distinct envelope (operation id) and framing (WebSocket, SSE).
    framed: dict[tuple[bytes, Any], tuple[bytes, bytes]] = {}
    for member in members:
        if member.delivered >= version:
            continue
        key = (member.prefix, member.socket.frame)
        message_frame = framed.get(key)
        if message_frame is None:
            message = member.prefix + body + member.suffix
            message_frame = framed[key] = (message, member.socket.frame(message))
        frame = message_frame[0]
        written = member.socket.write_now(*message_frame)
        if written:
            member.delivered = version
        elif written is False:
            slow.append(member)
        else:
            through_send.append(member)
            sends.append(member.socket.websocket.send_text(frame.decode()))
    if sends:
        results = await asyncio.gather(*sends, return_exceptions=True)
        for member, result in zip(through_send, results, strict=True):
            if not isinstance(result, BaseException):
                member.delivered = max(member.delivered, version)
    for member in slow:
        if not member.catching_up:
            member.catching_up = True
            task = asyncio.create_task(_catch_up(group, member))
            _pending.add(task)
            task.add_done_callback(_pending.discard)


_pending: set[asyncio.Task[None]] = set()


async def _catch_up(group: Group, member: Member) -> None:
    """A slow reader gets the newest push once its connection drains (skipping older ones)."""
    try:
        await member.socket.drained()
    finally:
        member.catching_up = False
    if member in group.members and group.last is not None:
        version, body = group.last
        await deliver(group, [member], version, body)


class Foreground:
    """HTTP requests being answered in this process (a castVote until its response starts):
    the fan-out, background work, gives way to them."""

    def __init__(self) -> None:
        self.count = 0
        self._waiters: list[asyncio.Future[None]] = []

    def enter(self) -> None:
        self.count += 1

    def leave(self) -> None:
        self.count -= 1
        if not self.count:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def give_way(self, longest: float) -> float:
        """Yield to the event loop; while requests are being answered, until they all are
        (at most ``longest`` seconds: under constant load, pushes still move on). Returns
        the seconds given to them."""
        if not self.count:
            await asyncio.sleep(0)
            return 0.0
        loop = asyncio.get_running_loop()
        began = loop.time()
        waiter = loop.create_future()
        self._waiters.append(waiter)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter, longest)
        return loop.time() - began


async def fan_out(
    groups: Iterable[Group],
    snapshot: Any,
    current: Callable[[], Any],
    foreground: Foreground | None = None,
) -> float:
    """Push ``snapshot`` to every member of ``groups``, a chunk at a time; stop early when
    ``current()`` is no longer this snapshot (the newer push reaches everyone instead).
    Every ``TURN_SECONDS`` it gives way to the requests being answered (``foreground``).
    Returns the seconds it gave way (waiting for requests, not pushing)."""
    foreground = foreground or Foreground()
    gave = 0.0
    for group in list(groups):
        if not group.members:
            continue
        try:
            body = await group.body(snapshot)
        except Exception:
            log.exception("rendering a live push failed")
            continue
        members = list(group.members)
        loop = asyncio.get_running_loop()
        turn = loop.time()
        for start in range(0, len(members), CHUNK):
            if current() is not snapshot:
                return gave
            with contextlib.suppress(Exception):
                await deliver(group, members[start : start + CHUNK], snapshot.version, body)
            if loop.time() - turn >= TURN_SECONDS:  # let votes (and their commits) run
                gave += await foreground.give_way(GIVE_WAY_SECONDS)
                turn = loop.time()
        await asyncio.sleep(0)
    return gave

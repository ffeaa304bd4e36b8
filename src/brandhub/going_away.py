"""A clean close at shutdown: on SIGTERM (or SIGINT) every open subscription connection is
told first — WebSockets get a close frame 1001 "going away", SSE streams end their response
properly — and only then does the server stop, so clients reconnect at once to another
process instead of waiting out a dead connection (1006)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import Any

from starlette.websockets import WebSocket, WebSocketState

log = logging.getLogger("brandhub.shutdown")

GOING_AWAY = 1001
# How long closing may hold the server's own shutdown back.
CLOSE_SECONDS = 2.0


class Connections:
    """The subscription connections of one process, and the closing of them all."""

    def __init__(self) -> None:
        self.sockets: set[WebSocket] = set()
        self.closing = asyncio.Event()
        self._restore: list[tuple[int, Any]] = []

    @contextlib.contextmanager
    def websocket(self, ws: WebSocket) -> Iterator[None]:
        """Keep track of a WebSocket while it is open."""
        self.sockets.add(ws)
        try:
            yield
        finally:
            self.sockets.discard(ws)

    def stream(self, source: Callable[[], AsyncIterator[str]]) -> Callable[[], AsyncIterator[str]]:
        """An SSE body that ends properly (no ``complete``: the client reconnects) on closing."""

        async def guarded() -> AsyncGenerator[str, None]:
            chunks = source()
            stop = asyncio.ensure_future(self.closing.wait())
            chunk: asyncio.Future[str] | None = None
            try:
                while True:
                    chunk = asyncio.ensure_future(anext(chunks))
                    await asyncio.wait({chunk, stop}, return_when=asyncio.FIRST_COMPLETED)
                    if not chunk.done():
                        chunk.cancel()
                        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                            await chunk
                        return
                    try:
                        yield chunk.result()
                    except StopAsyncIteration:
                        return
            finally:
                stop.cancel()
                if chunk is not None and not chunk.done():
                    # The client went (the response was cancelled) while the next event was
                    # awaited: end that wait first, or closing the running stream would fail
                    # and leave its subscription running for ever.
                    chunk.cancel()
                    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                        await chunk
                await chunks.aclose()  # type: ignore[attr-defined]

        return guarded

    async def close_all(self) -> None:
        """Close every subscription connection: 1001 for sockets, end of stream for SSE."""
        self.closing.set()
        sockets = [ws for ws in self.sockets if ws.application_state is WebSocketState.CONNECTED]
        if sockets:
            log.info("closing %d subscription sockets: going away", len(sockets))
        for ws in sockets:
            with contextlib.suppress(Exception):  # already gone
                await ws.close(GOING_AWAY, "going away")
        await asyncio.sleep(0.05)  # let the frames and final chunks reach the sockets

    def on_signals(self) -> None:
        """Close connections first when the process is asked to stop, then let the server
        stop as it would have (main thread only: where signal handlers live)."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(signum)
            self._restore.append((signum, previous))
            signal.signal(signum, self._handler(loop, previous))

    def restore_signals(self) -> None:
        """Put back the handlers ``on_signals`` replaced."""
        while self._restore:
            signum, previous = self._restore.pop()
            signal.signal(signum, previous)

    def _handler(self, loop: asyncio.AbstractEventLoop, previous: Any) -> Callable[..., None]:
        def handle(signum: int, frame: Any) -> None:
            def pass_on(task: Any = None) -> None:
                if task is not None and not task.cancelled() and task.exception():
                    log.warning("closing connections at shutdown: %r", task.exception())
                if callable(previous):
                    previous(signum, frame)

            if self.closing.is_set():  # a second signal: stop at once
                pass_on()
                return

            def start() -> None:
                task = asyncio.ensure_future(asyncio.wait_for(self.close_all(), CLOSE_SECONDS))
                task.add_done_callback(pass_on)

            loop.call_soon_threadsafe(start)

        return handle

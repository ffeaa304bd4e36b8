"""Live readers for ``bench_live.py``: many subscribers, cheap enough not to be the bottleneck.

    python bench/live_readers.py '<json settings>'      (started by bench_live.py, not by hand)

A worker process holds its share of the audience: each subscriber is one ``asyncio.Protocol``
connection (uvloop) that does the graphql-transport-ws handshake by hand (or opens a GraphQL
over SSE stream), waits for its first board, and from then on only appends ``(time.time(),
bytes)`` in ``data_received`` — no parsing, no task, no future per message. The one exception
is answering the server's keep-alive pings (uvicorn pings every 20 s and drops a socket that
does not answer), found by skipping over frame headers only. Frames, pushes and their totals
are parsed AFTER the run, chunk by chunk: a push's arrival time is that of the chunk that
completed it.

Protocol with the parent (lines on stdin / stdout):
    worker → "ready <max total seen in a first board>"  once every reader has its first board
    worker → "quiet <seconds since any reader received data>"  in answer to "quiet"
    parent → "stop": close every reader, parse, write the pushes (pickle) to ``out``,
    worker → "done"
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import pickle
import re
import sys
import time
import urllib.parse
import zlib
from typing import Any

VOTERS = re.compile(rb'"voters":(\d+)')
EVENT_END = re.compile(rb"\r?\n\r?\n")  # an SSE event ends with a blank line
WAVE = 100  # readers opened at once, as an audience arrives


def total_of(message: bytes) -> int:
    return sum(int(v) for v in VOTERS.findall(message))


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask; a zero key leaves the payload as it is)."""
    size = len(payload)
    if size < 126:
        header = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        header = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    return header + b"\0\0\0\0" + payload


def frame_header(buf: bytes | bytearray, at: int) -> tuple[int, int, int, int] | None:
    """(first byte, header length, payload length, opcode) of a server frame at ``at``,
    or None when the header is not complete yet."""
    if len(buf) - at < 2:
        return None
    first, second = buf[at], buf[at + 1] & 0x7F
    if second < 126:
        return first, 2, second, first & 0x0F
    need = 2 if second == 126 else 8
    if len(buf) - at < 2 + need:
        return None
    return first, 2 + need, int.from_bytes(buf[at + 2 : at + 2 + need], "big"), first & 0x0F


class WsParser:
    """Server frames → (arrival time, total voters) of each ``next`` message, chunk by chunk."""

    def __init__(self, deflate: bool) -> None:
        self.buf = bytearray()
        self.inflate = zlib.decompressobj(-15) if deflate else None
        self.pushes: list[tuple[float, int]] = []
        self.messages: list[dict[str, Any]] = []  # setup only: decoded messages

    def feed(self, at: float, data: bytes, *, decode: bool = False) -> None:
        buf = self.buf
        buf += data
        pos = 0
        while True:
            header = frame_header(buf, pos)
            if header is None or len(buf) - pos < header[1] + header[2]:
                break
            first, hlen, size, opcode = header
            payload = bytes(buf[pos + hlen : pos + hlen + size])
            pos += hlen + size
            if opcode != 0x1:  # pings, pongs, close: not pushes
                continue
            if first & 0x40 and self.inflate is not None:  # RSV1: permessage-deflate
                payload = self.inflate.decompress(payload + b"\0\0\xff\xff")
            if decode:
                self.messages.append(json.loads(payload))
            if b'"type":"next"' in payload:
                self.pushes.append((at, total_of(payload)))
        del buf[:pos]


class SseParser:
    """A chunked ``text/event-stream`` body → (arrival time, total) of each ``next`` event."""

    def __init__(self) -> None:
        self.raw = bytearray()  # undecoded chunked body
        self.text = bytearray()  # de-chunked, not yet a whole event
        self.pushes: list[tuple[float, int]] = []

    def feed(self, at: float, data: bytes) -> None:
        raw = self.raw
        raw += data
        pos = 0
        while True:
            end = raw.find(b"\r\n", pos)
            if end < 0:
                break
            size = int(raw[pos:end].split(b";")[0], 16)
            if len(raw) < end + 2 + size + 2:
                break
            self.text += raw[end + 2 : end + 2 + size]
            pos = end + 2 + size + 2
        del raw[:pos]
        while True:
            end = EVENT_END.search(self.text)
            if end is None:
                break
            event = bytes(self.text[: end.start()])
            del self.text[: end.end()]
            if event.startswith(b"event: next"):
                self.pushes.append((at, total_of(event)))


class Reader(asyncio.Protocol):
    """One subscriber. Until its first board it talks; then it only records what arrives."""

    transport: asyncio.Transport

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.chunks: list[tuple[float, bytes]] = []
        self.live = False
        self.first_total = 0
        self.ready = asyncio.get_running_loop().create_future()
        self.head = b""  # the HTTP response head, until complete

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(
                ConnectionError(f"reader closed before its first board: {exc}")
            )

    def fail(self, why: str) -> None:
        if not self.ready.done():
            self.ready.set_exception(RuntimeError(why))
        self.transport.close()


class WsReader(Reader):
    def __init__(self, worker: Worker) -> None:
        super().__init__(worker)
        self.parser = WsParser(worker.deflate)
        self.skip = 0  # live: payload bytes left in the current frame
        self.head_left = b""  # live: a frame header split across chunks
        self.ping: bytearray | None = None  # live: a ping's payload being collected
        self.acked = False

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        ext = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
        self.transport.write(
            (
                "GET /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n"
                f"{ext if self.worker.deflate else ''}\r\n"
            ).encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if self.live:
            self.chunks.append((now, data))
            self.worker.last_data = now
            self.scan(data)
            return
        if self.head is not None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end], self.head[end + 4 :]
            self.head = None
            if not head.startswith(b"HTTP/1.1 101"):
                return self.fail(head.decode(errors="replace"))
            if self.worker.deflate and b"permessage-deflate" not in head.lower():
                self.parser.inflate = None
            message = {"type": "connection_init", "payload": {}}
            self.transport.write(masked_frame(0x1, json.dumps(message).encode()))
        self.parser.feed(now, data, decode=True)
        for message in self.parser.messages:
            if message.get("type") == "connection_ack" and not self.acked:
                self.acked = True
                self.transport.write(masked_frame(0x1, self.worker.subscribe))
            elif message.get("type") == "next":
                self.first_total = total_of(json.dumps(message, separators=(",", ":")).encode())
                self.live = True
                self.parser.pushes.clear()  # the first board: before the run
                if self.parser.buf:  # the start of what follows it
                    self.chunks.append((now, bytes(self.parser.buf)))
                    self.scan(bytes(self.parser.buf))
                self.ready.set_result(None)
                return
            elif message.get("type") in ("error", "complete"):
                return self.fail(json.dumps(message))
        self.parser.messages.clear()

    def scan(self, data: bytes) -> None:
        """Skip over frames, looking only at their headers: answer pings (with their payload)."""
        pos, size = 0, len(data)
        while pos < size:
            if self.skip:
                take = min(self.skip, size - pos)
                if self.ping is not None:
                    self.ping += data[pos : pos + take]
                self.skip -= take
                pos += take
                if not self.skip and self.ping is not None:
                    self.transport.write(masked_frame(0xA, bytes(self.ping)))
                    self.ping = None
                continue
            buf = self.head_left + data[pos : pos + 14]
            header = frame_header(buf, 0)
            if header is None:
                self.head_left = buf
                return
            _, hlen, length, opcode = header
            pos += hlen - len(self.head_left)
            self.head_left = b""
            self.skip = length
            if opcode == 0x9:
                self.ping = bytearray()
                if not length:
                    self.transport.write(masked_frame(0xA, b""))
                    self.ping = None

    def pushes(self) -> list[tuple[float, int]]:
        parser = self.parser
        for at, data in self.chunks:
            parser.feed(at, data)
        return parser.pushes


class SseReader(Reader):
    def __init__(self, worker: Worker) -> None:
        super().__init__(worker)
        self.parser = SseParser()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.transport.write(
            f"GET /graphql?{self.worker.sse_query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if self.live:
            self.chunks.append((now, data))
            self.worker.last_data = now
            return
        if self.head is not None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self.head[:end], self.head[end + 4 :]
            self.head = None
            if not head.startswith(b"HTTP/1.1 200"):
                return self.fail(head.decode(errors="replace"))
        self.parser.feed(now, data)
        if self.parser.pushes:
            self.first_total = self.parser.pushes[-1][1]
            self.parser.pushes.clear()
            self.live = True
            self.ready.set_result(None)

    def pushes(self) -> list[tuple[float, int]]:
        parser = self.parser
        for at, data in self.chunks:
            parser.feed(at, data)
        return parser.pushes


class Worker:
    def __init__(self, settings: dict[str, Any]) -> None:
        self.port: int = settings["port"]
        self.count: int = settings["count"]
        self.transport: str = settings["transport"]
        self.deflate: bool = settings.get("deflate", False)
        self.out: str = settings["out"]
        payload = {"query": settings["query"], "variables": settings["variables"]}
        self.subscribe = json.dumps({"id": "1", "type": "subscribe", "payload": payload}).encode()
        self.sse_query = urllib.parse.urlencode(
            {"query": settings["query"], "variables": json.dumps(settings["variables"])}
        )
        self.readers: list[Reader] = []
        self.last_data = time.time()

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        kind = WsReader if self.transport == "ws" else SseReader
        for start in range(0, self.count, WAVE):
            wave = []
            for _ in range(start, min(self.count, start + WAVE)):
                _, reader = await loop.create_connection(lambda: kind(self), "127.0.0.1", self.port)
                wave.append(reader)
            await asyncio.wait_for(asyncio.gather(*(r.ready for r in wave)), 120)
            self.readers += wave

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        stdin = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        await self.open()
        say(f"ready {max((r.first_total for r in self.readers), default=0)}")
        while True:
            line = (await stdin.readline()).decode().strip()
            if line == "quiet":
                say(f"quiet {time.time() - self.last_data:.3f}")
            elif line in ("stop", ""):
                break
        for reader in self.readers:
            reader.transport.close()
        pushes = [reader.pushes() for reader in self.readers]
        with open(self.out, "wb") as out:  # noqa: ASYNC230 (the run is over)
            pickle.dump(pushes, out)
        say("done")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    worker = Worker(json.loads(sys.argv[1]))
    try:
        import uvloop
    except ImportError:
        asyncio.run(worker.main())
    else:
        uvloop.run(worker.main())


if __name__ == "__main__":
    main()

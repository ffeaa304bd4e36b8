"""``brandhub webhooks listen``: a webhook receiver for development, on this machine.

It prints every delivery it receives and checks its Standard Webhooks signature with the
``standardwebhooks`` library, as a partner's endpoint would: 204 when the signature holds
(or when no secret was given, so nothing is checked), 401 when it does not. ``status``
answers something else instead (500 to watch the retries, 410 to see the endpoint disabled).
brandhub only calls such a local URL when ``BRANDHUB_WEBHOOK_ALLOW_PRIVATE`` is set.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any

from standardwebhooks.webhooks import Webhook

MAX_BODY_BYTES = 1024 * 1024


def check_signature(secrets: Sequence[str], headers: dict[str, str], body: bytes) -> str | None:
    """None if one of ``secrets`` signed this delivery; else what is wrong."""
    problems = []
    for secret in secrets:
        try:
            Webhook(secret).verify(body, headers, json_parse=False)
            return None
        except Exception as error:  # the library raises several kinds on malformed headers
            problems.append(str(error) or type(error).__name__)
    return "; ".join(dict.fromkeys(problems))


def describe(headers: dict[str, str], body: bytes, verdict: str, now: float) -> str:
    """What the terminal shows for one delivery."""
    lowered = {k.lower(): v for k, v in headers.items()}
    stamp = lowered.get("webhook-timestamp", "")
    age = f" ({now - int(stamp):.0f} s ago)" if stamp.isdigit() else ""
    try:
        payload: Any = json.loads(body)
        shown = json.dumps(payload, indent=2, ensure_ascii=False)
    except ValueError:
        payload, shown = None, body.decode("utf-8", "replace")
    event = payload if isinstance(payload, dict) else {}
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    lines = [
        f"── {datetime.fromtimestamp(now):%H:%M:%S} webhook {event.get('type', '?')}"
        f" (handoff {data.get('handoffId', '?')}, sequence {data.get('sequence', '?')})",
        f"   webhook-id: {lowered.get('webhook-id', '-')}   timestamp: {stamp or '-'}{age}",
        f"   signature: {verdict}",
        shown,
    ]
    return "\n".join(lines) + "\n"


class Listener(ThreadingHTTPServer):
    """The receiving server; ``out`` is where deliveries are printed."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        *,
        secrets: Sequence[str],
        out: IO[str],
        status: int | None = None,
    ) -> None:
        super().__init__(address, _Delivery)
        self.secrets = list(secrets)
        self.out = out
        self.status = status
        self.printing = threading.Lock()

    @property
    def url(self) -> str:
        """The URL to give brandhub as the partner's webhookUrl."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/brandhub"


class _Delivery(BaseHTTPRequestHandler):
    server: Listener

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        body = self.rfile.read(length)
        headers = dict(self.headers.items())
        if self.server.secrets:
            problem = check_signature(self.server.secrets, headers, body)
            verdict = "verified" if problem is None else f"NOT VERIFIED: {problem}"
            status = HTTPStatus.NO_CONTENT if problem is None else HTTPStatus.UNAUTHORIZED
        else:
            verdict, status = "not checked (start with --secret whsec_… to check it)", 204
        status = self.server.status or status
        with self.server.printing:
            self.server.out.write(describe(headers, body, verdict, time.time()))
            self.server.out.flush()
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the delivery itself is what gets printed."""

"""Standard Webhooks signatures (https://www.standardwebhooks.com/), made by ``standardwebhooks``.

``webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>``, where the key
is the base64-decoded part of a ``whsec_...`` secret. During a secret rotation the header
carries one signature per active secret, separated by spaces, and a receiver accepts the
message if any of them matches. The HMACs come from the reference library (what partners
verify with); this module adds what it leaves out: secrets are checked (valid base64, at
least 24 bytes) before use, and :func:`verify` takes the clock as an argument and refuses
malformed headers instead of raising on them. Pure: the clock is passed in.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets as random_source
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_SECRET_BYTES = 24
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """A webhook's headers or signature do not check out."""


def generate_secret() -> str:
    """A new signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(random_source.token_bytes(SECRET_BYTES)).decode()


def _signer(secret: str) -> Webhook:
    """The library's signer for ``secret``, once the secret is known to be sound.

    The library decodes leniently (it skips characters that are not base64), so a mistyped
    secret would sign with the wrong key without a word: check it strictly first.
    """
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        # Tolerate unpadded base64, as the reference libraries do.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error:
        raise ValueError("webhook secret is not valid base64") from None
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(f"webhook secret must hold at least {MIN_SECRET_BYTES} bytes")
    return Webhook(key)


def _sign(signer: Webhook, msg_id: str, timestamp: int, body: bytes) -> str:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("timestamp must be a non-negative integer (unix seconds)")
    # The library signs text; webhook bodies are UTF-8 JSON, so this round-trips exactly.
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return signer.sign(msg_id, moment, body.decode("utf-8"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``v1,<base64>`` signature of one message under one secret."""
    return _sign(_signer(secret), msg_id, timestamp, body)


def signature_header(secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: one signature per active secret, space-separated."""
    if isinstance(secrets, str) or not secrets:
        raise ValueError("at least one secret is required (pass a sequence of secrets)")
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets)


def webhook_headers(
    secrets: Sequence[str], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """All headers of a webhook request carrying ``body``."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
        "content-type": "application/json",
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> None:
    """Raise ``SignatureError`` unless ``body`` and ``headers`` carry a fresh, valid signature."""
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id")
    raw_timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not msg_id or not raw_timestamp or not signatures:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
    if not (raw_timestamp.isascii() and raw_timestamp.isdigit() and len(raw_timestamp) <= 12):
        raise SignatureError("webhook-timestamp is not an integer")
    timestamp = int(raw_timestamp)
    if timestamp < now - tolerance:
        raise SignatureError("message timestamp is too old")
    if timestamp > now + tolerance:
        raise SignatureError("message timestamp is too new")
    try:
        expected = base64.b64decode(
            _sign(_signer(secret), msg_id, timestamp, body).removeprefix("v1,")
        )
    except UnicodeDecodeError:
        raise SignatureError("body is not UTF-8") from None
    for candidate in signatures.split():
        version, _, encoded = candidate.partition(",")
        if version != "v1":
            continue
        try:
            given = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if hmac.compare_digest(expected, given):
            return
    raise SignatureError("no matching signature")

"""The byte-level forms every audit artefact shares: canonical JSON, digests, timestamps,
strict base64url. Pure; a verifier in another language reimplements exactly these."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime
from typing import Any

import rfc8785

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def canonical(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes of a JSON value."""
    return rfc8785.dumps(value)


def digest(value: Any) -> str:
    """SHA-256 (lowercase hex) of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical(value)).hexdigest()


def timestamp(at: datetime) -> str:
    """UTC with microseconds, always the same width: text order is time order."""
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    """The datetime ``timestamp`` wrote; ValueError on any other form."""
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"not a timestamp of the form 2026-01-31T12:00:00.000000Z: {text!r}")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 4648 §5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str, *, length: int | None = None) -> bytes:
    """Decode unpadded base64url strictly: one text per byte string (unused bits must be 0)."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise ValueError("not the canonical base64url of its bytes")
    if length is not None and len(data) != length:
        raise ValueError(f"expected {length} bytes, got {len(data)}")
    return data


def is_hex_digest(text: object) -> bool:
    """True for 64 lowercase hex digits."""
    return isinstance(text, str) and re.fullmatch(r"[0-9a-f]{64}", text) is not None

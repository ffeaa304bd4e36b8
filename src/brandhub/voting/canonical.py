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


_SAFE_INTEGER = 2**53 - 1


def _plain(text: str) -> bool:
    """Printable ASCII without '"' or backslash: RFC 8785 writes it as it is."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def canonical(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes of a JSON value.

    Vote events and statements are small objects of ASCII text, integers and weights: they
    take a fast path (a few µs instead of tens, on every vote); anything else, or anything
    the fast path is not sure of, goes to the ``rfc8785`` package.
    """
    fast = _fast(value)
    return fast.encode() if fast is not None else rfc8785.dumps(value)


def _fast(value: Any) -> str | None:
    """The canonical text of ``value``, or None when it needs the full algorithm."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -_SAFE_INTEGER <= value <= _SAFE_INTEGER else None
    if isinstance(value, float):
        if value != value or abs(value) > _SAFE_INTEGER:  # NaN, ±inf, or big: the full algorithm
            return None
        if value.is_integer():
            return str(int(value))
        text = repr(value)  # shortest round-trip digits, as ECMAScript's Number::toString
        return None if "e" in text else text
    if isinstance(value, str):
        return f'"{value}"' if _plain(value) else None
    if isinstance(value, list):
        items = [_fast(item) for item in value]
        return None if None in items else "[" + ",".join(items) + "]"  # type: ignore[arg-type]
    if isinstance(value, dict):
        parts = []
        for key in sorted(value):  # ASCII keys: code-point order is UTF-16 order
            if not isinstance(key, str) or not _plain(key):
                return None
            item = value[key]
            kind = type(item)
            if kind is str and _plain(item):  # the common members, without a call each
                text: str | None = f'"{item}"'
            elif kind is int and -_SAFE_INTEGER <= item <= _SAFE_INTEGER:
                text = str(item)
            else:
                text = _fast(item)
            if text is None:
                return None
            parts.append(f'"{key}":{text}')
        return "{" + ",".join(parts) + "}"
    return None


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

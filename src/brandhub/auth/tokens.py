"""Opaque bearer credentials: random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets

SESSION_TOKEN_PREFIX = "bhs_"
PARTNER_KEY_PREFIX = "bhp_"


def new_secret(prefix: str) -> str:
    """A fresh credential with 32 random bytes behind a recognisable prefix."""
    return prefix + secrets.token_urlsafe(32)


def digest(credential: str) -> str:
    """The SHA-256 hex digest under which a credential is stored."""
    return hashlib.sha256(credential.encode()).hexdigest()

"""The server's Ed25519 signing keys: created on first start, rotatable, published.

Every process of a deployment shares the keys through the ``signing_key`` table. The
private half is stored encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from
BRANDHUB_SECRET_KEY (the key id is the associated data); public halves, retired ones
included, stay published so old seals remain checkable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.columns import UTCDateTime
from brandhub.voting.canonical import b64url, from_b64url, timestamp
from brandhub.voting.models import SigningKey
from brandhub.voting.seal import key_id

_ENCRYPTION_INFO = b"brandhub/signing-key-encryption/v1"
_NONCE_BYTES = 12

INSTALL_KEY = text(
    "INSERT INTO signing_key (kid, public_key, private_key, current, created_at)"
    " VALUES (:kid, :public_key, :private_key, :current, :created_at)"
    " ON CONFLICT (current) DO NOTHING"
).bindparams(bindparam("created_at", type_=UTCDateTime()))


class SigningKeyError(Exception):
    """The current signing key cannot be used (most often: BRANDHUB_SECRET_KEY changed)."""


@dataclass(frozen=True)
class Signer:
    """The current key, decrypted: its id and private key."""

    kid: str
    private_key: Ed25519PrivateKey


@lru_cache(maxsize=8)
def _encryption_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_ENCRYPTION_INFO).derive(
        secret.encode()
    )


def _raw_public(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def new_key(secret: str, now: datetime) -> tuple[SigningKey, Ed25519PrivateKey]:
    """A fresh key pair as a (not yet stored) current row, private half encrypted."""
    private_key = Ed25519PrivateKey.generate()
    public = _raw_public(private_key)
    kid = key_id(public)
    raw = private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_encryption_key(secret)).encrypt(nonce, raw, kid.encode())
    row = SigningKey(
        kid=kid,
        public_key=b64url(public),
        private_key=b64url(nonce + sealed),
        current=True,
        created_at=now,
    )
    return row, private_key


def open_key(row: SigningKey, secret: str) -> Ed25519PrivateKey:
    """Decrypt a stored private key; SigningKeyError if the secret does not open it."""
    try:
        blob = from_b64url(row.private_key)
        raw = AESGCM(_encryption_key(secret)).decrypt(
            blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], row.kid.encode()
        )
        private_key = Ed25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, ValueError) as error:
        raise SigningKeyError(
            f"BRANDHUB_SECRET_KEY does not open signing key {row.kid}: restore the secret the "
            "key was created with, or run `brandhub keys rotate` to start a new key"
        ) from error
    if b64url(_raw_public(private_key)) != row.public_key:
        raise SigningKeyError(f"signing key {row.kid}: private and public halves differ")
    return private_key


async def _install(session: AsyncSession, row: SigningKey) -> None:
    await session.execute(
        INSTALL_KEY,
        {
            "kid": row.kid,
            "public_key": row.public_key,
            "private_key": row.private_key,
            "current": True,
            "created_at": row.created_at,
        },
    )


async def current_signer(session: AsyncSession, *, secret: str, now: datetime) -> Signer:
    """The current key, created if the deployment has none yet (first start)."""
    row = await session.scalar(select(SigningKey).where(SigningKey.current.is_(True)))
    if row is None:
        fresh, _ = new_key(secret, now)
        # A concurrent first start may win the unique ``current``; then its key is used.
        await _install(session, fresh)
        row = await session.scalar(select(SigningKey).where(SigningKey.current.is_(True)))
        assert row is not None
    return Signer(row.kid, open_key(row, secret))


async def rotate(session: AsyncSession, *, secret: str, now: datetime) -> SigningKey:
    """Retire the current key (its public half stays published) and start a new one."""
    await session.execute(
        update(SigningKey).where(SigningKey.current.is_(True)).values(current=None, retired_at=now)
    )
    fresh, _ = new_key(secret, now)
    session.add(fresh)
    await session.flush()
    return fresh


async def all_keys(session: AsyncSession) -> list[SigningKey]:
    """Every key, current first, then newest first."""
    rows = await session.scalars(select(SigningKey))
    return sorted(rows, key=lambda k: (k.current is not True, -k.created_at.timestamp()))


async def public_key(session: AsyncSession, kid: str) -> bytes | None:
    """The raw public key of ``kid``, current or retired."""
    encoded = await session.scalar(select(SigningKey.public_key).where(SigningKey.kid == kid))
    return from_b64url(encoded, length=32) if encoded else None


def jwk(row: SigningKey) -> dict[str, Any]:
    """A key as published: RFC 8037 OKP JWK plus its validity."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": "EdDSA",
        "use": "sig",
        "kid": row.kid,
        "x": row.public_key,
        "current": row.current is True,
        "createdAt": timestamp(row.created_at),
        "retiredAt": timestamp(row.retired_at) if row.retired_at else None,
    }

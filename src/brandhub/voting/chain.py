"""The hash-chained vote log: hash_i = SHA-256(hash_{i-1} ‖ canonical(event_i)).

Chains are kept per (campaign, voter): every voter's changes are already serialised by
their budget lock, so no campaign-wide row becomes a hot spot. An event names its voter
by a per-campaign pseudonym (a keyed HMAC), so what is hashed is exactly what the audit
export publishes, and nobody without the server's secret can link a pseudonym to a member.

Pure and small on purpose: a writer (one vote per transaction, or a batch of them) calls
``pseudonym``, one of the ``*_event`` builders and ``append`` per vote.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from brandhub.voting.canonical import canonical, timestamp

GENESIS = "0" * 64
# Events written since migration 0007 carry "v": 2 and a pseudonymous voter. Older events
# (no "v") were hashed over the member's real id: the recount still checks them, the
# audit export refuses campaigns that have any.
EVENT_VERSION = 2
PSEUDONYM_LENGTH = 32
_PSEUDONYM_KEY_INFO = b"brandhub/voter-pseudonym-key/v1"
_PSEUDONYM_LABEL = b"brandhub/voter-pseudonym/v1\x00"


@lru_cache(maxsize=8)
def pseudonym_key(secret: str) -> bytes:
    """The HMAC key for pseudonyms, derived from BRANDHUB_SECRET_KEY (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PSEUDONYM_KEY_INFO).derive(
        secret.encode()
    )


def pseudonym(secret: str, campaign_id: int, voter_id: int) -> str:
    """The voter's pseudonym in one campaign: 32 hex digits of a keyed HMAC-SHA256."""
    message = _PSEUDONYM_LABEL + f"{campaign_id}:{voter_id}".encode()
    return hmac.new(pseudonym_key(secret), message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def link(prev_hash: str, event: dict[str, Any]) -> str:
    """The hash of ``event`` chained after ``prev_hash``."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical(event)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainState:
    """Where a voter's chain stands: their pseudonym, the last sequence number and hash."""

    campaign_id: int
    voter: str
    seq: int = 0
    head: str = GENESIS


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a voter keeps after a change: their pseudonym, the event's number and hash."""

    voter: str
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Appended:
    """An event ready to store: its payload, the hash it chains from and its own hash."""

    payload: dict[str, Any]
    prev_hash: str
    hash: str
    state: ChainState
    at: datetime

    @property
    def receipt(self) -> Receipt:
        """The voter's receipt for this event."""
        return Receipt(self.state.voter, self.state.seq, self.hash)


def append(state: ChainState, body: dict[str, Any], at: datetime) -> Appended:
    """The next event of a chain: ``body`` with version, campaign, voter, seq and time."""
    seq = state.seq + 1
    payload = {
        **body,
        "v": EVENT_VERSION,
        "campaign": state.campaign_id,
        "voter": state.voter,
        "seq": seq,
        "at": timestamp(at),
    }
    digest = link(state.head, payload)
    return Appended(
        payload, state.head, digest, ChainState(state.campaign_id, state.voter, seq, digest), at
    )


def cast_event(proposal_id: int, value: int, weight: float) -> dict[str, Any]:
    """A vote cast or replaced."""
    return {"type": "vote.cast", "proposal": proposal_id, "value": value, "weight": weight}


def retract_event(proposal_id: int) -> dict[str, Any]:
    """A vote taken back."""
    return {"type": "vote.retracted", "proposal": proposal_id}


def ballot_event(ranking: list[int], weight: float) -> dict[str, Any]:
    """A ranked ballot cast or replaced; an empty ranking withdraws it."""
    return {"type": "ballot.cast", "ranking": list(ranking), "weight": weight}


def reweight_event(weight: float) -> dict[str, Any]:
    """Every current vote (and the ballot) of the voter now weighs ``weight`` (PLEDGE)."""
    return {"type": "vote.reweighted", "weight": weight}


def legacy_seal(heads: list[tuple[int, int, str]]) -> str:
    """The unsigned digest stored by campaigns closed before migration 0007."""
    digest = hashlib.sha256()
    for voter, seq, head in sorted(heads):
        digest.update(f"{voter}:{seq}:{head}\n".encode())
    return digest.hexdigest()

"""The hash-chained vote log: hash_i = SHA-256(hash_{i-1} ‖ canonical(event_i)).

Chains are kept per (campaign, voter): every voter's changes are already serialised by
their budget lock, so no campaign-wide row becomes a hot spot. Closing a campaign seals
all chain heads into one digest stored with the result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import rfc8785

GENESIS = "0" * 64


def link(prev_hash: str, event: dict[str, Any]) -> str:
    """The hash of ``event`` chained after ``prev_hash``."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + rfc8785.dumps(event)).hexdigest()


def seal(heads: Iterable[tuple[int, int, str]]) -> str:
    """One digest over every (voter, seq, head) of a campaign, in voter order."""
    digest = hashlib.sha256()
    for voter, seq, head in sorted(heads):
        digest.update(f"{voter}:{seq}:{head}\n".encode())
    return digest.hexdigest()

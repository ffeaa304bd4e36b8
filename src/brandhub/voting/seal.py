"""The signed seal of a closed campaign: Merkle leaves, the statement and its signature.

Pure. A leaf is the RFC 8785 JSON of one voter chain's final state
``{"head": …, "seq": …, "voter": …}``; leaves are sorted by pseudonym. The statement names
the campaign, the close time, the tree (size and root) and the digests of the setup
(rules and candidates) and of the result; its RFC 8785 bytes are signed with Ed25519.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from brandhub.voting import merkle
from brandhub.voting.canonical import b64url, canonical, digest, from_b64url, timestamp

STATEMENT_KIND = "brandhub.seal"
STATEMENT_VERSION = 1
ALGORITHM = "Ed25519"


def leaf_data(voter: str, seq: int, head: str) -> bytes:
    """RFC 8785 bytes of {"head", "seq", "voter"} (written directly: keys already sorted,
    hex needs no escaping)."""
    return f'{{"head":"{head}","seq":{seq},"voter":"{voter}"}}'.encode()


def leaf_hashes(chains: Iterable[tuple[str, int, str]]) -> tuple[list[str], list[bytes]]:
    """(pseudonyms, leaf hashes) of (voter, seq, head) chain states, in leaf order."""
    ordered = sorted(chains)
    return [voter for voter, _, _ in ordered], [
        merkle.leaf_hash(leaf_data(voter, seq, head)) for voter, seq, head in ordered
    ]


@dataclass(frozen=True)
class Tree:
    """A campaign's sealed tree: size, root and its blocks (first pseudonym, block root)."""

    size: int
    root: str
    blocks: list[tuple[str, str]]


class TreeBuilder:
    """Builds the tree from chain states fed in leaf order, one block in memory at a time."""

    def __init__(self) -> None:
        self.size = 0
        self.last: str | None = None
        self.blocks: list[tuple[str, bytes]] = []
        self._first = ""
        self._pending: list[bytes] = []

    def add(self, voter: str, seq: int, head: str) -> None:
        """The next chain state; ValueError unless pseudonyms come strictly ascending."""
        if self.last is not None and voter <= self.last:
            raise ValueError(f"chains out of pseudonym order at {voter!r}")
        if not self._pending:
            self._first = voter
        self._pending.append(merkle.leaf_hash(leaf_data(voter, seq, head)))
        self.last, self.size = voter, self.size + 1
        if len(self._pending) == merkle.BLOCK_SIZE:
            self._close_block()

    def _close_block(self) -> None:
        self.blocks.append((self._first, merkle.root(self._pending)))
        self._pending = []

    def tree(self) -> Tree:
        """The finished tree."""
        if self._pending:
            self._close_block()
        return Tree(
            self.size,
            merkle.root([block for _, block in self.blocks]).hex(),
            [(first, block.hex()) for first, block in self.blocks],
        )


def build_tree(chains: Iterable[tuple[str, int, str]]) -> Tree:
    """The tree over chain states (voter, seq, head) in any order (sorted here, in memory)."""
    builder = TreeBuilder()
    for voter, seq, head in sorted(chains):
        builder.add(voter, seq, head)
    return builder.tree()


def inclusion_path(
    tree: Tree, block_index: int, block_chains: Sequence[tuple[str, int, str]], voter: str
) -> tuple[int, list[str]]:
    """(leaf index, audit path in hex) of ``voter`` from its block's chains; ValueError
    when the block no longer hashes to the sealed block root."""
    voters, hashes = leaf_hashes(block_chains)
    if merkle.root(hashes).hex() != tree.blocks[block_index][1]:
        raise ValueError("the voter chains of this block no longer match the seal")
    inner = voters.index(voter)
    roots = [bytes.fromhex(h) for _, h in tree.blocks]
    proof = merkle.path(inner, hashes) + merkle.path(block_index, roots)
    return block_index * merkle.BLOCK_SIZE + inner, [p.hex() for p in proof]


def statement(
    *,
    campaign: str,
    closed_at: datetime,
    tree_size: int,
    root: str,
    setup: dict[str, Any],
    result: dict[str, Any],
    key_id: str,
) -> dict[str, Any]:
    """What the server signs when a campaign closes."""
    return {
        "kind": STATEMENT_KIND,
        "version": STATEMENT_VERSION,
        "campaign": campaign,
        "closedAt": timestamp(closed_at),
        "treeSize": tree_size,
        "root": root,
        "setup": digest(setup),
        "result": digest(result),
        "keyId": key_id,
    }


def sign(private_key: Ed25519PrivateKey, signed: dict[str, Any]) -> str:
    """Ed25519 signature (base64url) over the statement's RFC 8785 bytes."""
    return b64url(private_key.sign(canonical(signed)))


def signature_holds(public_key: bytes, signed: dict[str, Any], signature: str) -> bool:
    """True when ``signature`` is the key's Ed25519 signature of the statement."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            from_b64url(signature, length=64), canonical(signed)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def key_id(public_key: bytes) -> str:
    """RFC 7638 JWK thumbprint of an Ed25519 public key (RFC 8037 OKP form)."""
    jwk = {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_key)}
    return b64url(hashlib.sha256(canonical(jwk)).digest())

"""Merkle trees as in RFC 9162 (Certificate Transparency v2), §2.1.

Pure. Leaf hash SHA-256(0x00 ‖ data), node hash SHA-256(0x01 ‖ left ‖ right); a tree of
n > 1 leaves splits at k, the largest power of two below n; the empty tree's hash is
SHA-256 of nothing. Audit paths and their verification follow §2.1.3.

A tree can also be built from *blocks* of BLOCK_SIZE consecutive leaves: an aligned block
of a power-of-two size is always a node of the tree (the last, partial block too), so
the root over the block hashes, split the same way, is the root over all the leaves, and
a leaf's audit path is its path inside its block followed by the block's path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

BLOCK_SIZE = 1024
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(hashes: Sequence[bytes]) -> bytes:
    """The root over leaf (or aligned block) hashes, computed level by level.

    Pairing neighbours from the left and carrying an odd last node up unchanged gives
    exactly RFC 9162's tree shape.
    """
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def path(index: int, hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of ``hashes[index]``, from the leaf up (RFC 9162 §2.1.3.1 PATH)."""
    n = len(hashes)
    if not 0 <= index < n:
        raise IndexError(f"leaf {index} is not in a tree of {n}")
    proof: list[bytes] = []
    start, end = 0, n
    # Walk down from the root, collecting the sibling subtree of each step; reversed at
    # the end so the path runs from the leaf upwards.
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            proof.append(root(hashes[start + k : end]))
            end = start + k
        else:
            proof.append(root(hashes[start : start + k]))
            start += k
    proof.reverse()
    return proof


def blocks(hashes: Sequence[bytes]) -> list[bytes]:
    """The root of each BLOCK_SIZE run of leaf hashes (the last one may be shorter)."""
    return [root(hashes[i : i + BLOCK_SIZE]) for i in range(0, len(hashes), BLOCK_SIZE)]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` place ``leaf`` at ``index`` of the tree ``expected_root``?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root

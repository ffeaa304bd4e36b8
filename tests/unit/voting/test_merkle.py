"""RFC 9162 Merkle trees: hand-built small trees, the CT reference vectors, proofs, blocks."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandhub.voting import merkle
from brandhub.voting.merkle import leaf_hash, node_hash

# The leaves and roots of the Certificate Transparency test vectors (RFC 6962 = RFC 9162 §2.1).
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162's recursive definition, written out as in the RFC."""
    n = len(leaves)
    if n == 0:
        return sha(b"")
    if n == 1:
        return sha(b"\x00" + leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


L = [bytes([i]) * 3 for i in range(8)]
H = [sha(b"\x00" + leaf) for leaf in L]


def n(left: bytes, right: bytes) -> bytes:
    return sha(b"\x01" + left + right)


class TestHandBuiltTrees:
    def test_hashes_are_domain_separated(self) -> None:
        assert leaf_hash(b"abc") == sha(b"\x00abc")
        assert node_hash(b"a" * 32, b"b" * 32) == sha(b"\x01" + b"a" * 32 + b"b" * 32)
        assert merkle.root([]) == sha(b"")

    @pytest.mark.parametrize(
        ("size", "expected"),
        [
            (1, H[0]),
            (2, n(H[0], H[1])),
            (3, n(n(H[0], H[1]), H[2])),
            (5, n(n(n(H[0], H[1]), n(H[2], H[3])), H[4])),
            (7, n(n(n(H[0], H[1]), n(H[2], H[3])), n(n(H[4], H[5]), H[6]))),
        ],
    )
    def test_root(self, size: int, expected: bytes) -> None:
        assert merkle.root(H[:size]) == expected

    def test_paths_of_a_seven_leaf_tree(self) -> None:
        assert merkle.path(0, H[:7]) == [H[1], n(H[2], H[3]), n(n(H[4], H[5]), H[6])]
        assert merkle.path(6, H[:7]) == [n(H[4], H[5]), n(n(H[0], H[1]), n(H[2], H[3]))]
        assert merkle.path(4, H[:5]) == [n(n(H[0], H[1]), n(H[2], H[3]))]
        assert merkle.path(2, H[:3]) == [n(H[0], H[1])]
        assert merkle.path(0, H[:1]) == []

    def test_certificate_transparency_vectors(self) -> None:
        hashes = [leaf_hash(leaf) for leaf in CT_LEAVES]
        for size, expected in enumerate(CT_ROOTS, start=1):
            assert merkle.root(hashes[:size]).hex() == expected
        assert [p.hex() for p in merkle.path(0, hashes)] == [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]


class TestVerifyInclusion:
    def test_every_leaf_of_small_trees(self) -> None:
        for size in range(1, 9):
            root = merkle.root(H[:size])
            for index in range(size):
                proof = merkle.path(index, H[:size])
                assert merkle.verify_inclusion(index, size, H[index], proof, root)

    def test_wrong_index_size_leaf_or_proof_fails(self) -> None:
        root = merkle.root(H[:7])
        proof = merkle.path(3, H[:7])
        assert not merkle.verify_inclusion(2, 7, H[3], proof, root)
        assert not merkle.verify_inclusion(3, 4, H[3], proof, root)
        assert not merkle.verify_inclusion(3, 7, H[4], proof, root)
        assert not merkle.verify_inclusion(3, 7, H[3], proof[:-1], root)
        assert not merkle.verify_inclusion(3, 7, H[3], [*proof, H[0]], root)
        assert not merkle.verify_inclusion(7, 7, H[3], proof, root)
        assert not merkle.verify_inclusion(-1, 7, H[3], proof, root)


class TestProperties:
    @given(st.lists(st.binary(max_size=8), min_size=1, max_size=70), st.data())
    def test_root_is_rfc_shape_and_every_path_verifies(
        self, leaves: list[bytes], data: st.DataObject
    ) -> None:
        hashes = [leaf_hash(leaf) for leaf in leaves]
        root = merkle.root(hashes)
        assert root == mth(leaves)
        index = data.draw(st.integers(0, len(leaves) - 1))
        proof = merkle.path(index, hashes)
        assert merkle.verify_inclusion(index, len(leaves), hashes[index], proof, root)
        if proof:
            flip = data.draw(st.integers(0, len(proof) - 1))
            bad = [*proof]
            bad[flip] = sha(bad[flip])
            assert not merkle.verify_inclusion(index, len(leaves), hashes[index], bad, root)

    @settings(max_examples=25, deadline=None)
    @given(st.integers(1, 5 * merkle.BLOCK_SIZE + 7), st.data())
    def test_blocks_are_nodes_of_the_tree(self, size: int, data: st.DataObject) -> None:
        hashes = [sha(i.to_bytes(4, "big")) for i in range(size)]
        roots = merkle.blocks(hashes)
        assert merkle.root(roots) == merkle.root(hashes)
        index = data.draw(st.integers(0, size - 1))
        block, inner = divmod(index, merkle.BLOCK_SIZE)
        start = block * merkle.BLOCK_SIZE
        composed = merkle.path(inner, hashes[start : start + merkle.BLOCK_SIZE]) + merkle.path(
            block, roots
        )
        assert composed == merkle.path(index, hashes)

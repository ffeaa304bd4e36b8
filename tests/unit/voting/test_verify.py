"""The audit verifier on files built with the pure core: honest files pass, every single-byte
edit of an event, the result or the seal is caught, unreadable files are MALFORMED."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from brandhub.voting import audit, chain, seal
from brandhub.voting.audit import MalformedAudit
from brandhub.voting.canonical import b64url, timestamp
from brandhub.voting.replay import ChainReplay
from brandhub.voting.results import Count, result_document
from brandhub.voting.verify import verify

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
KID = seal.key_id(PUBLIC)
RULES = {
    "APPROVAL": {"method": "APPROVAL", "votesPerMember": 2},
    "SCORE": {"method": "SCORE", "scorePriorStrength": 2.5},
    "QUADRATIC": {"method": "QUADRATIC", "creditsPerMember": 9, "maxVoterShare": 0.6},
    "RANKED": {"method": "RANKED"},
}


def rules_document(overrides: dict[str, Any]) -> dict[str, Any]:
    rules = {
        "method": "APPROVAL",
        "weighting": "ROLE",
        "votesPerMember": None,
        "creditsPerMember": None,
        "quorum": 2,
        "supportThreshold": None,
        "minAccountAgeHours": 0,
        "maxVoterShare": None,
        "scorePriorStrength": 5.0,
        "weightQuantum": "1/1024",
    }
    return {**rules, **overrides}


def build_file(method: str, rng: random.Random, *, voters: int = 6, proposals: int = 4) -> str:
    """An honest audit file of a random campaign, built as the server builds one."""
    rules_doc = rules_document(RULES[method])
    candidates = [
        {
            "id": pid,
            "globalId": f"P{pid}",
            "title": f"Soup {pid}",
            "specDigest": "ab" * 32,
            "status": "WITHDRAWN" if pid == proposals else "ACTIVE",
            "firstRevisionAt": timestamp(T0 + timedelta(minutes=rng.randint(0, 2))),
        }
        for pid in range(1, proposals + 1)
    ]
    setup = {"campaign": {"id": "Q2FtcGFpZ246Nw", "pk": 7, "title": "Soups"}, "rules": rules_doc}
    setup["candidates"] = candidates
    header = audit.read_header(json.loads(audit.header_line(setup)))
    count = Count(header.rules, {c["id"]: c["firstRevisionAt"] for c in candidates[:-1]})
    events: list[tuple[str, str]] = []
    chains = []
    for voter in range(1, voters + 1):
        state = chain.ChainState(7, chain.pseudonym("server-secret", 7, voter))
        replay = ChainReplay(state.voter)
        for step in range(rng.randint(1, 4)):
            weight = rng.choice([1.0, 1.5, 2.0, 3.0])
            if method == "RANKED":
                body = chain.ballot_event(rng.sample(range(1, proposals + 1), 2), weight)
            elif step and rng.random() < 0.3:
                body = chain.reweight_event(weight)
            elif rng.random() < 0.2:
                body = chain.retract_event(rng.randint(1, proposals))
            else:
                value = {
                    "APPROVAL": 1,
                    "SCORE": rng.randint(0, 5),
                    "QUADRATIC": rng.choice([-2, 1, 3]),
                }
                body = chain.cast_event(rng.randint(1, proposals), value[method], weight)
            appended = chain.append(state, body, T0 + timedelta(seconds=voter * 10 + step))
            replay.apply(
                appended.payload,
                appended.prev_hash,
                appended.hash,
                campaign_id=7,
                voter=state.voter,
                where="",
            )
            state = appended.state
            events.append(
                (state.voter, audit.event_line(appended.payload, appended.prev_hash, appended.hash))
            )
        for proposal, (value, weight) in replay.votes.items():
            count.add_vote(state.voter, proposal, value, weight)
        if replay.ballot is not None:
            count.add_ballot(state.voter, *replay.ballot)
        chains.append((state.voter, state.seq, state.head))
    result = result_document(count.result()[0])
    tree = seal.build_tree(chains)
    statement = seal.statement(
        campaign="Q2FtcGFpZ246Nw",
        closed_at=T0 + timedelta(days=1),
        tree_size=tree.size,
        root=tree.root,
        setup=setup,
        result=result,
        key_id=KID,
    )
    signed = {"statement": statement, "signature": seal.sign(KEY, statement), "keyId": KID}
    signed["algorithm"] = "Ed25519"
    lines = [audit.header_line(setup), *(audit.candidate_line(c) for c in candidates)]
    lines += [text for _, text in sorted(events, key=lambda e: e[0])]
    lines += [audit.result_line(result), audit.seal_line(signed, b64url(PUBLIC))]
    return "".join(lines)


def run(text: str, **kwargs: Any):
    return verify(text.splitlines(keepends=True), **kwargs)


class TestHonestFiles:
    @pytest.mark.parametrize("method", list(RULES))
    def test_every_method_verifies(self, method: str) -> None:
        report = run(build_file(method, random.Random(method)))
        assert report.differences == []
        assert report.sealed and report.chains == 6 and report.key_id == KID

    def test_the_published_key_may_be_given_instead(self) -> None:
        text = build_file("APPROVAL", random.Random(1))
        assert run(text, keys={KID: PUBLIC}).ok
        other = Ed25519PrivateKey.generate().public_key()
        other_raw = other.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        refused = run(text, keys={"": other_raw})
        assert any("another" in d for d in refused.differences)
        assert any("signature does not verify" in d for d in refused.differences)

    def test_a_seal_held_elsewhere_must_match(self) -> None:
        text = build_file("SCORE", random.Random(2))
        held = json.loads(text.splitlines()[-1])
        assert run(text, expected_seal=held).ok
        forged = {**held, "statement": {**held["statement"], "root": "00" * 32}}
        assert any("not the seal given" in d for d in run(text, expected_seal=forged).differences)


def edits(text: str, rng: random.Random, kinds: tuple[str, ...], n: int) -> list[str]:
    """``n`` copies of the file, each with one byte of one line of ``kinds`` changed."""
    lines = text.splitlines(keepends=True)
    targets = [i for i, line in enumerate(lines) if json.loads(line)["kind"] in kinds]
    out = []
    for _ in range(n):
        i = rng.choice(targets)
        line = lines[i].encode()
        at = rng.randrange(len(line) - 1)  # not the newline
        new = rng.choice([b for b in range(32, 127) if b != line[at]])
        edited = line[:at] + bytes([new]) + line[at + 1 :]
        out.append("".join([*lines[:i], edited.decode(), *lines[i + 1 :]]))
    return out


class TestTampering:
    @settings(max_examples=30, deadline=None)
    @given(st.sampled_from(list(RULES)), st.integers(0, 10**6))
    def test_any_single_edited_byte_is_detected(self, method: str, seed: int) -> None:
        rng = random.Random(seed)
        text = build_file(method, rng)
        kinds = ("brandhub.audit", "candidate", "event", "result", "seal")
        for edited in edits(text, rng, kinds, 20):
            try:
                report = run(edited, keys={KID: PUBLIC} if rng.random() < 0.5 else None)
            except MalformedAudit:
                continue  # exit 2: detected
            assert not report.ok, edited

    def test_the_last_character_of_the_signature_cannot_hide_an_edit(self) -> None:
        text = build_file("APPROVAL", random.Random(3))
        lines = text.splitlines(keepends=True)
        value = json.loads(lines[-1])
        signature = value["signature"]
        # 64 bytes in 86 base64url characters: the last one carries 4 unused bits
        for c in "ABCDEFGH":
            if c != signature[-1]:
                value["signature"] = signature[:-1] + c
                lines[-1] = audit.line(value)
                assert not run("".join(lines)).ok

    def test_a_chain_left_out_changes_the_root(self) -> None:
        text = build_file("APPROVAL", random.Random(4))
        lines = text.splitlines(keepends=True)
        first_event = next(i for i, line in enumerate(lines) if '"kind":"event"' in line)
        voter = json.loads(lines[first_event])["payload"]["voter"]
        kept = [
            line
            for line in lines
            if '"kind":"event"' not in line or json.loads(line)["payload"]["voter"] != voter
        ]
        report = run("".join(kept))
        assert any("seal root" in d or "seal treeSize" in d for d in report.differences)


class TestMalformedFiles:
    @pytest.mark.parametrize(
        "text",
        [
            "",
            "not json\n",
            '{"kind":"something else"}\n',
            '{"kind":"brandhub.audit","version":1,"campaign":{"id":"x","pk":1},"rules":{}}\n',
        ],
    )
    def test_unreadable_files(self, text: str) -> None:
        with pytest.raises(MalformedAudit):
            run(text)

    def test_lines_out_of_place(self) -> None:
        lines = build_file("APPROVAL", random.Random(5)).splitlines(keepends=True)
        with pytest.raises(MalformedAudit):
            run("".join([lines[0], lines[-1], *lines[1:-1]]))

    def test_a_file_without_seal_is_refused_unless_allowed(self) -> None:
        lines = build_file("APPROVAL", random.Random(6)).splitlines(keepends=True)
        unsealed = "".join(lines[:-2])
        assert any("no signed seal" in d for d in run(unsealed).differences)
        assert run(unsealed, allow_unsealed=True).ok

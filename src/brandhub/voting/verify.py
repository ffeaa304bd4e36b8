"""Verifying an audit file with no database and no secret (``brandhub verify``).

Every chain link, the Merkle root against the signed statement, the statement's signature,
the digests of setup and result, and a replay of the count with the same pure functions
the server uses, compared with the stored result; for a ladder campaign, every recorded
stage crossing against the support the chains held at its time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from brandhub.ladder.crossings import CrossingCheck
from brandhub.voting import audit, scoring, seal
from brandhub.voting.audit import MalformedAudit
from brandhub.voting.canonical import b64url, digest, from_b64url, parse_timestamp
from brandhub.voting.replay import ChainReplay
from brandhub.voting.results import Count, ranking_rows

EVENT_VERSION = 2


@dataclass
class Verification:
    """What the verifier found; ``ok`` when nothing differs."""

    campaign: str = ""
    events: int = 0
    chains: int = 0
    root: str = ""
    key_id: str = ""
    key_source: str = ""
    sealed: bool = False
    crossings: int = 0  # a ladder's recorded stage crossings, each checked
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


class _Chains:
    """Replays chains as they stream by (contiguous, ascending pseudonyms) into the count
    and the tree; memory stays O(proposals + chains / BLOCK_SIZE)."""

    def __init__(
        self,
        header: audit.Header,
        count: Count,
        report: Verification,
        crossings: CrossingCheck | None = None,
    ) -> None:
        self.header, self.count, self.report = header, count, report
        self.tree = seal.TreeBuilder()
        self.current: ChainReplay | None = None
        self.crossings = crossings
        self.log: list[tuple[datetime, dict[str, Any]]] = []  # what the crossings need

    def add(self, value: dict[str, Any], number: int) -> None:
        payload = value.get("payload")
        voter = payload.get("voter") if isinstance(payload, dict) else None
        if not isinstance(voter, str) or not voter:
            self.report.differences.append(f"line {number}: the event names no pseudonym")
            return
        if self.current is None or voter != self.current.voter:
            self.finish()
            if self.tree.last is not None and voter <= self.tree.last:
                self.report.differences.append(
                    f"line {number}: chain {voter} is out of pseudonym order or split"
                )
            self.current = ChainReplay(voter)
        if isinstance(payload, dict) and payload.get("v") != EVENT_VERSION:
            self.report.differences.append(f"line {number}: event version is not 2")
        self.report.events += 1
        if self.crossings is not None and isinstance(payload, dict):
            self._keep_for_crossings(payload, number)
        self.report.differences.extend(
            self.current.apply(
                payload,
                value.get("prev"),
                value.get("hash"),
                campaign_id=self.header.campaign_pk,
                voter=voter,
                where=f"line {number} (chain {voter}, seq {payload.get('seq')})",
            )
        )

    def _keep_for_crossings(self, payload: dict[str, Any], number: int) -> None:
        assert self.crossings is not None
        kind = payload.get("type")
        if kind == "vote.reweighted" or (
            kind in ("vote.cast", "vote.retracted")
            and self.crossings.wants(payload.get("proposal"))
        ):
            try:
                self.log.append((parse_timestamp(payload.get("at")), payload))  # type: ignore[arg-type]
            except ValueError:
                self.report.differences.append(f"line {number}: the event's time is unreadable")

    def finish(self) -> None:
        log, self.current = self.current, None
        if self.crossings is not None and self.log:
            self.crossings.add_chain(self.log)
        self.log = []
        if log is None:
            return
        for proposal, (value, weight) in log.votes.items():
            self.count.add_vote(log.voter, proposal, value, weight)
        if log.ballot is not None:
            self.count.add_ballot(log.voter, *log.ballot)
        if self.tree.last is None or str(log.voter) > self.tree.last:
            self.tree.add(str(log.voter), log.seq, log.head)
        self.report.chains += 1


def _key_for(
    kid: str, file_key: object, keys: Mapping[str, bytes] | None, report: Verification
) -> bytes | None:
    if keys is not None:
        report.key_source = "the key given"
        key = keys.get(kid) or (keys[""] if len(keys) == 1 and "" in keys else None)
        if key is None:
            report.differences.append(f"the keys given do not include {kid}")
            return None
        if seal.key_id(key) != kid:
            report.differences.append(f"the seal names key {kid}, the key given is another")
        if file_key is not None and file_key != b64url(key):
            report.differences.append("the file's public key is not the key given")
        return key
    report.key_source = "the key in the file"
    try:
        key = from_b64url(file_key, length=32)  # type: ignore[arg-type]
    except ValueError:
        report.differences.append("the file carries no usable public key; pass --key")
        return None
    if seal.key_id(key) != kid:
        report.differences.append(f"the file's public key is not key {kid}")
    return key


def _check_seal(
    value: dict[str, Any],
    *,
    header: audit.Header,
    setup: dict[str, Any],
    result: dict[str, Any] | None,
    tree: seal.Tree,
    keys: Mapping[str, bytes] | None,
    expected: dict[str, Any] | None,
    report: Verification,
) -> None:
    statement, signature = value.get("statement"), value.get("signature")
    if not isinstance(statement, dict) or not isinstance(signature, str):
        raise MalformedAudit("the seal line has no statement or signature")
    report.sealed = True
    report.root = tree.root
    kid = statement.get("keyId")
    report.key_id = str(kid)
    checks = {
        "kind": seal.STATEMENT_KIND,
        "version": seal.STATEMENT_VERSION,
        "campaign": header.campaign.get("id"),
        "treeSize": tree.size,
        "root": tree.root,
        "setup": digest(setup),
        "result": digest(result) if result is not None else None,
    }
    for name, computed in checks.items():
        if statement.get(name) != computed:
            report.differences.append(
                f"seal {name}: signed {statement.get(name)!r}, the file gives {computed!r}"
            )
    if value.get("keyId") != kid:
        report.differences.append("the seal line's keyId differs from the signed keyId")
    if value.get("algorithm") != seal.ALGORITHM:
        report.differences.append(
            f"the seal's algorithm is {value.get('algorithm')!r}, not Ed25519"
        )
    key = _key_for(str(kid), value.get("publicKey"), keys, report)
    if key is not None and not seal.signature_holds(key, statement, signature):
        report.differences.append(f"the seal's signature does not verify with key {kid}")
    if expected is not None and (
        expected.get("statement") != statement or expected.get("signature") != signature
    ):
        report.differences.append(
            "the file's seal is not the seal given (--seal): root "
            f"{statement.get('root')} here, {(expected.get('statement') or {}).get('root')} there"
        )


def _check_result(result: dict[str, Any], count: Count, report: Verification) -> None:
    recounted, _ = count.result()
    expected = {
        "winner": recounted.winner,
        "voters": recounted.voters,
        "quorumMet": recounted.quorum_met,
        "ranking": ranking_rows(recounted),
    }
    for name, value in expected.items():
        if result.get(name) != value:
            report.differences.append(
                f"result {name}: stored {result.get(name)!r}, recount {value!r}"
            )


def verify(
    lines: Iterable[str | bytes],
    *,
    keys: Mapping[str, bytes] | None = None,
    expected_seal: dict[str, Any] | None = None,
    allow_unsealed: bool = False,
) -> Verification:
    """Check an audit file; MalformedAudit when it cannot be read as one.

    ``keys``: published keys by key id (or {"": key} for one key) instead of the key the
    file carries. ``expected_seal``: a seal received elsewhere (a partner's handoff webhook)
    that the file must carry unchanged.
    """
    report = Verification()
    numbered = enumerate((text for text in lines if text.strip()), start=1)
    first = next(numbered, None)
    if first is None:
        raise MalformedAudit("the file is empty")
    header = audit.read_header(audit.parse(first[1], 1))
    report.campaign = str(header.campaign.get("id"))
    candidates: list[dict[str, Any]] = []
    chains: _Chains | None = None
    crossings: CrossingCheck | None = None
    ladder_value: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    seal_value: dict[str, Any] | None = None
    for number, text in numbered:
        value = audit.parse(text, number)
        kind = value["kind"]
        if seal_value is not None:
            raise MalformedAudit(f"line {number}: nothing may follow the seal")
        if kind == "candidate" and chains is None and crossings is None and result is None:
            candidates.append(audit.read_candidate(value, number))
        elif kind == "ladder" and chains is None and crossings is None and result is None:
            ladder, recorded = audit.read_ladder(value, number)
            ladder_value = value
            crossings = CrossingCheck(ladder, recorded, scoring.voter_share(header.rules))
            known = {c["id"] for c in candidates}
            for crossing in recorded:
                if crossing.proposal not in known:
                    report.differences.append(
                        f"line {number}: a crossing names proposal {crossing.proposal}, "
                        "not a candidate"
                    )
        elif kind == "event" and result is None:
            audit.members(value, "event", number)
            if chains is None:
                counted = {
                    c["id"]: c["firstRevisionAt"]
                    for c in candidates
                    if c["status"] in audit.COUNTED
                }
                chains = _Chains(header, Count(header.rules, counted), report, crossings)
            chains.add(value, number)
        elif kind == "result" and result is None:
            result = audit.members(value, "result", number).get("result")
            if not isinstance(result, dict):
                raise MalformedAudit(f"line {number}: the result is not an object")
        elif kind == "seal":
            seal_value = audit.members(value, "seal", number)
        else:
            raise MalformedAudit(f"line {number}: unexpected {kind!r} line here")
    if chains is None:
        counted = {
            c["id"]: c["firstRevisionAt"] for c in candidates if c["status"] in audit.COUNTED
        }
        chains = _Chains(header, Count(header.rules, counted), report, crossings)
    chains.finish()
    if crossings is not None:
        report.crossings = len(crossings.crossings)
        report.differences.extend(crossings.problems())
    if result is not None:
        _check_result(result, chains.count, report)
    tree = chains.tree.tree()
    if seal_value is None:
        if not allow_unsealed:
            report.differences.append("the file has no signed seal (is the campaign closed?)")
        return report
    _check_seal(
        seal_value,
        header=header,
        setup=audit.setup_of(header, candidates, ladder_value),
        result=result,
        tree=tree,
        keys=keys,
        expected=expected_seal,
        report=report,
    )
    return report

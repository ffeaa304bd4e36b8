"""The audit file: one RFC 8785 JSON object per line (NDJSON), described in
docs/audit-format.md. Pure: building lines, and reading them back into typed parts.

Lines, in this order: the header (campaign and rules), one line per candidate, for a ladder
campaign its stages and recorded stage crossings, every event exactly as hashed (chains in
ascending pseudonym order, each chain in seq order), then, once the campaign is closed, the
stored result and the signed seal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from brandhub.ladder.crossings import Crossing
from brandhub.ladder.rules import Ladder, Stage
from brandhub.voting.canonical import canonical, parse_timestamp
from brandhub.voting.methods import InvalidVotingRules, VotingRules

FORMAT = "brandhub.audit"
VERSION = 1
COUNTED = ("ACTIVE", "SHORTLISTED", "WINNER")


# The members of each line, exactly: anything missing or extra makes the file malformed.
MEMBERS = {
    FORMAT: {"kind", "version", "campaign", "rules"},
    "campaign": {"id", "pk", "title"},
    "rules": {
        "method",
        "weighting",
        "votesPerMember",
        "creditsPerMember",
        "quorum",
        "supportThreshold",
        "minAccountAgeHours",
        "maxVoterShare",
        "scorePriorStrength",
        "weightQuantum",
    },
    "candidate": {"kind", "id", "globalId", "title", "specDigest", "status", "firstRevisionAt"},
    "ladder": {"kind", "initialDays", "stages", "crossings"},
    "stage": {"supporters", "extensionDays"},
    "crossing": {"proposal", "stage", "at"},
    "event": {"kind", "payload", "prev", "hash"},
    "result": {"kind", "result"},
    "seal": {"kind", "statement", "signature", "keyId", "algorithm", "publicKey"},
}


class MalformedAudit(Exception):
    """The file is not an audit file of this format (exit 2 of ``brandhub verify``)."""


def members(value: dict[str, Any], kind: str, number: int) -> dict[str, Any]:
    """``value`` if it has exactly the members of ``kind``; MalformedAudit otherwise."""
    if set(value) != MEMBERS[kind]:
        odd = sorted(set(value) ^ MEMBERS[kind])
        raise MalformedAudit(f"line {number}: {kind} members missing or unknown: {odd}")
    return value


def line(value: dict[str, Any]) -> str:
    """One line of the file: canonical JSON and a newline."""
    return canonical(value).decode() + "\n"


def header_line(setup: dict[str, Any]) -> str:
    """The first line: format, version, campaign and rules."""
    return line(
        {"kind": FORMAT, "version": VERSION, "campaign": setup["campaign"], "rules": setup["rules"]}
    )


def candidate_line(candidate: dict[str, Any]) -> str:
    """A proposal of the campaign, counted or not (its status says)."""
    return line({"kind": "candidate", **candidate})


def ladder_line(ladder: dict[str, Any]) -> str:
    """A ladder campaign's stages and every stage crossing recorded (proposal, stage, time),
    as the setup document holds them."""
    return line({"kind": "ladder", **ladder})


def event_line(payload: dict[str, Any], prev_hash: str, hash_: str) -> str:
    """An event exactly as hashed: hash = SHA-256(prev ‖ RFC 8785 bytes of payload)."""
    return line({"kind": "event", "payload": payload, "prev": prev_hash, "hash": hash_})


def result_line(result: dict[str, Any]) -> str:
    """The stored result, as its digest was signed."""
    return line({"kind": "result", "result": result})


def seal_line(signed: dict[str, Any], public_key: str | None) -> str:
    """The signed statement, its signature and key id, and the public key for convenience."""
    return line({"kind": "seal", **signed, "publicKey": public_key})


def parse(text: str | bytes, number: int) -> dict[str, Any]:
    """One line as a JSON object with a ``kind``; MalformedAudit otherwise."""
    try:
        value = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedAudit(f"line {number}: not JSON ({error})") from None
    if not isinstance(value, dict) or not isinstance(value.get("kind"), str):
        raise MalformedAudit(f"line {number}: not a JSON object with a kind")
    return value


def _need(value: dict[str, Any], name: str, kind: type | tuple[type, ...], number: int) -> Any:
    found = value.get(name)
    if not isinstance(found, kind) or (isinstance(found, bool) and kind is not bool):
        raise MalformedAudit(f"line {number}: {name} is missing or of the wrong type")
    return found


@dataclass(frozen=True)
class Header:
    """The campaign and the rules its count follows."""

    campaign: dict[str, Any]
    rules_document: dict[str, Any]
    rules: VotingRules

    @property
    def campaign_pk(self) -> int:
        return int(self.campaign["pk"])


def read_header(value: dict[str, Any]) -> Header:
    """The header line, checked."""
    if value.get("kind") != FORMAT or value.get("version") != VERSION:
        raise MalformedAudit(f"line 1: not a {FORMAT} file of version {VERSION}")
    members(value, FORMAT, 1)
    campaign = members(_need(value, "campaign", dict, 1), "campaign", 1)
    _need(campaign, "id", str, 1)
    _need(campaign, "pk", int, 1)
    rules = members(_need(value, "rules", dict, 1), "rules", 1)
    try:
        parsed = VotingRules(
            method=rules["method"],
            weighting=rules["weighting"],
            votes_per_member=rules["votesPerMember"],
            credits_per_member=rules["creditsPerMember"],
            quorum=rules["quorum"],
            support_threshold=rules["supportThreshold"],
            min_account_age_hours=rules["minAccountAgeHours"],
            max_voter_share=rules["maxVoterShare"],
            score_prior_strength=rules["scorePriorStrength"],
        )
    except (KeyError, TypeError, InvalidVotingRules) as error:
        raise MalformedAudit(f"line 1: the rules cannot be read ({error})") from None
    return Header(campaign, rules, parsed)


def read_candidate(value: dict[str, Any], number: int) -> dict[str, Any]:
    """A candidate line, checked; returned without its ``kind``."""
    members(value, "candidate", number)
    _need(value, "id", int, number)
    _need(value, "status", str, number)
    _need(value, "firstRevisionAt", str, number)
    return {k: v for k, v in value.items() if k != "kind"}


def read_ladder(value: dict[str, Any], number: int) -> tuple[Ladder, list[Crossing]]:
    """The ladder line, checked (``setup_of`` takes it as it is)."""
    members(value, "ladder", number)
    initial_days = _need(value, "initialDays", int, number)
    stages = []
    for stage in _need(value, "stages", list, number):
        if not isinstance(stage, dict):
            raise MalformedAudit(f"line {number}: a stage is not an object")
        members(stage, "stage", number)
        extension = stage["extensionDays"]
        if extension is not None:
            _need(stage, "extensionDays", int, number)
        stages.append(Stage(_need(stage, "supporters", int, number), extension))
    crossings = []
    for crossing in _need(value, "crossings", list, number):
        if not isinstance(crossing, dict):
            raise MalformedAudit(f"line {number}: a crossing is not an object")
        members(crossing, "crossing", number)
        try:
            at = parse_timestamp(crossing["at"])
        except ValueError as error:
            raise MalformedAudit(f"line {number}: {error}") from None
        crossings.append(
            Crossing(
                _need(crossing, "proposal", int, number), _need(crossing, "stage", int, number), at
            )
        )
    return Ladder(initial_days, tuple(stages)), crossings


def setup_of(
    header: Header, candidates: list[dict[str, Any]], ladder: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The setup document whose digest the seal signs (with a ladder line, its ladder)."""
    setup = {"campaign": header.campaign, "rules": header.rules_document, "candidates": candidates}
    if ladder is not None:
        setup["ladder"] = {k: v for k, v in ladder.items() if k != "kind"}
    return setup

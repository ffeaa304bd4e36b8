"""Replaying one voter's chain: check each link and fold the events into their final votes.

Pure: the database recount and the file verifier both feed events through ``ChainReplay``,
so a chain means the same thing to both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from brandhub.voting import chain
from brandhub.voting.canonical import is_hex_digest
from brandhub.voting.scoring import quanta

EVENT_TYPES = ("vote.cast", "vote.retracted", "ballot.cast", "vote.reweighted")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _weight_problem(weight: object) -> str | None:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        return "weight is not a number"
    try:
        quanta(float(weight))
    except ValueError as error:
        return str(error)
    return None


def event_problem(payload: object) -> str | None:
    """Why a payload is not a well-formed event, or None."""
    if not isinstance(payload, dict):
        return "payload is not an object"
    kind = payload.get("type")
    if kind not in EVENT_TYPES:
        return f"unknown event type {kind!r}"
    if not _is_int(payload.get("seq")) or not _is_int(payload.get("campaign")):
        return "seq and campaign must be integers"
    if kind in ("vote.cast", "vote.retracted") and not _is_int(payload.get("proposal")):
        return "proposal must be an integer"
    if kind == "vote.cast" and not _is_int(payload.get("value")):
        return "value must be an integer"
    if kind == "ballot.cast":
        ranking = payload.get("ranking")
        if not isinstance(ranking, list) or not all(_is_int(p) for p in ranking):
            return "ranking must be a list of proposal ids"
        if len(set(ranking)) != len(ranking):
            return "ranking names a proposal twice"
    if kind in ("vote.cast", "ballot.cast", "vote.reweighted"):
        return _weight_problem(payload.get("weight"))
    return None


@dataclass
class ChainReplay:
    """One voter's chain, replayed: its head and their final votes or ballot."""

    voter: int | str
    seq: int = 0
    head: str = chain.GENESIS
    votes: dict[int, tuple[int, float]] = field(default_factory=dict)
    ballot: tuple[list[int], float] | None = None

    def apply(
        self,
        payload: Any,
        prev_hash: Any,
        hash_: Any,
        *,
        campaign_id: int,
        voter: int | str,
        where: str,
    ) -> list[str]:
        """Check one event against the chain so far, then fold it in; returns the problems.

        ``voter`` is what the payload must name: the pseudonym (events since 0007, "v": 2)
        or, for older events, the member's id.
        """
        problems: list[str] = []
        if not (is_hex_digest(prev_hash) and is_hex_digest(hash_)):
            return [f"{where}: prev and hash must be 64 lowercase hex digits"]
        seq = payload.get("seq") if isinstance(payload, dict) else None
        if seq != self.seq + 1:
            problems.append(f"{where}: expected seq {self.seq + 1}, found {seq!r}")
        if prev_hash != self.head:
            problems.append(f"{where}: prev_hash does not match the chain")
        if chain.link(prev_hash, payload if isinstance(payload, dict) else {}) != hash_:
            problems.append(f"{where}: hash does not match its content")
        self.seq = seq if _is_int(seq) else self.seq + 1
        self.head = hash_
        problem = event_problem(payload)
        if problem is not None:
            return [*problems, f"{where}: {problem}"]
        if payload["campaign"] != campaign_id:
            problems.append(f"{where}: payload names campaign {payload['campaign']}")
        if payload.get("voter") != voter:
            problems.append(f"{where}: payload names another voter")
        self._fold(payload)
        return problems

    def _fold(self, payload: dict[str, Any]) -> None:
        match payload["type"]:
            case "vote.cast":
                self.votes[payload["proposal"]] = (payload["value"], payload["weight"])
            case "vote.retracted":
                self.votes.pop(payload["proposal"], None)
            case "ballot.cast":
                ranking = payload["ranking"]
                self.ballot = (list(ranking), payload["weight"]) if ranking else None
            case "vote.reweighted":
                weight = payload["weight"]
                self.votes = {pid: (value, weight) for pid, (value, _) in self.votes.items()}
                if self.ballot is not None:
                    self.ballot = (self.ballot[0], weight)

"""GraphQL types of tallies, standings, results, a viewer's votes and velocity flags."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from brandhub.schema.context import Context
from brandhub.voting import scoring
from brandhub.voting.canonical import canonical, parse_timestamp
from brandhub.voting.chain import Receipt
from brandhub.voting.methods import Tally

if TYPE_CHECKING:
    from brandhub.schema.community.types import ProposalType

Proposal = Annotated["ProposalType", strawberry.lazy("brandhub.schema.community.types")]


async def _proposal(info: Info[Context, None], pk: int) -> ProposalType | None:
    from brandhub.schema.community.types import visible_proposal

    return await visible_proposal(info, pk)


@strawberry.type(name="Tally", description="Live totals of a proposal, kept incrementally.")
class TallyType:
    voters: int = strawberry.field(description="Distinct voters counted (weight above 0).")
    pending: int = strawberry.field(description="Voters whose accounts are too young to count yet.")
    score: float
    weight_sum: float

    @classmethod
    def of(cls, tally: Tally, score: Fraction) -> TallyType:
        return cls(
            voters=tally.voters,
            pending=tally.pending,
            score=float(score),
            weight_sum=tally.weight_sum,
        )


async def tally_of(info: Info[Context, None], proposal_id: int) -> TallyType:
    """A proposal's live tally and score (as the leaderboard ranks it), through the loaders."""
    proposal = await info.context.loaders.proposal.load(proposal_id)
    tally = await info.context.loaders.tally.load(proposal_id)
    board = await info.context.loaders.board.load(proposal.campaign_id)
    return TallyType.of(tally, board.score_of(proposal_id, tally) if board else Fraction(0))


@strawberry.type(
    name="RankedProposal",
    description="A place in the live board or the result. Scores are counted exactly; "
    "score is their nearest float, exactScore the exact value.",
)
class RankedProposalType:
    rank: int
    score: float
    exact_score: str = strawberry.field(
        description='The exact score: an integer or a fraction in lowest terms ("15/8").'
    )
    tied: bool = strawberry.field(
        description="True when another proposal has exactly the same score: the place was "
        "decided by the campaign's tie-break (VotingRules.tieBreak)."
    )
    proposal_id: strawberry.Private[int]
    tally_row: strawberry.Private[Tally | None] = None

    @classmethod
    def of(
        cls, rank: int, proposal_id: int, score: Fraction, tied: bool, tally: Tally | None = None
    ) -> RankedProposalType:
        return cls(
            rank=rank,
            score=float(score),
            exact_score=scoring.text(score),
            tied=tied,
            proposal_id=proposal_id,
            tally_row=tally,
        )

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.proposal_id)

    @strawberry.field(description="Live tally (leaderboard only).")
    def tally(self) -> TallyType | None:
        if not self.tally_row:
            return None
        return TallyType.of(self.tally_row, scoring.parse(self.exact_score))


@strawberry.type(
    name="VoteReceipt",
    description="Returned by every vote change: keep it. After close, viewerReceipt proves "
    "the chain it belongs to is in the signed seal.",
)
class VoteReceiptType:
    voter: str = strawberry.field(
        description="Your pseudonym in this campaign (a keyed HMAC: names you in the audit file)."
    )
    seq: int = strawberry.field(description="The event's number in your chain (1, 2, 3…).")
    event_hash: str = strawberry.field(
        description="SHA-256 (hex) of the event, chained after your previous one."
    )

    @classmethod
    def of(cls, receipt: Receipt) -> VoteReceiptType:
        return cls(voter=receipt.voter, seq=receipt.seq, event_hash=receipt.hash)


@strawberry.type(
    name="SignedSeal",
    description="The Ed25519-signed statement of a closed campaign: the Merkle root over "
    "every voter chain's head, and the digests of its rules/candidates and result. Check "
    "signature over the UTF-8 bytes of statement with the key keyId of "
    "/.well-known/brandhub-keys.json (docs/audit-format.md).",
)
class SignedSealType:
    statement: str = strawberry.field(
        description="The signed bytes: RFC 8785 JSON of the statement (parse it for its fields)."
    )
    signature: str = strawberry.field(description="Ed25519 signature, base64url without padding.")
    key_id: str = strawberry.field(description="RFC 7638 thumbprint of the signing key.")
    algorithm: str
    root: str = strawberry.field(description="The Merkle tree head (hex), as signed.")
    tree_size: int = strawberry.field(description="Voter chains in the tree, as signed.")
    closed_at: datetime
    result_digest: str = strawberry.field(description="SHA-256 of the stored result, as signed.")
    setup_digest: str = strawberry.field(
        description="SHA-256 of the campaign, rules and candidates, as signed."
    )

    @classmethod
    def of(cls, signed: dict[str, Any]) -> SignedSealType:
        statement = signed["statement"]
        return cls(
            statement=canonical(statement).decode(),
            signature=signed["signature"],
            key_id=signed["keyId"],
            algorithm=signed["algorithm"],
            root=statement["root"],
            tree_size=statement["treeSize"],
            closed_at=parse_timestamp(statement["closedAt"]),
            result_digest=statement["result"],
            setup_digest=statement["setup"],
        )


@strawberry.type(
    name="VoterReceipt",
    description="The viewer's chain in a campaign and, once CLOSED, the proof it is sealed: "
    "leaf = RFC 8785 JSON {head, seq, voter}; SHA-256(0x00 ‖ leaf), then proof per "
    "RFC 9162 §2.1.3.2 up to seal.root.",
)
class VoterReceiptType:
    voter: str = strawberry.field(description="Your pseudonym in this campaign.")
    seq: int = strawberry.field(description="Events in your chain.")
    head: str = strawberry.field(description="Your chain head: the hash of your last event.")
    leaf_index: int | None = strawberry.field(description="Your leaf's index in the sealed tree.")
    tree_size: int | None
    proof: list[str] | None = strawberry.field(
        description="RFC 9162 inclusion proof: sibling hashes (hex), leaf to root."
    )
    seal: SignedSealType | None


@strawberry.type(name="Results", description="The outcome stored when the campaign closed.")
class ResultsType:
    voters: int
    quorum_met: bool
    ranking: list[RankedProposalType]
    seal: str = strawberry.field(
        description="The Merkle root over every voter chain's head (signedSeal signs it)."
    )
    signed_seal: SignedSealType | None = strawberry.field(
        description="The signed seal; null for campaigns closed before seals were signed."
    )
    audit_url: str | None = strawberry.field(
        description="Path of the public audit file (NDJSON, docs/audit-format.md), checked by "
        "`brandhub verify FILE`; null without a signed seal. A campaign whose log still holds "
        "events from before pseudonymous chains answers 409 there."
    )
    computed_at: datetime
    winner_id: strawberry.Private[int | None]

    @strawberry.field
    async def winner(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.winner_id) if self.winner_id else None


@strawberry.type(name="ViewerVote", description="One of the viewer's own votes.")
class ViewerVoteType:
    value: int
    weight: float
    pending: bool
    cast_at: datetime
    proposal_id: strawberry.Private[int]

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.proposal_id)


@strawberry.type(name="Vote")
class VoteType:
    value: int
    weight: float
    pending: bool = strawberry.field(description="True while the account is too young to count.")


@strawberry.type(name="Ballot")
class BallotType:
    weight: float
    pending: bool
    cast_at: datetime
    proposal_ids: strawberry.Private[list[int]]

    @strawberry.field(description="The proposals in order of preference.")
    async def ranking(self, info: Info[Context, None]) -> list[Proposal]:
        found = [await _proposal(info, pk) for pk in self.proposal_ids]
        return [p for p in found if p is not None]


@strawberry.type(name="VelocityFlag", description="A burst of votes from new accounts.")
class VelocityFlagType:
    new_account_votes: int
    window_start: datetime
    raised_at: datetime
    proposal_id: strawberry.Private[int]

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.proposal_id)

"""The set-based path of castVote inside a group-commit batch.

Per batch, on the writer's driver connection: one read for the targets (proposals with
their campaigns) and the voters' memberships, one multi-row statement that creates or locks
every chain head, one read of the voters' votes on the targets and their totals. The rules
of ``voting.service.cast_vote`` are then applied in pure Python, each voter's votes in
arrival order, so every change's domain error is known before anything is written (no
savepoints); the rows (votes, events, chain heads) are written with the batch's counters by
``write``: one statement on PostgreSQL. The event hash chain is built by the same
``chain.append`` as the single path: the bytes hashed are identical.

What this path does not decide is left to the per-change path (``writer.apply_change``):
voters whose weight needs a read (REPUTATION, PLEDGE), new accounts (the velocity guard
counts other voters' recent votes), chains begun before migration 0007 (no pseudonym yet),
a weight the rules cannot give (a role without a configured weight), and every change of a
voter who also retracts or casts a ballot in the batch.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import JSON, update
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.columns import UTCDateTime
from brandhub.community.models import Campaign, Proposal, ProposalStatus
from brandhub.errors import DomainError, NotFound
from brandhub.voting import chain, counters, methods, scoring, service
from brandhub.voting.chain import ChainState, Receipt
from brandhub.voting.driver import Driver, Postgres, driver_of
from brandhub.voting.errors import BudgetExceededError, InvalidVote
from brandhub.voting.methods import Tally, VotingMethod
from brandhub.voting.models import Vote
from brandhub.voting.service import VoteResult
from brandhub.voting.weights import VoterWeight, WeightingPolicy, voter_weight

# Weightings whose weight needs a read per voter: the per-change path computes them.
_READ_WEIGHTS = (WeightingPolicy.REPUTATION, WeightingPolicy.PLEDGE)

# The batch's own statements, run on the writer's driver connection (``voting.driver``).

# The columns of a target read: a proposal's and its campaign's, but their specs.
_PROPOSAL = tuple(c.name for c in Proposal.__table__.columns if c.name != "spec")
_CAMPAIGN = tuple(c.name for c in Campaign.__table__.columns if c.name != "spec_schema")
_FIRST = ("id", "campaign_id", "status")  # a proposal's first columns, in a role's place

# The targets (each proposal with its campaign), tagged 0, and, tagged 1, the voters'
# memberships of the targets' brands in the first three columns (brand, member, role).
# One statement (a UNION ALL: its columns' types agree on both databases).
TARGETS_AND_ROLES = (
    "SELECT 0, "
    + ", ".join(f"p.{c}" for c in (*_FIRST, *(c for c in _PROPOSAL if c not in _FIRST)))
    + ", "
    + ", ".join(f"c.{c}" for c in _CAMPAIGN)
    + " FROM proposal p JOIN campaign c ON c.id = p.campaign_id WHERE p.id = ANY($1)"
    " UNION ALL SELECT 1, m.brand_id, m.member_id, m.role"
    + ", NULL"
    * (len(_PROPOSAL) - len(_FIRST) + len(_CAMPAIGN))
    + " FROM membership m WHERE m.member_id = ANY($2) AND m.brand_id IN"
    " (SELECT c.brand_id FROM proposal p JOIN campaign c ON c.id = p.campaign_id"
    " WHERE p.id = ANY($1))"
)

# Creates or locks every chain head of the batch (in key order), keeping the existing
# pseudonym (an empty one, a chain begun before migration 0007, is named by the per-change
# path).
LOCK_CHAINS = (
    "INSERT INTO voter_chain (campaign_id, voter_id, pseudonym, seq, head)"
    " SELECT c0, c1, c2, 0, $4 FROM ROWS($1: int, $2: int, $3: text) WHERE true"
    " ON CONFLICT (campaign_id, voter_id) DO UPDATE SET seq = voter_chain.seq"
    " RETURNING campaign_id, voter_id, seq, head, pseudonym"
)

# The stored votes on the batch's targets (campaign, voter, proposal), tagged 0, and, tagged
# 1, what the budget and the campaign's voter count need of all the voters' votes: per
# (campaign, voter) how many, the sum of their values' squares, how many have a weight.
# One statement (a UNION ALL: its columns' types agree on both databases).
VOTES_AND_TOTALS = (
    "SELECT 0, v.campaign_id, v.voter_id, v.proposal_id, v.value, v.weight, v.pending,"
    " v.cast_at FROM ROWS($1: int, $2: int, $3: int)"
    " JOIN vote v ON v.campaign_id = t.c0 AND v.voter_id = t.c1 AND v.proposal_id = t.c2"
    " UNION ALL"
    " SELECT 1, campaign_id, voter_id, count(*), sum(value * value),"
    " sum(CASE WHEN weight > 0 THEN 1 ELSE 0 END), NULL, NULL FROM vote"
    " WHERE campaign_id = ANY($4) AND voter_id = ANY($5) GROUP BY campaign_id, voter_id"
)

UPSERT_VOTE = (
    "INSERT INTO vote (campaign_id, voter_id, proposal_id, value, weight, pending, cast_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (campaign_id, voter_id, proposal_id) DO UPDATE SET value = excluded.value,"
    " weight = excluded.weight, pending = excluded.pending, cast_at = excluded.cast_at"
)

INSERT_EVENT = (
    "INSERT INTO vote_event (campaign_id, voter_id, seq, payload, prev_hash, hash, at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
)

ADVANCE_CHAIN = (
    "UPDATE voter_chain SET seq = $3, head = $4 WHERE campaign_id = $1 AND voter_id = $2"
)

TALLIES = (
    "SELECT proposal_id, sum(voters), sum(pending), sum(weight_sum), sum(value_sum)"
    " FROM tally_slot WHERE proposal_id = ANY($1) GROUP BY proposal_id"
)

DROP_EMPTY_CHAIN = "DELETE FROM voter_chain WHERE campaign_id = $1 AND voter_id = $2 AND seq = 0"


# On PostgreSQL the batch's writes — the set-based path's rows and every counter the batch
# moved — are one statement of data-modifying CTEs over ``unnest`` (one array per column),
# each table's rows in the order ``executemany`` sent them; an empty array writes nothing.
# The parts touch different tables or rows (a chain advanced was never empty), so none
# needs to see another's effect.
WRITE_ALL = (
    "WITH votes AS ("
    "INSERT INTO vote (campaign_id, voter_id, proposal_id, value, weight, pending, cast_at)"
    " SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::float8[],"
    " $6::bool[], $7::timestamptz[])"
    " ON CONFLICT (campaign_id, voter_id, proposal_id) DO UPDATE SET value = excluded.value,"
    " weight = excluded.weight, pending = excluded.pending, cast_at = excluded.cast_at),"
    " events AS ("
    "INSERT INTO vote_event (campaign_id, voter_id, seq, payload, prev_hash, hash, at)"
    " SELECT c, v, s, p::jsonb, ph, h, a FROM unnest($8::int[], $9::int[], $10::int[],"
    " $11::text[], $12::text[], $13::text[], $14::timestamptz[]) AS t(c, v, s, p, ph, h, a)),"
    " chains AS ("
    "UPDATE voter_chain SET seq = t.s, head = t.h"
    " FROM unnest($15::int[], $16::int[], $17::int[], $18::text[]) AS t(c, v, s, h)"
    " WHERE voter_chain.campaign_id = t.c AND voter_chain.voter_id = t.v),"
    " dropped AS ("
    "DELETE FROM voter_chain USING unnest($19::int[], $20::int[]) AS t(c, v)"
    " WHERE voter_chain.campaign_id = t.c AND voter_chain.voter_id = t.v"
    " AND voter_chain.seq = 0),"
    " proposals AS ("
    "INSERT INTO tally_slot (proposal_id, slot, campaign_id, voters, pending, weight_sum,"
    " value_sum) SELECT * FROM unnest($21::int[], $22::int[], $23::int[], $24::int[],"
    " $25::int[], $26::float8[], $27::float8[])"
    " ON CONFLICT (proposal_id, slot) DO UPDATE SET"
    " voters = tally_slot.voters + excluded.voters,"
    " pending = tally_slot.pending + excluded.pending,"
    " weight_sum = tally_slot.weight_sum + excluded.weight_sum,"
    " value_sum = tally_slot.value_sum + excluded.value_sum),"
    " bins AS ("
    "INSERT INTO tally_bin (proposal_id, quanta, slot, campaign_id, voters, value_sum)"
    " SELECT * FROM unnest($28::int[], $29::int[], $30::int[], $31::int[], $32::int[],"
    " $33::int[])"
    " ON CONFLICT (proposal_id, quanta, slot) DO UPDATE SET"
    " voters = tally_bin.voters + excluded.voters,"
    " value_sum = tally_bin.value_sum + excluded.value_sum),"
    " campaigns AS ("
    "INSERT INTO campaign_slot (campaign_id, slot, voters, weight_sum, value_sum)"
    " SELECT * FROM unnest($34::int[], $35::int[], $36::int[], $37::float8[], $38::float8[])"
    " ON CONFLICT (campaign_id, slot) DO UPDATE SET"
    " voters = campaign_slot.voters + excluded.voters,"
    " weight_sum = campaign_slot.weight_sum + excluded.weight_sum,"
    " value_sum = campaign_slot.value_sum + excluded.value_sum)"
    " SELECT 1"
)

_WIDTHS = (7, 7, 4, 2, 7, 6, 5)  # the columns of each part of WRITE_ALL


async def write(session: AsyncSession, total: counters.CounterBatch) -> None:
    """Write the batch's set-based rows and its counters: on PostgreSQL one statement
    (``WRITE_ALL``), on SQLite (whose writes are serialised anyway) one ``executemany``
    per table, as before."""
    parts = (
        total.votes,
        total.events,
        total.chains,
        total.empty,
        total.proposal_rows(),
        total.bin_rows(),
        total.campaign_rows(),
    )
    if not any(parts):
        return
    driver = await driver_of(session)
    if isinstance(driver, Postgres):
        args: list[list[Any]] = []
        for rows, width in zip(parts, _WIDTHS, strict=True):
            args.extend([list(column) for column in zip(*rows, strict=True)] or [[]] * width)
        await driver.fetch(WRITE_ALL, *args)
        return
    if total.votes:
        await driver.executemany(UPSERT_VOTE, total.votes)
    if total.events:
        await driver.executemany(INSERT_EVENT, total.events)
    if total.chains:
        await driver.executemany(ADVANCE_CHAIN, total.chains)
    if total.empty:
        await driver.executemany(DROP_EMPTY_CHAIN, total.empty)
    await total.apply(session)


@dataclass(frozen=True, slots=True)
class Later:
    """A proposal whose tally the batch answers once its counters are written."""

    campaign: Campaign
    rules: methods.VotingRules
    proposal: Proposal
    now: datetime


@dataclass(frozen=True, slots=True)
class _Ready:
    """A change that passed every check that needs no state of the voter."""

    proposal: Proposal
    campaign: Campaign
    rules: methods.VotingRules
    weight: VoterWeight


async def cast_votes(
    session: AsyncSession,
    changes: Sequence[Any],
    *,
    secret: str,
    total: counters.CounterBatch,
    slow_voters: Collection[int] = (),
) -> tuple[dict[int, VoteResult | DomainError], dict[int, Later]]:
    """Decide and write a batch's castVotes (``writer.CastVote``, in arrival order).

    Returns each decided change's outcome by its index, and the proposals whose tallies
    the outcomes wait for; changes not in the outcomes go through the per-change path.
    Counters, phases to check and chain heads are gathered into ``total``."""
    if not changes:
        return {}, {}
    slow = set(slow_voters)
    driver = await driver_of(session)
    proposals, roles = await _targets(
        driver, {c.proposal_id for c in changes}, {c.voter.id for c in changes}
    )
    checked: list[_Ready | DomainError | None] = []
    for change in changes:
        voter: Member = change.voter
        if voter.id in slow:
            checked.append(None)
            continue
        try:
            ready = _check(change, proposals, roles)
        except DomainError as error:
            checked.append(error)
            continue
        if ready is None:
            slow.add(voter.id)
        checked.append(ready)
    keys = sorted(
        {
            (r.campaign.id or 0, c.voter.id)
            for c, r in zip(changes, checked, strict=True)
            if isinstance(r, _Ready) and c.voter.id not in slow
        }
    )
    heads = await _lock(driver, keys, secret) if keys else {}
    for (_, voter_id), state in heads.items():
        if not state.voter:  # a chain begun before migration 0007
            slow.add(voter_id)
    votes, rest = await _votes_of(
        driver,
        [k for k in keys if k[1] not in slow],
        {
            (r.campaign.id or 0, c.voter.id, c.proposal_id)
            for c, r in zip(changes, checked, strict=True)
            if isinstance(r, _Ready) and c.voter.id not in slow
        },
    )

    outcomes: dict[int, VoteResult | DomainError] = {}
    later: dict[int, Later] = {}
    vote_rows: dict[tuple[int, int, int], dict[str, Any]] = {}
    events: list[tuple[Any, ...]] = []
    moved: set[tuple[int, int]] = set()
    for index, (change, ready) in enumerate(zip(changes, checked, strict=True)):
        voter_id = change.voter.id
        if voter_id in slow:
            continue
        if not isinstance(ready, _Ready):
            assert ready is not None
            outcomes[index] = ready
            continue
        campaign_id = ready.campaign.id or 0
        key = (campaign_id, voter_id)
        state = heads[key]
        mine = votes.setdefault(key, {})
        pid, value, weight, now = change.proposal_id, change.value, ready.weight, change.now
        stored = mine.get(pid)
        if stored is not None and stored[:3] == (value, weight.weight, weight.pending):
            vote = Vote(
                campaign_id=campaign_id,
                voter_id=voter_id,
                proposal_id=pid,
                value=value,
                weight=stored[1],
                pending=stored[2],
                cast_at=stored[3],
            )
            receipt = Receipt(state.voter, state.seq, state.head)
            later[pid] = Later(ready.campaign, ready.rules, ready.proposal, now)
            outcomes[index] = VoteResult(
                vote, pid, campaign_id, service.TALLY_LATER, Fraction(0), receipt
            )
            continue
        before = {p: (v[0], v[1]) for p, v in mine.items()}
        others = rest.get(key, _Rest())
        try:
            methods.check_budget(
                ready.rules,
                {p: v for p, (v, _) in before.items()},
                pid,
                value,
                spent_elsewhere=methods.votes_cost(
                    ready.rules.method, others.votes, others.squares
                ),
            )
        except methods.BudgetExceeded as exc:
            outcomes[index] = BudgetExceededError(str(exc).capitalize() + ".", field=["value"])
            continue
        old = before.get(pid)
        method = ready.rules.method
        delta = (
            methods.replace_delta(method, old, (value, weight.weight))
            if old
            else methods.vote_delta(method, value, weight.weight)
        )
        after = {**before, pid: (value, weight.weight)}
        counters.gather(
            total,
            ready.rules,
            campaign_id,
            counters.slot_of(voter_id),
            before,
            after,
            {pid: delta},
            counted_elsewhere=others.counted > 0,
        )
        appended = chain.append(state, chain.cast_event(pid, value, weight.weight), now)
        heads[key] = appended.state
        moved.add(key)
        events.append(
            (
                campaign_id,
                voter_id,
                appended.state.seq,
                json.dumps(appended.payload),  # as SQLAlchemy's JSON type serialises it
                appended.prev_hash,
                appended.hash,
                driver.stamp(now),
            )
        )
        row = {
            "campaign_id": campaign_id,
            "voter_id": voter_id,
            "proposal_id": pid,
            "value": value,
            "weight": weight.weight,
            "pending": weight.pending,
            "cast_at": now,
        }
        vote_rows[(campaign_id, voter_id, pid)] = row
        mine[pid] = (value, weight.weight, weight.pending, now)
        total.phases.add(campaign_id)
        later[pid] = Later(ready.campaign, ready.rules, ready.proposal, now)
        outcomes[index] = VoteResult(
            Vote(**row), pid, campaign_id, service.TALLY_LATER, Fraction(0), appended.receipt
        )

    # Written with the batch's counters (``write``), after the per-change path's changes.
    total.votes.extend(
        (*(row[k] for k in _VOTE_COLUMNS[:-1]), driver.stamp(row["cast_at"]))
        for row in (vote_rows[k] for k in sorted(vote_rows))
    )
    total.events.extend(events)
    total.chains.extend((c, v, heads[(c, v)].seq, heads[(c, v)].head) for c, v in sorted(moved))
    for key, state in heads.items():
        if state.seq == 0 and key[1] not in slow:  # created here, every change refused
            total.empty.append(key)
        elif key[1] not in slow:
            total.heads[key] = state
    return outcomes, later


_VOTE_COLUMNS = ("campaign_id", "voter_id", "proposal_id", "value", "weight", "pending", "cast_at")


def _check(
    change: Any,
    proposals: dict[int, tuple[Proposal, Campaign]],
    roles: dict[tuple[int, int], str],
) -> _Ready | None:
    """The checks of castVote that need no state of the voter, in the same order (raises
    their domain errors); None when the per-change path must decide."""
    voter: Member = change.voter
    found = proposals.get(change.proposal_id)
    if found is None or found[0].status == ProposalStatus.HIDDEN:
        raise NotFound("No such proposal.", field=["proposalId"])
    proposal, campaign = found
    ctx = service._check_voter(campaign, roles.get((campaign.brand_id, voter.id or 0)))
    rules = ctx.rules
    if rules.method is VotingMethod.RANKED:
        raise InvalidVote("This campaign votes with ranked ballots: use castBallot.")
    if proposal.status not in service.VOTABLE:
        raise InvalidVote(
            f"A {proposal.status.lower()} proposal takes no votes.", field=["proposalId"]
        )
    try:
        methods.validate_vote_value(rules, change.value)
    except methods.VoteValueError as exc:
        raise InvalidVote(str(exc), field=["value"]) from exc
    if rules.weighting in _READ_WEIGHTS:
        return None
    if voter.created_at > change.now - service.NEW_ACCOUNT_AGE:  # the velocity guard
        return None
    try:
        weight = voter_weight(
            rules,
            role=ctx.role,
            reputation=voter.reputation or 0,
            pledged_units=0,
            account_created_at=voter.created_at,
            now=change.now,
        )
    except ValueError:
        return None
    return _Ready(proposal, campaign, rules, weight)


def _columns(model: Any, names: Sequence[str]) -> list[tuple[str, str]]:
    """Each column's name and what its raw value needs: 'time', 'json' or nothing."""
    kinds = []
    for name in names:
        column_type = model.__table__.columns[name].type
        if isinstance(column_type, UTCDateTime):
            kinds.append((name, "time"))
        elif isinstance(column_type, JSON):
            kinds.append((name, "json"))
        else:
            kinds.append((name, ""))
    return kinds


_PROPOSAL_COLUMNS = _columns(Proposal, (*_FIRST, *(c for c in _PROPOSAL if c not in _FIRST)))
_CAMPAIGN_COLUMNS = _columns(Campaign, _CAMPAIGN)


def _row(driver: Driver, columns: list[tuple[str, str]], values: Sequence[Any]) -> dict[str, Any]:
    """A model's values from a raw row (timestamps aware, JSON decoded), as SQLAlchemy
    would load them."""
    loaded: dict[str, Any] = {}
    for (name, kind), value in zip(columns, values, strict=True):
        if value is not None and kind == "time":
            value = driver.timestamp(value)
        elif isinstance(value, str) and kind == "json":
            value = json.loads(value)
        loaded[name] = value
    return loaded


async def _targets(
    driver: Driver, proposal_ids: set[int], voter_ids: set[int | None]
) -> tuple[dict[int, tuple[Proposal, Campaign]], dict[tuple[int, int], str]]:
    """The target proposals with their campaigns {proposal: (proposal, campaign)} (their
    specs not read), and the voters' roles in the targets' brands {(brand, member): role}."""
    rows = await driver.fetch(
        TARGETS_AND_ROLES,
        sorted(proposal_ids),
        sorted(v for v in voter_ids if v is not None),
    )
    proposals: dict[int, tuple[Proposal, Campaign]] = {}
    roles: dict[tuple[int, int], str] = {}
    split = 1 + len(_PROPOSAL_COLUMNS)
    for row in rows:
        if row[0]:
            roles[(row[1], row[2])] = row[3]
            continue
        proposal = Proposal(**_row(driver, _PROPOSAL_COLUMNS, row[1:split]))
        campaign = Campaign(**_row(driver, _CAMPAIGN_COLUMNS, row[split:]))
        proposals[proposal.id or 0] = (proposal, campaign)
    return proposals, roles


async def _lock(
    driver: Driver, keys: list[tuple[int, int]], secret: str
) -> dict[tuple[int, int], ChainState]:
    rows = await driver.fetch(
        LOCK_CHAINS,
        *driver.rows(
            [c for c, _ in keys],
            [v for _, v in keys],
            [chain.pseudonym(secret, c, v) for c, v in keys],
        ),
        chain.GENESIS,
    )
    return {
        (campaign_id, voter_id): ChainState(campaign_id, pseudonym, seq, head)
        for campaign_id, voter_id, seq, head, pseudonym in rows
    }


@dataclass(frozen=True, slots=True)
class _Rest:
    """A voter's votes other than the batch's targets, as much as the rules need of them."""

    votes: int = 0
    squares: int = 0  # Σ value²
    counted: int = 0  # votes with a weight


async def _votes_of(
    driver: Driver, keys: list[tuple[int, int]], targets: set[tuple[int, int, int]]
) -> tuple[
    dict[tuple[int, int], dict[int, tuple[int, float, bool, datetime]]],
    dict[tuple[int, int], _Rest],
]:
    """The voters' stored votes on the batch's targets {(campaign, voter): {proposal: (value,
    weight, pending, cast_at)}}, and what the rules need of their other votes, read after
    their chains are locked. A voter's other votes are not read one by one: a campaign's
    voter may hold hundreds."""
    votes: dict[tuple[int, int], dict[int, tuple[int, float, bool, datetime]]] = {
        key: {} for key in keys
    }
    if not keys:
        return votes, {}
    wanted = sorted(t for t in targets if (t[0], t[1]) in votes)
    rows = await driver.fetch(
        VOTES_AND_TOTALS,
        *driver.rows([c for c, _, _ in wanted], [v for _, v, _ in wanted], [p for *_, p in wanted]),
        sorted({c for c, _ in keys}),
        sorted({v for _, v in keys}),
    )
    totals = []
    for tag, campaign_id, voter_id, pid, value, weight, pending, cast_at in rows:
        if tag:  # the voter's totals: count, Σ value², votes with a weight
            totals.append((campaign_id, voter_id, pid, value, weight))
            continue
        votes[(campaign_id, voter_id)][pid] = (
            value,
            weight,
            bool(pending),
            driver.timestamp(cast_at),
        )
    rest: dict[tuple[int, int], _Rest] = {}
    for campaign_id, voter_id, count, squares, counted in totals:
        mine = votes.get((campaign_id, voter_id))
        if mine is None:
            continue
        rest[(campaign_id, voter_id)] = _Rest(
            int(count) - len(mine),
            int(squares) - sum(v[0] * v[0] for v in mine.values()),
            int(counted) - sum(1 for v in mine.values() if v[1] > 0),
        )
    return votes, rest


async def _tallies(session: AsyncSession, proposal_ids: list[int]) -> dict[int, Tally]:
    """``counters.proposal_tallies`` of some proposals, on the driver connection."""
    driver = await driver_of(session)
    return {
        pid: Tally(int(voters), int(pending), float(weight_sum), float(value_sum))
        for pid, voters, pending, weight_sum, value_sum in await driver.fetch(TALLIES, proposal_ids)
    }


async def tallies_after(
    session: AsyncSession, later: dict[int, Later]
) -> dict[int, tuple[Tally, Fraction]]:
    """The tallies and scores the batch's changes answer with, read once its counters are
    written: one statement for every proposal whose score needs only its own tally; the
    others (capped shares, SCORE priors) through the single path's ``_new_tally``.
    A proposal reaching the support threshold is shortlisted, as by the single path."""
    simple = {
        pid: entry
        for pid, entry in later.items()
        if not counters.capped(entry.rules) and entry.rules.method is not VotingMethod.SCORE
    }
    found = await _tallies(session, sorted(simple)) if simple else {}
    result: dict[int, tuple[Tally, Fraction]] = {}
    for pid in sorted(later):
        entry = later[pid]
        if pid not in simple:
            ctx = service._Voter(entry.campaign, entry.rules, "")
            result[pid] = await service._new_tally(session, ctx, entry.proposal, entry.now)
            continue
        tally = found.get(pid, Tally(0, 0, 0.0, 0.0))
        support = scoring.Support.of_tally(tally)
        score = scoring.score_of(
            entry.rules.method,
            Fraction(support.weight),
            Fraction(support.value),
            prior_mean=Fraction(0),
            prior_strength=scoring.exact_decimal(entry.rules.score_prior_strength),
        )
        if entry.proposal.status == ProposalStatus.ACTIVE and methods.reaches_support_threshold(
            entry.rules, score
        ):
            await session.execute(
                update(Proposal)
                .where(Proposal.id == pid, Proposal.status == ProposalStatus.ACTIVE)
                .values(status=ProposalStatus.SHORTLISTED, updated_at=entry.now)
            )
        result[pid] = (tally, score)
    return result

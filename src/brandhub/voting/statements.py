"""The vote path's SQL, written once as text: portable between PostgreSQL and SQLite (both
speak ``ON CONFLICT … DO UPDATE`` and ``RETURNING``) and cheap to run, since SQLAlchemy need
not rebuild and re-key an expression for every vote."""

from __future__ import annotations

from sqlalchemy import bindparam, text

from brandhub.columns import JSONType, UTCDateTime

# Creates the chain, or locks it (a chain begun before migration 0007 gets its pseudonym).
LOCK_CHAIN = text(
    "INSERT INTO voter_chain (campaign_id, voter_id, pseudonym, seq, head)"
    " VALUES (:campaign_id, :voter_id, :pseudonym, 0, :genesis)"
    " ON CONFLICT (campaign_id, voter_id) DO UPDATE SET pseudonym = CASE"
    " WHEN voter_chain.pseudonym = '' THEN excluded.pseudonym ELSE voter_chain.pseudonym END"
    " RETURNING seq, head, pseudonym"
)

ADVANCE_CHAIN = text(
    "UPDATE voter_chain SET seq = :seq, head = :head"
    " WHERE campaign_id = :campaign_id AND voter_id = :voter_id"
)

INSERT_EVENT = text(
    "INSERT INTO vote_event (campaign_id, voter_id, seq, payload, prev_hash, hash, at)"
    " VALUES (:campaign_id, :voter_id, :seq, :payload, :prev_hash, :hash, :at)"
).bindparams(bindparam("payload", type_=JSONType), bindparam("at", type_=UTCDateTime()))

VOTES_OF = text(
    "SELECT proposal_id, value, weight FROM vote WHERE campaign_id = :campaign_id"
    " AND voter_id = :voter_id"
)

# A voter's stored vote on a proposal with their chain head (the no-op check of castVote).
STORED_VOTE = text(
    "SELECT v.value, v.weight, v.pending, v.cast_at, c.seq, c.head, c.pseudonym FROM vote v"
    " JOIN voter_chain c ON c.campaign_id = v.campaign_id AND c.voter_id = v.voter_id"
    " WHERE v.campaign_id = :campaign_id AND v.voter_id = :voter_id"
    " AND v.proposal_id = :proposal_id"
).columns(cast_at=UTCDateTime())

INSERT_VOTE = text(
    "INSERT INTO vote (campaign_id, voter_id, proposal_id, value, weight, pending, cast_at)"
    " VALUES (:campaign_id, :voter_id, :proposal_id, :value, :weight, :pending, :cast_at)"
).bindparams(bindparam("cast_at", type_=UTCDateTime()))

UPDATE_VOTE = text(
    "UPDATE vote SET value = :value, weight = :weight, pending = :pending, cast_at = :cast_at"
    " WHERE campaign_id = :campaign_id AND voter_id = :voter_id AND proposal_id = :proposal_id"
).bindparams(bindparam("cast_at", type_=UTCDateTime()))

DELETE_VOTE = text(
    "DELETE FROM vote WHERE campaign_id = :campaign_id AND voter_id = :voter_id"
    " AND proposal_id = :proposal_id"
)

ADD_TO_PROPOSAL = text(
    "INSERT INTO tally_slot (proposal_id, slot, campaign_id, voters, pending, weight_sum, value_sum)"
    " VALUES (:proposal_id, :slot, :campaign_id, :voters, :pending, :weight_sum, :value_sum)"
    " ON CONFLICT (proposal_id, slot) DO UPDATE SET"
    " voters = tally_slot.voters + excluded.voters,"
    " pending = tally_slot.pending + excluded.pending,"
    " weight_sum = tally_slot.weight_sum + excluded.weight_sum,"
    " value_sum = tally_slot.value_sum + excluded.value_sum"
)

ADD_TO_CAMPAIGN = text(
    "INSERT INTO campaign_slot (campaign_id, slot, voters, weight_sum, value_sum)"
    " VALUES (:campaign_id, :slot, :voters, :weight_sum, :value_sum)"
    " ON CONFLICT (campaign_id, slot) DO UPDATE SET"
    " voters = campaign_slot.voters + excluded.voters,"
    " weight_sum = campaign_slot.weight_sum + excluded.weight_sum,"
    " value_sum = campaign_slot.value_sum + excluded.value_sum"
)

ADD_TO_BIN = text(
    "INSERT INTO tally_bin (proposal_id, quanta, slot, campaign_id, voters, value_sum)"
    " VALUES (:proposal_id, :quanta, :slot, :campaign_id, :voters, :value_sum)"
    " ON CONFLICT (proposal_id, quanta, slot) DO UPDATE SET"
    " voters = tally_bin.voters + excluded.voters,"
    " value_sum = tally_bin.value_sum + excluded.value_sum"
)

REWEIGHT_VOTES = text(
    "UPDATE vote SET weight = :weight, pending = :pending"
    " WHERE campaign_id = :campaign_id AND voter_id = :voter_id"
)

PROPOSAL_TALLY = text(
    "SELECT coalesce(sum(voters), 0), coalesce(sum(pending), 0),"
    " coalesce(sum(weight_sum), 0.0), coalesce(sum(value_sum), 0.0)"
    " FROM tally_slot WHERE proposal_id = :proposal_id"
)

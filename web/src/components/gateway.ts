// What the voting controls need from the API. The app calls GraphQL directly with its own
// credential; the widget routes the same calls through its bridge frame on brandhub's origin.
import type { UserError } from '../api/errors';
import type { Api } from '../api/client';
import {
  CastBallotDocument,
  CastVoteDocument,
  RetractVoteDocument,
} from '../api/generated/graphql';

export interface TallyView {
  voters: number;
  pending: number;
  score: number;
}

/** The receipt a vote change returns: the voter's pseudonym and the event's place in their chain. */
export interface ReceiptView {
  voter: string;
  seq: number;
  eventHash: string;
}

export interface VoteOutcome {
  errors: readonly UserError[];
  pending?: boolean;
  tally?: TallyView | null;
  receipt?: ReceiptView | null;
}

export interface VoteGateway {
  castVote(proposalId: string, value: number): Promise<VoteOutcome>;
  retractVote(proposalId: string): Promise<VoteOutcome>;
  castBallot(campaignId: string, ranking: string[]): Promise<VoteOutcome>;
}

/** The gateway of the app: GraphQL with the app's own session. */
export function directGateway(api: Api): VoteGateway {
  return {
    async castVote(proposalId, value) {
      const { castVote } = await api.mutate(CastVoteDocument, { input: { proposalId, value } });
      return {
        errors: castVote.errors,
        pending: castVote.vote?.pending,
        tally: castVote.tally,
        receipt: castVote.receipt,
      };
    },
    async retractVote(proposalId) {
      const { retractVote } = await api.mutate(RetractVoteDocument, { input: { proposalId } });
      return { errors: retractVote.errors, tally: retractVote.tally, receipt: retractVote.receipt };
    },
    async castBallot(campaignId, ranking) {
      const { castBallot } = await api.mutate(CastBallotDocument, {
        input: { campaignId, ranking },
      });
      return { errors: castBallot.errors, pending: castBallot.ballot?.pending, receipt: castBallot.receipt };
    },
  };
}

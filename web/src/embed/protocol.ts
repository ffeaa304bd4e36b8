// Messages between the widget (on the host page) and its bridge frame (on brandhub's origin).
// The bridge runs only these operations, with documents of its own: the host page can ask
// for a vote, never for the credential or an arbitrary query.

export type BridgeOperation = 'viewer' | 'campaignViewer' | 'castVote' | 'retractVote' | 'castBallot' | 'signOut';

export interface BridgeRequest {
  bh: 'request';
  id: number;
  operation: BridgeOperation;
  variables: Record<string, unknown>;
}

export interface BridgeResponse {
  bh: 'response';
  id: number;
  data?: unknown;
  failure?: { kind: string; message: string };
}

export interface BridgeEvent {
  bh: 'ready' | 'session';
  viewer: { id: string; displayName: string } | null;
}

/** From the sign-in popup (brandhub's origin) to the bridge frames of its opener. */
export interface TokenMessage {
  bh: 'token';
  token: string;
}

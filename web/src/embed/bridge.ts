// The widget's bridge: a hidden frame on brandhub's origin, framable only by the brand's
// registered origins (CSP frame-ancestors). It keeps the member's token in its own storage and
// answers the widget's requests for a fixed set of operations.
import { Api, ApiFailure } from '../api/client';
import {
  CampaignViewerDocument,
  CastBallotDocument,
  CastVoteDocument,
  RetractVoteDocument,
  SignOutDocument,
  WidgetViewerDocument,
} from '../api/generated/graphql';
import type { BridgeEvent, BridgeOperation, BridgeRequest, BridgeResponse, TokenMessage } from './protocol';

const KEY = 'bh.widget.credential';
const parentOrigin = location.ancestorOrigins?.[0] ?? (document.referrer ? new URL(document.referrer).origin : '');

function credential(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return memory;
  }
}
let memory: string | null = null;

function keep(token: string | null): void {
  memory = token;
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    // storage blocked: the session lasts as long as this frame
  }
}

const api = new Api({ endpoint: '/graphql', credential, onExpired: () => keep(null) });

async function viewer(): Promise<BridgeEvent['viewer']> {
  if (!credential()) return null;
  try {
    const data = await api.query(WidgetViewerDocument, {});
    return data.viewer?.__typename === 'Member' ? { id: data.viewer.id, displayName: data.viewer.displayName } : null;
  } catch {
    return null;
  }
}

const operations: Record<BridgeOperation, (v: Record<string, any>) => Promise<unknown>> = {
  viewer: async () => ({ viewer: await viewer() }),
  campaignViewer: (v) => api.query(CampaignViewerDocument, { id: String(v.id) }),
  castVote: (v) => api.mutate(CastVoteDocument, { input: { proposalId: String(v.proposalId), value: Number(v.value) } }),
  retractVote: (v) => api.mutate(RetractVoteDocument, { input: { proposalId: String(v.proposalId) } }),
  castBallot: (v) =>
    api.mutate(CastBallotDocument, { input: { campaignId: String(v.campaignId), ranking: (v.ranking as unknown[]).map(String) } }),
  signOut: async () => {
    try {
      await api.mutate(SignOutDocument, {});
    } finally {
      keep(null);
    }
    return { ok: true };
  },
};

function tell(message: BridgeEvent | BridgeResponse): void {
  if (parentOrigin) window.parent.postMessage(message, parentOrigin);
}

window.addEventListener('message', async (event: MessageEvent) => {
  const message = event.data as BridgeRequest | TokenMessage | null;
  if (!message || typeof message !== 'object') return;
  if (message.bh === 'token' && event.origin === location.origin && typeof message.token === 'string') {
    keep(message.token);
    tell({ bh: 'session', viewer: await viewer() });
    return;
  }
  if (message.bh !== 'request' || event.source !== window.parent || event.origin !== parentOrigin) return;
  const run = operations[message.operation];
  if (!run) return;
  try {
    tell({ bh: 'response', id: message.id, data: await run(message.variables ?? {}) });
  } catch (error) {
    const kind = error instanceof ApiFailure ? error.kind : 'unexpected';
    tell({ bh: 'response', id: message.id, failure: { kind, message: String((error as Error).message) } });
  }
});

viewer().then((v) => tell({ bh: 'ready', viewer: v }));

// "Check my vote", in the browser and with no trust in the page's server beyond what it signed:
// the voter's chain head is a leaf of the RFC 9162 Merkle tree whose root the server signed
// with its published Ed25519 key (docs/audit-format.md, "The Merkle tree" and "Seal").

/** What Campaign.viewerReceipt answers once the campaign is closed. */
export interface SealedReceipt {
  voter: string;
  seq: number;
  head: string;
  leafIndex?: number | null;
  treeSize?: number | null;
  proof?: readonly string[] | null;
  seal?: { statement: string; signature: string; keyId: string; algorithm: string } | null;
}

/** The receipt a vote change returned, as the voter kept it. */
export interface KeptReceipt {
  voter: string;
  seq: number;
  eventHash: string;
}

/** A published key (RFC 8037 OKP JWK) from /.well-known/brandhub-keys.json. */
export interface PublishedKey {
  kty: string;
  crv: string;
  kid: string;
  x: string;
}

export type CheckFailure =
  | 'no-proof'
  | 'kept-mismatch'
  | 'campaign'
  | 'tree-size'
  | 'root'
  | 'unknown-key'
  | 'key-id'
  | 'signature';

export type CheckOutcome = { ok: true; root: string; keyId: string; treeSize: number } | { ok: false; reason: CheckFailure };

const HEX = /^[0-9a-f]{64}$/;

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!HEX.test(hex)) throw new Error('not a hash');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function toBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The voter's leaf: the canonical JSON of their chain's final state. */
export function leafOf(receipt: { voter: string; seq: number; head: string }): string {
  return `{"head":"${receipt.head}","seq":${receipt.seq},"voter":"${receipt.voter}"}`;
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when it is malformed. */
export async function rootFromProof(
  leaf: string,
  leafIndex: number,
  treeSize: number,
  proof: readonly string[],
): Promise<string | null> {
  if (leafIndex < 0 || leafIndex >= treeSize) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = await sha256(concat(new Uint8Array([0]), utf8(leaf)));
  for (const hex of proof) {
    if (sn === 0 || !HEX.test(hex)) return null;
    const p = hexBytes(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(concat(new Uint8Array([1]), p, r));
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = await sha256(concat(new Uint8Array([1]), r, p));
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? toHex(r.buffer) : null;
}

/** RFC 7638 thumbprint of an Ed25519 JWK, as brandhub's key ids are. */
export async function thumbprint(x: string): Promise<string> {
  return toBase64url(await sha256(utf8(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`)));
}

/**
 * Check a sealed receipt: the kept receipt (if any) agrees with the sealed chain head, the proof
 * leads to the signed root, and the signature holds under the published key named by its id.
 */
export async function checkReceipt(
  campaignId: string,
  receipt: SealedReceipt,
  keys: readonly PublishedKey[],
  kept: KeptReceipt | null,
): Promise<CheckOutcome> {
  const { seal, proof, leafIndex, treeSize } = receipt;
  if (!seal || !proof || leafIndex == null || treeSize == null) return { ok: false, reason: 'no-proof' };
  // What the voter was handed when they voted must be in what was sealed: the same pseudonym,
  // and their last change at least (a kept seq beyond the sealed one means events were lost).
  // (A smaller kept seq is a change made since, elsewhere: the sealed head supersedes it.)
  const lost = kept && (kept.voter !== receipt.voter || kept.seq > receipt.seq);
  if (lost || (kept && kept.seq === receipt.seq && kept.eventHash !== receipt.head)) {
    return { ok: false, reason: 'kept-mismatch' };
  }
  let statement: { campaign?: unknown; root?: unknown; treeSize?: unknown; keyId?: unknown };
  try {
    statement = JSON.parse(seal.statement);
  } catch {
    return { ok: false, reason: 'signature' };
  }
  if (statement.campaign !== campaignId) return { ok: false, reason: 'campaign' };
  if (statement.treeSize !== treeSize) return { ok: false, reason: 'tree-size' };
  const root = await rootFromProof(leafOf(receipt), leafIndex, treeSize, proof);
  if (root === null || root !== statement.root) return { ok: false, reason: 'root' };
  const key = keys.find((k) => k.kid === seal.keyId && k.kty === 'OKP' && k.crv === 'Ed25519');
  if (!key || seal.algorithm !== 'Ed25519') return { ok: false, reason: 'unknown-key' };
  if ((await thumbprint(key.x)) !== seal.keyId || statement.keyId !== seal.keyId) {
    return { ok: false, reason: 'key-id' };
  }
  try {
    const publicKey = await crypto.subtle.importKey('raw', fromBase64url(key.x), { name: 'Ed25519' }, false, ['verify']);
    const valid = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, fromBase64url(seal.signature), utf8(seal.statement));
    if (!valid) return { ok: false, reason: 'signature' };
  } catch {
    return { ok: false, reason: 'signature' };
  }
  return { ok: true, root, keyId: seal.keyId, treeSize };
}

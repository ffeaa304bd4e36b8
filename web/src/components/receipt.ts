// <bh-receipt>: the voter's receipt for a campaign (kept in this browser as the API returned it),
// and after the close "Check my vote": the inclusion proof checked here with WebCrypto.
import { html, nothing } from 'lit';
import type { Api } from '../api/client';
import { CampaignReceiptDocument } from '../api/generated/graphql';
import { checkReceipt, type CheckOutcome, type KeptReceipt, type PublishedKey } from '../audit/check';
import { ta as t, type AuditKey } from '../i18n/audit';
import { session } from '../session';
import { BhElement, define } from './base';

/** Per member and campaign: two people may share a browser. */
const kept = (campaignId: string) => `bh.receipt.${session.member?.id ?? ''}.${campaignId}`;
export const KEYS_URL = '/.well-known/brandhub-keys.json';

/** Keep the receipt a vote change returned (the last one per campaign: it names the chain head). */
export function keepReceipt(campaignId: string, receipt: KeptReceipt): void {
  try {
    localStorage.setItem(kept(campaignId), JSON.stringify(receipt));
  } catch {
    // storage may be unavailable: the receipt is still shown from the API
  }
}

export function keptReceipt(campaignId: string): KeptReceipt | null {
  try {
    const raw = localStorage.getItem(kept(campaignId));
    return raw ? (JSON.parse(raw) as KeptReceipt) : null;
  } catch {
    return null;
  }
}

type Check = CheckOutcome | { ok: false; reason: 'unreachable' } | null;

class Receipt extends BhElement {
  static properties = {
    campaignId: { attribute: 'campaign-id' },
    closed: { type: Boolean },
    receipt: { attribute: false },
    checking: { state: true },
    outcome: { state: true },
  };

  campaignId = '';
  closed = false;
  api: Api | null = null;
  /** The viewer's receipt as the API reads it now (Campaign.viewerReceipt). */
  receipt: { voter: string; seq: number; head: string } | null = null;
  private checking = false;
  private outcome: Check = null;

  private async check(): Promise<void> {
    if (!this.api) return;
    this.checking = true;
    this.outcome = null;
    try {
      const [data, keys] = await Promise.all([
        this.api.query(CampaignReceiptDocument, { id: this.campaignId }),
        fetch(KEYS_URL).then((r) => (r.ok ? (r.json() as Promise<{ keys: PublishedKey[] }>) : Promise.reject(new Error(String(r.status))))),
      ]);
      const sealed = data.campaign?.viewerReceipt;
      this.outcome = sealed
        ? await checkReceipt(this.campaignId, sealed, keys.keys, keptReceipt(this.campaignId))
        : { ok: false, reason: 'no-proof' };
    } catch {
      this.outcome = { ok: false, reason: 'unreachable' };
    } finally {
      this.checking = false;
    }
  }

  private result() {
    const o = this.outcome;
    if (!o) return nothing;
    if (o.ok) {
      return html`<p class="notice check-ok">${t('receipt.verified', { size: o.treeSize })}
        <span class="hint">${t('receipt.verifiedHow', { key: o.keyId })}</span></p>`;
    }
    return html`<p class="alert check-failed">${t('receipt.notVerified')} ${t(`receipt.why.${o.reason}` as AuditKey)}</p>`;
  }

  render() {
    // What this browser was handed, unless a later change was made elsewhere.
    const stored = keptReceipt(this.campaignId);
    const mine = stored && !(this.receipt && this.receipt.seq > stored.seq) ? stored : null;
    const seq = mine?.seq ?? this.receipt?.seq;
    const hash = mine?.eventHash ?? this.receipt?.head;
    if (seq == null || !hash) return nothing;
    return html`<section class="card receipt" style="overflow-wrap: anywhere" aria-labelledby="receipt-title">
      <h2 id="receipt-title">${t('receipt.title')}</h2>
      <dl class="kv">
        <dt>${t('receipt.event')}</dt><dd>${t('receipt.seq', { seq: String(seq) })}</dd>
        <dt>${t('receipt.hash')}</dt><dd><code class="digest">${hash}</code></dd>
        <dt>${t('receipt.voter')}</dt><dd><code class="digest">${mine?.voter ?? this.receipt?.voter}</code></dd>
      </dl>
      ${this.closed
        ? html`<p><button type="button" ?disabled=${this.checking} @click=${() => this.check()}>${t('receipt.check')}</button></p>
            <div role="status" aria-live="polite">${this.checking ? t('receipt.checking') : this.result()}</div>`
        : html`<p class="hint">${t('receipt.keep')}</p>`}
    </section>`;
  }
}

define('bh-receipt', Receipt);

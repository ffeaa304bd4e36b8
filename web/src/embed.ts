// The widget's entry: defines <brandhub-campaign campaign="…">, nothing else. It renders in a
// shadow root with the brand's colours and logo; anonymous reads and the live leaderboard go to
// brandhub's GraphQL endpoint cross-origin (granted to registered origins only); sign-in opens
// a popup on brandhub's origin and votes go through a hidden bridge frame that holds the token.
import { html, LitElement, nothing, unsafeCSS } from 'lit';
import { Api } from './api/client';
import {
  WidgetCampaignDocument,
  type CampaignViewerQuery,
  type WidgetCampaignQuery,
} from './api/generated/graphql';
import './components/ballot-ranked';
import { failure } from './components/feedback';
import type { VoteGateway, VoteOutcome } from './components/gateway';
import './components/leaderboard';
import './components/vote-controls';
import type { BridgeEvent, BridgeOperation, BridgeResponse } from './embed/protocol';
import { LOCALE_EVENT, t, timeLeft } from './i18n';
import { styles } from './styles';
import { applyAccent } from './theme';

const HOME = new URL(import.meta.url).origin;

type Campaign = NonNullable<WidgetCampaignQuery['campaign']>;
type Mine = NonNullable<CampaignViewerQuery['campaign']> | null;

/** Requests to the bridge frame, answered by postMessage from brandhub's origin only. */
class Bridge {
  readonly frame: HTMLIFrameElement;
  private next = 1;
  private readonly waiting = new Map<number, (r: BridgeResponse) => void>();

  constructor(campaignId: string, private readonly onEvent: (e: BridgeEvent) => void) {
    this.frame = document.createElement('iframe');
    this.frame.src = `${HOME}/embed/bridge?campaign=${encodeURIComponent(campaignId)}`;
    this.frame.title = 'brandhub';
    this.frame.setAttribute('aria-hidden', 'true');
    this.frame.tabIndex = -1;
    this.frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    window.addEventListener('message', this.receive);
  }

  dispose(): void {
    window.removeEventListener('message', this.receive);
    this.frame.remove();
  }

  private readonly receive = (event: MessageEvent) => {
    if (event.origin !== HOME || event.source !== this.frame.contentWindow) return;
    const message = event.data as BridgeResponse | BridgeEvent;
    if (message?.bh === 'response') {
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    } else if (message?.bh === 'ready' || message?.bh === 'session') {
      this.onEvent(message);
    }
  };

  call<T>(operation: BridgeOperation, variables: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('timeout'));
      }, 15000);
      this.waiting.set(id, (response) => {
        clearTimeout(timer);
        if (response.failure) reject(new Error(response.failure.message));
        else resolve(response.data as T);
      });
      this.frame.contentWindow?.postMessage({ bh: 'request', id, operation, variables }, HOME);
    });
  }
}

class BrandhubCampaign extends LitElement {
  static properties = {
    campaign: {},
    data: { state: true },
    mine: { state: true },
    viewer: { state: true },
    error: { state: true },
    bridgeReady: { state: true },
  };
  static styles = unsafeCSS(`${styles}
    :host { display: block; max-width: 40rem; border: 1px solid var(--bh-line); border-radius: var(--bh-radius);
      background: var(--bh-surface); padding: 0.8em 1em; contain: content; text-align: left; }
    .bh-root { color: var(--bh-text); font-family: var(--bh-font); font-size: 16px; line-height: 1.45; }
    h2.title { margin: 0.2em 0; font-size: 1.2rem; }
    .head { display: flex; align-items: center; gap: 0.6em; }
    .proposals { margin-top: 0.6em; }`);

  campaign = '';
  private data: Campaign | null = null;
  private mine: Mine = null;
  private viewer: BridgeEvent['viewer'] = null;
  private error: unknown = null;
  private bridgeReady = false;
  private readonly api = new Api({ endpoint: `${HOME}/graphql` });
  private bridge: Bridge | null = null;
  private readonly relocalise = () => this.requestUpdate();

  private readonly gateway: VoteGateway = {
    castVote: async (proposalId, value) => this.outcome(await this.bridge!.call<any>('castVote', { proposalId, value }), 'castVote'),
    retractVote: async (proposalId) => this.outcome(await this.bridge!.call<any>('retractVote', { proposalId }), 'retractVote'),
    castBallot: async (campaignId, ranking) => this.outcome(await this.bridge!.call<any>('castBallot', { campaignId, ranking }), 'castBallot'),
  };

  private outcome(data: Record<string, any>, field: string): VoteOutcome {
    const payload = data[field];
    if (payload.errors?.some((e: { code: string }) => e.code === 'UNAUTHENTICATED')) this.viewer = null;
    return { errors: payload.errors, pending: payload.vote?.pending ?? payload.ballot?.pending, tally: payload.tally };
  }

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(LOCALE_EVENT, this.relocalise);
    this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(LOCALE_EVENT, this.relocalise);
    this.bridge?.dispose();
    this.bridge = null;
    super.disconnectedCallback();
  }

  private async load(): Promise<void> {
    if (!this.campaign) return;
    try {
      this.data = (await this.api.query(WidgetCampaignDocument, { id: this.campaign })).campaign ?? null;
      this.error = null;
      applyAccent(this, this.data?.brand.accentColor);
      if (this.data && !this.bridge) {
        this.bridge = new Bridge(this.campaign, (event) => {
          this.bridgeReady = true;
          this.viewer = event.viewer;
          this.refreshMine();
        });
        // In the light DOM, unslotted (so never rendered): a frame inside a shadow tree is not
        // among window.frames, where the sign-in popup looks for the bridge.
        this.appendChild(this.bridge.frame);
      }
    } catch (error) {
      this.error = error;
    }
  }

  private async refreshMine(): Promise<void> {
    if (!this.viewer || !this.bridge) {
      this.mine = null;
      return;
    }
    try {
      const data = await this.bridge.call<CampaignViewerQuery>('campaignViewer', { id: this.campaign });
      this.mine = data.campaign ?? null;
    } catch {
      this.mine = null;
    }
  }

  private signIn(): void {
    window.open(`${HOME}/embed/sign-in`, 'brandhub-sign-in', 'popup,width=440,height=600');
  }

  private async signOut(): Promise<void> {
    await this.bridge?.call('signOut').catch(() => undefined);
    this.viewer = null;
    this.mine = null;
  }

  private control(c: Campaign, p: { id: string; title: string }) {
    if (!this.viewer) return nothing;
    const vote = this.mine?.viewerVotes.find((v) => v.proposal?.id === p.id);
    const value = vote ? vote.value : null;
    const pending = vote?.pending ?? false;
    switch (c.voting.method) {
      case 'APPROVAL':
        return html`<bh-vote-approval .gateway=${this.gateway} proposal-id=${p.id} proposal-title=${p.title}
          .value=${value} .pending=${pending}></bh-vote-approval>`;
      case 'SCORE':
        return html`<bh-vote-score .gateway=${this.gateway} proposal-id=${p.id} proposal-title=${p.title}
          .value=${value} .pending=${pending}></bh-vote-score>`;
      case 'QUADRATIC':
        return html`<bh-vote-quadratic .gateway=${this.gateway} proposal-id=${p.id} proposal-title=${p.title}
          .value=${value} .pending=${pending} .remaining=${this.mine?.viewerRemainingBudget ?? 0}
          .credits=${c.voting.creditsPerMember ?? 0}></bh-vote-quadratic>`;
      default:
        return nothing;
    }
  }

  render() {
    return html`<div class="bh-root">${this.body()}</div>`;
  }

  private body() {
    if (this.error) {
      return html`<div>${failure(this.error, () => this.load())}<p class="hint">${t('widget.unreachable')}</p></div>`;
    }
    const c = this.data;
    if (!c) return html`<p class="hint" role="status">${t('state.loading')}</p>`;
    const voting = c.phase === 'VOTING';
    const left = timeLeft(c.votingClosesAt);
    return html`<div class="head">
        ${c.brand.logoUrl ? html`<img class="logo" src=${c.brand.logoUrl} alt=${c.brand.name} />` : html`<strong>${c.brand.name}</strong>`}
      </div>
      <h2 class="title">${c.title}</h2>
      <p class="row"><span class="badge phase">${t(`phase.${c.phase}` as never)}</span>
        ${voting && left ? html`<span class="hint">${t('campaign.closes', { when: left })}</span>` : nothing}</p>
      ${c.results?.winner ? html`<p>${t('results.winner')} <strong>${c.results.winner.title}</strong></p>` : nothing}
      <bh-leaderboard .api=${this.api} campaign-id=${c.id} method=${c.voting.method} .entries=${c.leaderboard}
        .live=${voting} link-base=${HOME}></bh-leaderboard>
      ${voting
        ? html`<div class="row spread">
              ${this.viewer
                ? html`<span>${t('widget.signedInAs', { name: this.viewer.displayName })}</span>
                    <button type="button" class="link" @click=${() => this.signOut()}>${t('nav.signOut')}</button>`
                : html`<button type="button" class="primary" ?disabled=${!this.bridgeReady} @click=${() => this.signIn()}>
                    ${t('widget.signInToVote')}</button>`}
            </div>
            ${this.viewer && this.mine?.viewerRemainingBudget != null
              ? html`<p class="hint">${c.voting.method === 'APPROVAL'
                  ? t('vote.supportsLeft', { count: this.mine.viewerRemainingBudget, total: c.voting.votesPerMember ?? 0 })
                  : t('vote.creditsLeft', { count: this.mine.viewerRemainingBudget, total: c.voting.creditsPerMember ?? 0 })}</p>`
              : nothing}
            ${this.viewer && c.voting.method === 'RANKED'
              ? html`<bh-ballot-ranked .gateway=${this.gateway} campaign-id=${c.id} .choices=${c.proposals.nodes}
                  .saved=${this.mine?.viewerBallot?.ranking.map((p) => p.id) ?? []} @bh-voted=${() => this.refreshMine()}></bh-ballot-ranked>`
              : this.viewer
                ? html`<ul class="plain proposals" @bh-voted=${() => this.refreshMine()}>
                    ${c.proposals.nodes.map((p) => html`<li><span class="grow">${p.title}</span>${this.control(c, p)}</li>`)}
                  </ul>`
                : nothing}`
        : nothing}
      ${c.brand.labelMode === 'GREY' && c.poweredBy
        ? html`<p class="powered">${t('widget.poweredBy', { partner: c.poweredBy })}</p>`
        : nothing}`;
  }
}

if (!customElements.get('brandhub-campaign')) customElements.define('brandhub-campaign', BrandhubCampaign);

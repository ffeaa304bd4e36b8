// The support ladder: <bh-ladder-progress> (a proposal's climb, with its support button),
// <bh-ladder-board> (a campaign's stages and every proposal's climb) and <bh-ladder-review>
// (the owner's review queue: approve, or decline with a reason). Each loads its own data
// from the public API and reloads after a vote anywhere on the page.
import { html, nothing } from 'lit';
import type { Api } from '../api/client';
import { FieldErrors } from '../api/errors';
import {
  ApproveLadderProposalDocument,
  CampaignLadderDocument,
  DeclineLadderProposalDocument,
  ProposalLadderDocument,
  ProposalLadderViewerDocument,
  type CampaignLadderQuery,
  type ProposalLadderQuery,
  type ProposalLadderViewerQuery,
} from '../api/generated/graphql';
import { formatDate, formatNumber, timeLeft } from '../i18n';
import { lt, type LadderKey } from '../i18n/ladder';
import { session } from '../session';
import { BhElement, define } from './base';
import { failure, fieldErrors, formErrors, thrownAsError } from './feedback';
import { directGateway } from './gateway';
import './vote-controls';

type Climb = {
  stage: number;
  lastStage: number;
  supporters: number;
  nextThreshold?: number | null;
  deadline: string;
  status: string;
};

/** Stage, an accessible progress bar toward the next stage, the deadline and the status. */
export function climbSummary(climb: Climb, id: string) {
  const next = climb.nextThreshold ?? null;
  const open = climb.status === 'CLIMBING';
  return html`<p class="row"><span class="badge" data-ladder-status=${climb.status}>${lt(`ladder.status.${climb.status}` as LadderKey)}</span>
      <span data-ladder-stage>${lt('ladder.stage', { stage: climb.stage, last: climb.lastStage })}</span></p>
    ${next !== null
      ? html`<label for=${id}>${lt('ladder.progress', { supporters: climb.supporters, next, stage: climb.stage + 1 })}</label>
          <progress id=${id} max=${next} .value=${Math.min(climb.supporters, next)}></progress>`
      : html`<p>${lt('ladder.progressTop', { supporters: climb.supporters })}</p>`}
    ${open
      ? html`<p data-ladder-deadline=${climb.deadline}>${lt('ladder.deadline', { date: formatDate(climb.deadline), left: timeLeft(climb.deadline)! })}</p>`
      : nothing}`;
}

abstract class LadderElement<D> extends BhElement {
  static properties = { data: { state: true }, error: { state: true } };
  protected get api(): Api {
    return session.api;
  }
  protected data: D | null = null;
  protected error: unknown = null;
  private readonly refresh = () => this.load();

  protected abstract fetch(api: Api): Promise<D>;

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('bh-voted', this.refresh);
    this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('bh-voted', this.refresh);
    super.disconnectedCallback();
  }

  async load(): Promise<void> {
    try {
      this.data = await this.fetch(this.api);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }
}

type ProposalData = {
  proposal: NonNullable<ProposalLadderQuery['proposal']> | null;
  mine: NonNullable<ProposalLadderViewerQuery['campaign']> | null;
};

export class LadderProgress extends LadderElement<ProposalData> {
  static properties = { ...LadderElement.properties, proposalId: { attribute: 'proposal-id' } };
  proposalId = '';

  protected async fetch(api: Api): Promise<ProposalData> {
    const proposal = (await api.query(ProposalLadderDocument, { id: this.proposalId })).proposal ?? null;
    const mine =
      proposal && session.member && proposal.campaign.brand.viewerRole
        ? ((await api.query(ProposalLadderViewerDocument, { id: proposal.campaign.id })).campaign ?? null)
        : null;
    return { proposal, mine };
  }

  private supportButton(p: NonNullable<ProposalData['proposal']>, mine: ProposalData['mine']) {
    if (!mine || p.campaign.phase !== 'VOTING' || p.ladder?.status !== 'CLIMBING') return nothing;
    const vote = mine.viewerVotes.find((v) => v.proposal?.id === p.id);
    return html`<bh-vote-approval .gateway=${directGateway(this.api)} proposal-id=${p.id} proposal-title=${p.title}
      .value=${vote ? vote.value : null} .pending=${vote?.pending ?? false} .remaining=${mine.viewerRemainingBudget ?? null}></bh-vote-approval>`;
  }

  render() {
    if (this.error) return failure(this.error, () => this.load());
    const p = this.data?.proposal;
    // A campaign without a ladder has nothing to climb: no card at all.
    if (!p?.campaign.ladder) return nothing;
    const climb = p.ladder;
    return html`<section class="card" aria-labelledby="ladder-title">
      <h2 id="ladder-title">${lt('ladder.title')}</h2>
      ${climb
        ? html`${climbSummary(climb, 'ladder-progress')}
            ${climb.status === 'DECLINED' && climb.declineReason
              ? html`<p class="notice">${lt('ladder.declinedBecause', { reason: climb.declineReason })}</p>`
              : nothing}
            ${climb.status === 'REVIEW' && p.campaign.brand.viewerRole === 'OWNER'
              ? html`<p><a href=${`/owner/c/${p.campaign.id}`}>${lt('ladder.reviewInConsole')}</a></p>`
              : nothing}
            ${this.supportButton(p, this.data!.mine)}
            <h3>${lt('ladder.history')}</h3>
            <ol class="ladder-history">
              ${climb.events.map(
                (e) => html`<li>${formatDate(e.at)} · ${lt(`ladder.event.${e.type}` as LadderKey, {
                  stage: e.stage,
                  supporters: e.supporters ?? 0,
                  deadline: e.deadline ? formatDate(e.deadline) : '',
                  reason: e.reason ?? '',
                })}</li>`,
              )}
            </ol>`
        : html`<p class="hint">${lt('ladder.notStarted')}</p>`}
    </section>`;
  }
}

type CampaignData = NonNullable<CampaignLadderQuery['campaign']> | null;

export class LadderBoard extends LadderElement<CampaignData> {
  static properties = { ...LadderElement.properties, campaignId: { attribute: 'campaign-id' } };
  campaignId = '';

  protected async fetch(api: Api): Promise<CampaignData> {
    return (await api.query(CampaignLadderDocument, { id: this.campaignId })).campaign ?? null;
  }

  render() {
    if (this.error) return failure(this.error, () => this.load());
    const c = this.data;
    if (!c?.ladder) return nothing;
    const l = c.ladder;
    return html`<section class="card" aria-labelledby="ladder-board-title">
      <h2 id="ladder-board-title">${lt('ladder.title')}</h2>
      <p>${lt('ladder.initial', { count: l.initialDays })}</p>
      <ol aria-label=${lt('ladder.stagesTitle')}>
        ${l.stages.map((s) =>
          s.extensionDays == null
            ? html`<li>${lt('ladder.lastStageLine', { count: s.supporters, supporters: s.supporters })}</li>`
            : html`<li>${lt('ladder.stageLine', { count: s.supporters, supporters: s.supporters, days: s.extensionDays })}</li>`,
        )}
      </ol>
      <ul class="plain">
        ${c.proposals.nodes
          .filter((p) => p.ladder)
          .map(
            (p) => html`<li class="ladder-row" aria-label=${p.title}>
              <div class="grow"><a href=${`/p/${p.id}`}><strong>${p.title}</strong></a>
              ${climbSummary(p.ladder!, `ladder-${p.id}`)}</div>
            </li>`,
          )}
      </ul>
    </section>`;
  }
}

export class LadderReview extends LadderElement<CampaignData> {
  static properties = {
    ...LadderElement.properties,
    campaignId: { attribute: 'campaign-id' },
    busy: { state: true },
    errors: { state: true },
    notice: { state: true },
  };
  campaignId = '';
  private busy = false;
  private errors: { id: string; errors: FieldErrors } | null = null;
  private notice = '';
  /** Reasons as typed, by proposal: kept whatever the server answers. */
  private readonly reasons = new Map<string, string>();

  protected async fetch(api: Api): Promise<CampaignData> {
    return (await api.query(CampaignLadderDocument, { id: this.campaignId })).campaign ?? null;
  }

  private async decide(id: string, approve: boolean): Promise<void> {
    const api = this.api;
    this.busy = true;
    this.errors = null;
    this.notice = '';
    try {
      const payload = approve
        ? (await api.mutate(ApproveLadderProposalDocument, { input: { proposalId: id } })).approveLadderProposal
        : (await api.mutate(DeclineLadderProposalDocument, { input: { proposalId: id, reason: this.reasons.get(id) ?? '' } }))
            .declineLadderProposal;
      if (payload.errors.length) {
        this.errors = { id, errors: new FieldErrors(payload.errors) };
        return;
      }
      this.reasons.delete(id);
      this.notice = approve ? lt('ladder.approved') : lt('ladder.declined');
      await this.load();
      this.emit('bh-ladder-decided', { proposalId: id, approved: approve });
    } catch (error) {
      this.errors = { id, errors: new FieldErrors([thrownAsError(error)]) };
    } finally {
      this.busy = false;
    }
  }

  render() {
    if (this.error) return failure(this.error, () => this.load());
    const queue = this.data?.ladder?.reviewQueue;
    if (!queue) return nothing;
    return html`<section class="card" aria-labelledby="ladder-review-title">
      <h2 id="ladder-review-title">${lt('ladder.review')}</h2>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${queue.length === 0 ? html`<p class="hint">${lt('ladder.reviewEmpty')}</p>` : nothing}
      <ul class="plain">
        ${queue.map((p) => {
          const e = this.errors?.id === p.id ? this.errors.errors : null;
          const reasonId = `decline-${p.id}`;
          return html`<li class="ladder-review-item">
            <div class="grow">
              <a href=${`/p/${p.id}`}><strong>${p.title}</strong></a>
              <span class="hint">${lt('ladder.progressTop', { supporters: formatNumber(p.ladder?.supporters ?? 0) })}</span>
              ${formErrors(e, ['reason'])}
              <div class="field">
                <label for=${reasonId}>${lt('ladder.reason', { title: p.title })}</label>
                <textarea id=${reasonId} rows="2" .value=${this.reasons.get(p.id) ?? ''}
                  aria-invalid=${e?.at('reason').length ? 'true' : 'false'} aria-describedby=${`${reasonId}-error`}
                  @input=${(ev: Event) => this.reasons.set(p.id, (ev.target as HTMLTextAreaElement).value)}></textarea>
                ${fieldErrors(e, 'reason', `${reasonId}-error`)}
              </div>
              <div class="row">
                <button class="primary" type="button" ?disabled=${this.busy} @click=${() => this.decide(p.id, true)}>
                  ${lt('ladder.approve', { title: p.title })}</button>
                <button class="danger" type="button" ?disabled=${this.busy} @click=${() => this.decide(p.id, false)}>
                  ${lt('ladder.decline', { title: p.title })}</button>
              </div>
            </div>
          </li>`;
        })}
      </ul>
    </section>`;
  }
}

define('bh-ladder-progress', LadderProgress);
define('bh-ladder-board', LadderBoard);
define('bh-ladder-review', LadderReview);

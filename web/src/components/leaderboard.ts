// <bh-leaderboard>: the live top of a campaign, pushed by the `leaderboard` subscription.
import { html, nothing } from 'lit';
import type { Api } from '../api/client';
import { LiveLeaderboardDocument, type LiveLeaderboardSubscription } from '../api/generated/graphql';
import { formatNumber, t } from '../i18n';
import { BhElement, define } from './base';

export type Standing = LiveLeaderboardSubscription['leaderboard'][number];

export class Leaderboard extends BhElement {
  static properties = {
    campaignId: { attribute: 'campaign-id' },
    method: {},
    entries: { attribute: false },
    live: { type: Boolean },
    linkBase: { attribute: 'link-base' },
    state: { state: true },
  };

  campaignId = '';
  method = 'APPROVAL';
  entries: Standing[] = [];
  /** Subscribe for pushes (off once the campaign is closed). */
  live = true;
  /** Prefix of proposal links ("" in the app, the app's origin in the widget). */
  linkBase = '';
  api: Api | null = null;
  private state: 'connecting' | 'live' | 'offline' = 'connecting';
  private stop: (() => void) | null = null;

  connectedCallback(): void {
    super.connectedCallback();
    this.listen();
  }

  disconnectedCallback(): void {
    this.stop?.();
    this.stop = null;
    super.disconnectedCallback();
  }

  updated(changed: Map<string, unknown>): void {
    if (changed.has('campaignId') || changed.has('live')) this.listen();
  }

  private listen(): void {
    this.stop?.();
    this.stop = null;
    if (!this.api || !this.campaignId || !this.live) return;
    this.stop = this.api.subscribe(
      LiveLeaderboardDocument,
      { campaignId: this.campaignId, first: 10 },
      (data) => {
        this.entries = data.leaderboard;
        this.state = 'live';
        this.emit('bh-leaderboard', data.leaderboard);
      },
      () => (this.state = 'offline'),
    );
  }

  private score(entry: Standing): string {
    if (this.method === 'SCORE') return t('board.stars', { score: formatNumber(entry.score, 2) });
    if (this.method === 'RANKED') return t('board.points', { score: formatNumber(entry.score, 2) });
    return t('board.score', { score: formatNumber(entry.score, 2) });
  }

  render() {
    return html`<section class="leaderboard" aria-labelledby="board-${this.campaignId}">
      <div class="row spread">
        <h2 id="board-${this.campaignId}">${t(this.live ? 'board.title' : 'board.titleFinal')}</h2>
        ${this.live
          ? html`<span class=${`badge ${this.state}`}>${t(`board.${this.state}`)}</span>`
          : nothing}
      </div>
      ${this.entries.length === 0
        ? html`<p class="hint">${t('board.empty')}</p>`
        : html`<ol class="board" aria-live="polite">
            ${this.entries.map(
              (entry) => html`<li data-proposal=${entry.proposal?.id ?? ''}>
                <span class="rank" aria-hidden="true">${entry.rank}</span>
                <span class="grow">
                  ${entry.proposal
                    ? html`<a href=${`${this.linkBase}/p/${entry.proposal.id}`}>${entry.proposal.title}</a>`
                    : t('board.hidden')}
                </span>
                <span class="score">${this.score(entry)}</span>
                <span class="voters">${t('board.voters', { count: entry.tally?.voters ?? 0 })}</span>
              </li>`,
            )}
          </ol>`}
    </section>`;
  }
}

define('bh-leaderboard', Leaderboard);

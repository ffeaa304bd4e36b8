// <bh-ballot-ranked>: order proposals by drag and drop, or entirely by keyboard with the
// move buttons; each move is announced. An empty ballot withdraws it.
import { html, nothing } from 'lit';
import { FieldErrors } from '../api/errors';
import { t } from '../i18n';
import { BhElement, define } from './base';
import { errorText, thrownAsError } from './feedback';
import type { VoteGateway } from './gateway';

export interface BallotChoice {
  id: string;
  title: string;
}

export class BallotRanked extends BhElement {
  static properties = {
    campaignId: { attribute: 'campaign-id' },
    choices: { attribute: false },
    saved: { attribute: false },
    ranking: { state: true },
    pending: { type: Boolean },
    disabled: { type: Boolean },
    unsaved: { state: true },
    busy: { state: true },
    errors: { state: true },
    announcement: { state: true },
  };

  campaignId = '';
  choices: BallotChoice[] = [];
  /** The viewer's stored ballot (proposal ids in order of preference). */
  saved: string[] = [];
  /** The ballot being edited; starts from ``saved`` and survives re-renders. */
  private ranking: string[] = [];
  private lastSaved = '';
  pending = false;
  disabled = false;
  gateway: VoteGateway | null = null;
  private unsaved = false;
  private busy = false;
  private errors: FieldErrors | null = null;
  private announcement = '';
  private dragged: string | null = null;

  willUpdate(changed: Map<string, unknown>): void {
    const key = JSON.stringify(this.saved);
    if (changed.has('saved') && key !== this.lastSaved) {
      this.lastSaved = key;
      this.ranking = [...this.saved];
      this.unsaved = false;
    }
  }

  private titleOf(id: string): string {
    return this.choices.find((c) => c.id === id)?.title ?? id;
  }

  private update_(ranking: string[], message: string, focus?: string): void {
    this.ranking = ranking;
    this.unsaved = true;
    this.announcement = message;
    if (focus) {
      this.updateComplete.then(() => {
        this.querySelector<HTMLElement>(`[data-focus="${focus}"]`)?.focus();
      });
    }
  }

  private move(id: string, by: number): void {
    const from = this.ranking.indexOf(id);
    const to = from + by;
    if (from < 0 || to < 0 || to >= this.ranking.length) return;
    const next = [...this.ranking];
    next.splice(from, 1);
    next.splice(to, 0, id);
    const direction = by < 0 ? 'up' : 'down';
    this.update_(
      next,
      t('ballot.moved', { title: this.titleOf(id), position: to + 1 }),
      `${direction}-${id}`,
    );
  }

  private add(id: string): void {
    this.update_(
      [...this.ranking, id],
      t('ballot.added', { title: this.titleOf(id), position: this.ranking.length + 1 }),
      `remove-${id}`,
    );
  }

  private removeChoice(id: string): void {
    this.update_(this.ranking.filter((r) => r !== id), t('ballot.removed', { title: this.titleOf(id) }), `add-${id}`);
  }

  private drop(target: string | null): void {
    const id = this.dragged;
    this.dragged = null;
    if (!id || id === target) return;
    const next = this.ranking.filter((r) => r !== id);
    const at = target === null ? next.length : next.indexOf(target);
    next.splice(at < 0 ? next.length : at, 0, id);
    this.update_(next, t('ballot.moved', { title: this.titleOf(id), position: next.indexOf(id) + 1 }));
  }

  private async submit(): Promise<void> {
    if (!this.gateway) return;
    this.busy = true;
    this.errors = null;
    try {
      const outcome = await this.gateway.castBallot(this.campaignId, this.ranking);
      if (outcome.errors.length) {
        this.errors = new FieldErrors(outcome.errors);
      } else {
        this.unsaved = false;
        this.pending = Boolean(outcome.pending) && this.ranking.length > 0;
        this.announcement = this.ranking.length ? t('ballot.saved') : t('ballot.withdrawn');
        this.emit('bh-voted', { campaignId: this.campaignId, ranking: this.ranking, receipt: outcome.receipt });
      }
    } catch (error) {
      this.errors = new FieldErrors([thrownAsError(error)]);
    } finally {
      this.busy = false;
    }
  }

  render() {
    const unranked = this.choices.filter((c) => !this.ranking.includes(c.id));
    const off = this.disabled || this.busy;
    return html`<section class="ballot" aria-labelledby="ballot-title">
      <h3 id="ballot-title">${t('ballot.title')}</h3>
      <p class="hint">${t('ballot.hint')}</p>
      <ol
        class="ranked"
        aria-label=${t('ballot.ranked')}
        @dragover=${(e: DragEvent) => e.preventDefault()}
        @drop=${(e: DragEvent) => {
          e.preventDefault();
          this.drop(null);
        }}
      >
        ${this.ranking.length === 0 ? html`<li class="empty">${t('ballot.empty')}</li>` : nothing}
        ${this.ranking.map(
          (id, index) => html`<li
            draggable=${off ? 'false' : 'true'}
            @dragstart=${(e: DragEvent) => {
              this.dragged = id;
              e.dataTransfer?.setData('text/plain', id);
            }}
            @dragover=${(e: DragEvent) => e.preventDefault()}
            @drop=${(e: DragEvent) => {
              e.preventDefault();
              e.stopPropagation();
              this.drop(id);
            }}
          >
            <span class="rank">${index + 1}</span>
            <span class="grow">${this.titleOf(id)}</span>
            <button type="button" data-focus=${`up-${id}`} ?disabled=${off || index === 0}
              aria-label=${t('ballot.up', { title: this.titleOf(id) })} @click=${() => this.move(id, -1)}>↑</button>
            <button type="button" data-focus=${`down-${id}`} ?disabled=${off || index === this.ranking.length - 1}
              aria-label=${t('ballot.down', { title: this.titleOf(id) })} @click=${() => this.move(id, 1)}>↓</button>
            <button type="button" data-focus=${`remove-${id}`} ?disabled=${off}
              aria-label=${t('ballot.remove', { title: this.titleOf(id) })} @click=${() => this.removeChoice(id)}>✕</button>
          </li>`,
        )}
      </ol>
      ${unranked.length
        ? html`<h4>${t('ballot.unranked')}</h4>
            <ul class="unranked">
              ${unranked.map(
                (c) => html`<li
                  draggable=${off ? 'false' : 'true'}
                  @dragstart=${(e: DragEvent) => {
                    this.dragged = c.id;
                    e.dataTransfer?.setData('text/plain', c.id);
                  }}
                >
                  <span class="grow">${c.title}</span>
                  <button type="button" data-focus=${`add-${c.id}`} ?disabled=${off}
                    aria-label=${t('ballot.add', { title: c.title })} @click=${() => this.add(c.id)}>
                    ${t('ballot.addShort')}
                  </button>
                </li>`,
              )}
            </ul>`
        : nothing}
      <div class="row">
        <button type="button" class="primary" ?disabled=${off || !this.unsaved} @click=${() => this.submit()}>
          ${this.ranking.length ? t('ballot.submit') : t('ballot.withdraw')}
        </button>
        ${!this.unsaved && this.ranking.length ? html`<span class="badge">${t('ballot.isSaved')}</span>` : nothing}
        ${this.pending ? html`<span class="badge pending">${t('vote.pending')}</span>` : nothing}
      </div>
      ${this.errors?.any
        ? html`<p class="field-error" role="alert">${this.errors.all.map((e) => errorText(e)).join(' ')}</p>`
        : nothing}
      <p class="visually-hidden" aria-live="polite">${this.announcement}</p>
    </section>`;
  }
}

define('bh-ballot-ranked', BallotRanked);

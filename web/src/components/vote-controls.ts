// One voting control per method: <bh-vote-approval>, <bh-vote-score>, <bh-vote-quadratic>.
// Each casts through a VoteGateway, shows pending votes as pending, and puts refusals
// (budget, phase) right beside itself.
import { html, nothing } from 'lit';
import { FieldErrors } from '../api/errors';
import { t } from '../i18n';
import { BhElement, define } from './base';
import { errorText, thrownAsError } from './feedback';
import type { VoteGateway, VoteOutcome } from './gateway';

abstract class VoteControl extends BhElement {
  static properties = {
    proposalId: { attribute: 'proposal-id' },
    proposalTitle: { attribute: 'proposal-title' },
    value: { type: Number },
    pending: { type: Boolean },
    disabled: { type: Boolean },
    busy: { state: true },
    errors: { state: true },
  };

  proposalId = '';
  proposalTitle = '';
  /** The viewer's current vote on this proposal, or null. */
  value: number | null = null;
  pending = false;
  disabled = false;
  gateway: VoteGateway | null = null;
  protected busy = false;
  protected errors: FieldErrors | null = null;

  protected async send(call: () => Promise<VoteOutcome>, next: number | null): Promise<void> {
    if (!this.gateway) return;
    this.busy = true;
    this.errors = null;
    try {
      const outcome = await call();
      if (outcome.errors.length) {
        this.errors = new FieldErrors(outcome.errors);
      } else {
        this.value = next;
        this.pending = Boolean(outcome.pending) && next !== null;
        this.emit('bh-voted', {
          proposalId: this.proposalId,
          value: next,
          tally: outcome.tally,
          receipt: outcome.receipt,
        });
      }
    } catch (error) {
      this.errors = new FieldErrors([thrownAsError(error)]);
    } finally {
      this.busy = false;
    }
  }

  protected cast(value: number): Promise<void> {
    return this.send(() => this.gateway!.castVote(this.proposalId, value), value);
  }

  protected retract(): Promise<void> {
    return this.send(() => this.gateway!.retractVote(this.proposalId), null);
  }

  protected status() {
    return html`${this.pending && this.value !== null
      ? html`<span class="badge pending">${t('vote.pending')}</span>`
      : nothing}
    ${this.errors?.any
      ? html`<p class="field-error" role="alert">
          ${this.errors.all.map((e) => errorText(e)).join(' ')}
        </p>`
      : nothing}`;
  }
}

export class VoteApproval extends VoteControl {
  static properties = { ...VoteControl.properties, remaining: { type: Number } };
  remaining: number | null = null;

  render() {
    const supported = this.value !== null && this.value > 0;
    return html`<div class="vote vote-approval">
      <button
        type="button"
        class=${supported ? 'toggle on' : 'toggle'}
        aria-pressed=${supported ? 'true' : 'false'}
        aria-label=${t('vote.supportNamed', { title: this.proposalTitle })}
        title=${supported ? t('vote.supported') : nothing}
        ?disabled=${this.disabled || this.busy}
        @click=${() => (supported ? this.retract() : this.cast(1))}
      >
        ${t('vote.support')}${supported ? html`<span aria-hidden="true"> ✓</span>` : nothing}
      </button>
      ${this.status()}
    </div>`;
  }
}

export class VoteScore extends VoteControl {
  render() {
    const name = `score-${this.proposalId}`;
    return html`<div class="vote vote-score">
      <fieldset class="stars" ?disabled=${this.disabled || this.busy}>
        <legend>${t('vote.scoreLegend', { title: this.proposalTitle })}</legend>
        ${[0, 1, 2, 3, 4, 5].map(
          (n) => html`<label class=${this.value !== null && n <= this.value && n > 0 ? 'star lit' : 'star'}>
            <input
              type="radio"
              name=${name}
              .value=${String(n)}
              .checked=${this.value === n}
              @change=${() => this.cast(n)}
            />
            <span aria-hidden="true">${n === 0 ? '0' : '★'}</span>
            <span class="visually-hidden">${t('vote.stars', { count: n })}</span>
          </label>`,
        )}
      </fieldset>
      ${this.value !== null
        ? html`<button type="button" class="link" ?disabled=${this.busy} @click=${() => this.retract()}>
            ${t('vote.retract')}
          </button>`
        : nothing}
      ${this.status()}
    </div>`;
  }
}

export class VoteQuadratic extends VoteControl {
  static properties = {
    ...VoteControl.properties,
    remaining: { type: Number },
    credits: { type: Number },
    draft: { state: true },
  };
  /** Credits left before this proposal's current vote is counted back. */
  remaining: number | null = null;
  credits = 0;
  private draft: number | null = null;

  private get shown(): number {
    return this.draft ?? this.value ?? 0;
  }

  render() {
    const n = this.shown;
    const current = this.value ?? 0;
    const available = (this.remaining ?? 0) + current * current;
    const cost = n * n;
    const over = cost > available;
    const changed = n !== current;
    return html`<div class="vote vote-quadratic">
      <div class="stepper" role="group" aria-label=${t('vote.quadraticNamed', { title: this.proposalTitle })}>
        <button
          type="button"
          aria-label=${t('vote.less')}
          ?disabled=${this.disabled || this.busy}
          @click=${() => (this.draft = n - 1)}
        >−</button>
        <output aria-live="polite">${t('vote.votes', { count: n })}</output>
        <button
          type="button"
          aria-label=${t('vote.more')}
          ?disabled=${this.disabled || this.busy}
          @click=${() => (this.draft = n + 1)}
        >+</button>
      </div>
      <p class=${over ? 'meter-text over' : 'meter-text'}>
        ${t('vote.quadraticCost', { count: n, cost, available })}
      </p>
      <meter min="0" max=${Math.max(this.credits, 1)} .value=${cost} aria-label=${t('vote.creditMeter')}></meter>
      <div class="row">
        <button
          type="button"
          class="primary"
          ?disabled=${this.disabled || this.busy || !changed}
          @click=${async () => {
            await (n === 0 ? this.retract() : this.cast(n));
            if (!this.errors?.any) this.draft = null;
          }}
        >
          ${t('vote.commit')}
        </button>
        ${changed
          ? html`<button type="button" class="link" @click=${() => (this.draft = null)}>${t('action.cancel')}</button>`
          : nothing}
      </div>
      ${this.status()}
    </div>`;
  }
}

define('bh-vote-approval', VoteApproval);
define('bh-vote-score', VoteScore);
define('bh-vote-quadratic', VoteQuadratic);

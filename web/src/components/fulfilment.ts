// <bh-fulfilment handoff="…">: the partner marks the pledges of a shipped product delivered
// (each, or all at once); their members may then rate it. <bh-partner-rating partner="…">: the
// partner's rating across its products.
import { html, nothing } from 'lit';
import {
  FulfilPledgesDocument,
  HandoffPledgesDocument,
  PartnerRatingDocument,
  type HandoffPledgesQuery,
  type PartnerRatingQuery,
} from '../api/generated/graphql';
import { formatDate, formatNumber } from '../i18n';
import { tr } from '../i18n/ratings';
import { session } from '../session';
import { define } from './base';
import { failure, formErrors } from './feedback';
import { Panel } from './panel';

type Pledges = NonNullable<HandoffPledgesQuery['handoff']>;

class Fulfilment extends Panel<Pledges> {
  static properties = { ...Panel.properties, handoff: {} };
  handoff = '';
  private chosen = new Set<string>();

  protected async fetch(): Promise<Pledges | null> {
    return (await session.api.query(HandoffPledgesDocument, { id: this.handoff })).handoff ?? null;
  }

  private fulfil(input: { pledgeIds?: string[]; all?: boolean }) {
    return this.submit(async () => {
      const payload = (await session.api.mutate(FulfilPledgesDocument, { input: { handoffId: this.handoff, ...input } })).fulfilPledges;
      if (!payload.errors.length) this.chosen.clear();
      return payload;
    }, undefined, tr('fulfil.done'));
  }

  protected view(h: Pledges) {
    if (h.status !== 'SHIPPED') return nothing;
    const pledges = h.pledges.nodes;
    const open = pledges.filter((p) => !p.fulfilledAt);
    return html`<section aria-labelledby=${`fulfil-${h.id}`}>
      <h4 id=${`fulfil-${h.id}`}>${tr('fulfil.title')}</h4>
      <p class="hint">${tr('fulfil.hint')}</p>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${formErrors(this.errors)}
      <ul class="plain">${pledges.map((p, i) => html`<li>
        ${p.fulfilledAt
          ? html`<span>${tr('fulfil.pledge', { n: i + 1, count: p.units })} · ${tr('fulfil.fulfilledAt', { at: formatDate(p.fulfilledAt) })}</span>`
          : html`<input type="checkbox" id=${`pl-${p.id}`} .checked=${this.chosen.has(p.id)}
                @change=${(ev: Event) => { if ((ev.target as HTMLInputElement).checked) this.chosen.add(p.id); else this.chosen.delete(p.id); this.requestUpdate(); }} />
              <label for=${`pl-${p.id}`}>${tr('fulfil.pledge', { n: i + 1, count: p.units })} · ${formatDate(p.createdAt)}</label>`}
      </li>`)}</ul>
      ${open.length === 0
        ? html`<p class="hint">${tr('fulfil.allDelivered')}</p>`
        : html`<div class="row">
        <button type="button" ?disabled=${this.busy || this.chosen.size === 0} @click=${() => this.fulfil({ pledgeIds: [...this.chosen] })}>
          ${tr('fulfil.selected', { count: this.chosen.size })}</button>
        <button type="button" class="primary" ?disabled=${this.busy || open.length === 0} @click=${() => this.fulfil({ all: true })}>
          ${tr('fulfil.all', { count: open.length })}</button>
      </div>`}
    </section>`;
  }

  render() {
    if (this.failed && !this.data) return failure(this.failed, () => this.load());
    return this.data ? this.view(this.data) : nothing;
  }
}

type Rated = Extract<NonNullable<PartnerRatingQuery['node']>, { rating: unknown }>;

class PartnerRating extends Panel<Rated> {
  static properties = { ...Panel.properties, partner: {} };
  partner = '';

  protected async fetch(): Promise<Rated | null> {
    const node = (await session.api.query(PartnerRatingDocument, { id: this.partner })).node;
    return node && 'rating' in node ? (node as Rated) : null;
  }

  protected view(p: Rated) {
    const r = p.rating;
    return html`<p class="partner-rating">${r.count
      ? html`${tr('partnerRating.summary', { average: formatNumber(r.bayesianAverage), count: r.count, products: r.products })}`
      : tr('partnerRating.none')}</p>`;
  }

  render() {
    return this.data ? this.view(this.data) : nothing;
  }
}

define('bh-fulfilment', Fulfilment);
define('bh-partner-rating', PartnerRating);

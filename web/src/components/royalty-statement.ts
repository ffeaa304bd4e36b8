// <bh-royalty-statement>: royalties owed to the signed-in member (kind="member") or to a brand
// (kind="brand", slug=…, for its owners), by period: balances, entries, and a CSV download.
import { html, nothing } from 'lit';
import type { Api } from '../api/client';
import {
  BrandRoyaltyStatementDocument,
  MyRoyaltyStatementDocument,
  type RoyaltyStatementFieldsFragment,
} from '../api/generated/graphql';
import { formatDate, formatDay, formatMoney, formatNumber, t } from '../i18n';
import { BhElement, define } from './base';
import { failure } from './feedback';

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export class RoyaltyStatement extends BhElement {
  static properties = {
    kind: {},
    slug: {},
    start: { state: true },
    end: { state: true },
    statement: { state: true },
    error: { state: true },
  };

  kind: 'member' | 'brand' = 'member';
  slug = '';
  api: Api | null = null;
  private start = `${new Date().getUTCFullYear()}-01-01`;
  private end = today();
  private statement: RoyaltyStatementFieldsFragment | null = null;
  private error: unknown = null;

  connectedCallback(): void {
    super.connectedCallback();
    this.load();
  }

  async load(): Promise<void> {
    if (!this.api) return;
    this.error = null;
    try {
      if (this.kind === 'brand') {
        const data = await this.api.query(BrandRoyaltyStatementDocument, { slug: this.slug, from: this.start, to: this.end });
        this.statement = data.brand?.royaltyStatement ?? null;
      } else {
        const data = await this.api.query(MyRoyaltyStatementDocument, { from: this.start, to: this.end });
        this.statement = data.viewer?.__typename === 'Member' ? data.viewer.royaltyStatement : null;
      }
    } catch (error) {
      this.error = error;
    }
  }

  /** The statement's CSV, handed to the browser as a file. */
  private download(): void {
    if (!this.statement) return;
    const url = URL.createObjectURL(new Blob([this.statement.csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `royalties-${this.kind === 'brand' ? this.slug : 'me'}-${this.start}-${this.end}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  render() {
    const s = this.statement;
    const id = `rs-${this.kind}`;
    return html`<section class="card" aria-labelledby=${`${id}-title`}>
      <h2 id=${`${id}-title`}>${this.kind === 'brand' ? t('royalty.brandStatement') : t('royalty.myStatement')}</h2>
      <form class="row" novalidate @submit=${(ev: SubmitEvent) => { ev.preventDefault(); this.load(); }}>
        <div class="field"><label for=${`${id}-from`}>${t('royalty.from')}</label>
          <input id=${`${id}-from`} type="date" .value=${this.start} @input=${(ev: Event) => (this.start = (ev.target as HTMLInputElement).value)} /></div>
        <div class="field"><label for=${`${id}-to`}>${t('royalty.to')}</label>
          <input id=${`${id}-to`} type="date" .value=${this.end} @input=${(ev: Event) => (this.end = (ev.target as HTMLInputElement).value)} /></div>
        <button type="submit">${t('royalty.show')}</button>
        <button type="button" ?disabled=${!s} @click=${() => this.download()}>${t('royalty.csv')}</button>
      </form>
      ${this.error ? failure(this.error, () => this.load()) : nothing}
      ${s
        ? html`${s.balances.length === 0 ? html`<p class="hint">${t('royalty.none')}</p>` : nothing}
            ${s.balances.length
              ? html`<div class="table-scroll" role="region" tabindex="0" aria-label=${t('royalty.balances', { from: formatDay(s.from), to: formatDay(s.to) })}><table class="balances">
                  <caption>${t('royalty.balances', { from: formatDay(s.from), to: formatDay(s.to) })}</caption>
                  <thead><tr><th scope="col">${t('royalty.currency')}</th><th scope="col">${t('royalty.opening')}</th>
                    <th scope="col">${t('royalty.accrued')}</th><th scope="col">${t('royalty.reversed')}</th><th scope="col">${t('royalty.closing')}</th></tr></thead>
                  <tbody>${s.balances.map((b) => html`<tr><th scope="row">${b.currency}</th><td>${formatMoney(b.opening, b.currency)}</td>
                    <td>${formatMoney(b.accrued, b.currency)}</td><td>${formatMoney(b.reversed, b.currency)}</td>
                    <td class="closing">${formatMoney(b.closing, b.currency)}</td></tr>`)}</tbody>
                </table></div>`
              : nothing}
            ${s.entries.length
              ? html`<div class="table-scroll" role="region" tabindex="0" aria-label=${t('royalty.entries')}><table class="entries">
                  <caption>${t('royalty.entries')}</caption>
                  <thead><tr><th scope="col">${t('royalty.booked')}</th><th scope="col">${t('royalty.product')}</th>
                    <th scope="col">${t('royalty.period')}</th><th scope="col">${t('royalty.units')}</th><th scope="col">${t('royalty.amount')}</th></tr></thead>
                  <tbody>${s.entries.map((e) => html`<tr><td>${formatDate(e.at)}</td>
                    <td>${e.product}${e.kind === 'REVERSAL' ? html` <span class="badge">${t('royalty.reversal')}</span>` : nothing}</td>
                    <td>${formatDay(e.periodStart)} – ${formatDay(e.periodEnd)}</td><td>${formatNumber(e.units)}</td>
                    <td>${formatMoney(e.amount, e.currency)}</td></tr>`)}</tbody>
                </table></div>`
              : nothing}
            ${s.truncated ? html`<p class="hint">${t('royalty.truncated')}</p>` : nothing}`
        : nothing}
    </section>`;
  }
}

define('bh-royalty-statement', RoyaltyStatement);

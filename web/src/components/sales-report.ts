// <bh-sales-report>: for a partner, a shipped handoff's royalty rules, its sales reports, and
// the form that reports a period's sales (sent with an idempotency key, so a retry is safe).
import { html, nothing } from 'lit';
import type { Api } from '../api/client';
import { FieldErrors } from '../api/errors';
import {
  HandoffSalesDocument,
  ReportSalesDocument,
  ReverseSalesReportDocument,
  type HandoffSalesQuery,
} from '../api/generated/graphql';
import { formatDay, formatMoney, t } from '../i18n';
import { BhElement, define } from './base';
import { failure, fieldErrors, formErrors, thrownAsError } from './feedback';

type Handoff = NonNullable<HandoffSalesQuery['handoff']>;
const FIELDS = ['periodStart', 'periodEnd', 'units', 'netRevenue', 'currency'] as const;
type Field = (typeof FIELDS)[number];

function newKey(): string {
  return crypto.randomUUID();
}

export class SalesReport extends BhElement {
  static properties = {
    handoffId: { attribute: 'handoff-id' },
    handoff: { state: true },
    errors: { state: true },
    error: { state: true },
    busy: { state: true },
    notice: { state: true },
  };

  handoffId = '';
  api: Api | null = null;
  private handoff: Handoff | null = null;
  private errors: FieldErrors | null = null;
  private error: unknown = null;
  private busy = false;
  private notice = '';
  private draft: Record<Field, string> = { periodStart: '', periodEnd: '', units: '', netRevenue: '', currency: 'EUR' };
  private reasons = new Map<string, string>();
  private reversing = '';
  /** Kept until the report is recorded: sending the same report again records it once. */
  private key = newKey();

  connectedCallback(): void {
    super.connectedCallback();
    this.load();
  }

  private async load(): Promise<void> {
    if (!this.api || !this.handoffId) return;
    try {
      this.handoff = (await this.api.query(HandoffSalesDocument, { id: this.handoffId })).handoff ?? null;
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  private async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.api) return;
    this.reversing = '';
    const d = this.draft;
    this.busy = true;
    this.errors = null;
    this.notice = '';
    try {
      const payload = (await this.api.mutate(ReportSalesDocument, {
        input: {
          handoffId: this.handoffId, idempotencyKey: this.key,
          periodStart: d.periodStart, periodEnd: d.periodEnd, units: Number(d.units || 'NaN'),
          netRevenue: d.netRevenue.trim().replace(',', '.'), currency: d.currency.trim().toUpperCase(),
        },
      })).reportSales;
      if (payload.errors.length) {
        this.errors = new FieldErrors(payload.errors);
        await this.updateComplete;
        this.querySelector<HTMLElement>('[aria-invalid="true"], .alert')?.focus?.();
        return;
      }
      this.key = newKey();
      this.draft = { periodStart: '', periodEnd: '', units: '', netRevenue: '', currency: d.currency };
      await this.load();
      this.notice = t('sales.recorded', { royalties: formatMoney(payload.salesReport!.royalties, d.currency.trim().toUpperCase()) });
    } catch (error) {
      this.errors = new FieldErrors([thrownAsError(error)]);
    } finally {
      this.busy = false;
    }
  }

  /** A correction is a reversal (then a new report), never an edit. */
  private async reverse(reportId: string): Promise<void> {
    if (!this.api) return;
    this.busy = true;
    this.errors = null;
    this.notice = '';
    this.reversing = reportId;
    try {
      const payload = (await this.api.mutate(ReverseSalesReportDocument, {
        input: { salesReportId: reportId, reason: this.reasons.get(reportId) ?? '' },
      })).reverseSalesReport;
      if (payload.errors.length) {
        this.errors = new FieldErrors(payload.errors);
        return;
      }
      this.reversing = '';
      await this.load();
      this.notice = t('sales.reversed');
    } catch (error) {
      this.errors = new FieldErrors([thrownAsError(error)]);
    } finally {
      this.busy = false;
    }
  }

  private reversal(r: Handoff['salesReports'][number]) {
    if (r.status === 'REVERSED') return html`<span class="badge">${t('royalty.reversal')}</span>`;
    const id = `reverse-${r.id}`;
    const e = this.reversing === r.id ? this.errors : null;
    return html`<details><summary>${t('sales.reverse')}</summary>
      <div class="field"><label for=${id}>${t('sales.reverseReason')}</label>
        <input id=${id} .value=${this.reasons.get(r.id) ?? ''} aria-invalid=${e?.at('reason').length ? 'true' : 'false'}
          aria-describedby=${`${id}-error`} @input=${(ev: Event) => this.reasons.set(r.id, (ev.target as HTMLInputElement).value)} />
        ${fieldErrors(e, 'reason', `${id}-error`)}</div>
      ${formErrors(e, ['reason'])}
      <button type="button" class="danger" ?disabled=${this.busy} @click=${() => this.reverse(r.id)}>${t('sales.reverse')}</button>
    </details>`;
  }

  render() {
    const h = this.handoff;
    if (this.error) return failure(this.error, () => this.load());
    if (!h) return nothing;
    const id = (name: string) => `sales-${h.id}-${name}`;
    const e = this.reversing ? null : this.errors;
    const input = (name: Field, label: Parameters<typeof t>[0], type = 'text', mode?: string) => html`<div class="field">
      <label for=${id(name)}>${t(label)}</label>
      <input id=${id(name)} type=${type} inputmode=${mode ?? nothing} .value=${this.draft[name]}
        aria-invalid=${e?.at(name).length ? 'true' : 'false'} aria-describedby=${id(`${name}-error`)}
        @input=${(ev: Event) => (this.draft[name] = (ev.target as HTMLInputElement).value)} />
      ${fieldErrors(e, name, id(`${name}-error`))}
    </div>`;
    const rules = h.royaltyRules;
    return html`<section class="sales" aria-labelledby=${id('title')}>
      <h4 id=${id('title')}>${t('sales.title')}</h4>
      <p class="hint">${rules
        ? t('sales.rules', { brand: rules.brandPercent, authors: rules.authorsPercent, names: rules.authors.map((a) => a.displayName).join(', ') })
        : t('sales.noRules')}</p>
      ${h.salesReports.length
        ? html`<ul class="plain">${h.salesReports.map((r) => html`<li>${formatDay(r.periodStart)} – ${formatDay(r.periodEnd)} ·
            ${t('sales.units', { count: r.units })} · ${formatMoney(r.netRevenue, r.currency)} · ${t('sales.royalties')} ${formatMoney(r.royalties, r.currency)}
            ${this.reversal(r)}</li>`)}</ul>`
        : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <form novalidate @submit=${(ev: SubmitEvent) => this.send(ev)}>
        ${this.reversing ? nothing : formErrors(e, [...FIELDS])}
        ${input('periodStart', 'sales.periodStart', 'date')} ${input('periodEnd', 'sales.periodEnd', 'date')}
        ${input('units', 'sales.unitsSold', 'text', 'numeric')} ${input('netRevenue', 'sales.netRevenue', 'text', 'decimal')}
        ${input('currency', 'quote.currency')}
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('sales.report')}</button>
      </form>
    </section>`;
  }
}

define('bh-sales-report', SalesReport);

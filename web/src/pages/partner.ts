// Partner console (API key): handoffs with the frozen spec and digest, acknowledge or decline,
// quote with price tiers, production status; webhook deliveries and redelivery; key rotation.
import { html, nothing } from 'lit';
import {
  AcknowledgeHandoffDocument,
  DeclineHandoffDocument,
  PartnerConsoleDocument,
  RedeliverEventDocument,
  RotatePartnerKeyDocument,
  RotateWebhookSecretDocument,
  SubmitQuoteDocument,
  UpdateProductionStatusDocument,
  type PartnerConsoleQuery,
  type ProductionStatus,
} from '../api/generated/graphql';
import { define } from '../components/base';
import { fieldErrors, formErrors } from '../components/feedback';
import '../components/spec-view';
import '../components/fulfilment';
import '../components/sales-report';
import { formatDate, formatDay, formatMoney, formatNumber, t } from '../i18n';
import { session } from '../session';
import { Page } from './page';

type Data = PartnerConsoleQuery | null;
type Handoff = Extract<NonNullable<PartnerConsoleQuery['viewer']>, { __typename: 'Partner' }>['handoffs']['nodes'][number];

interface QuoteDraft {
  currency: string;
  tiers: { minUnits: string; unitPrice: string }[];
  moq: string;
  leadTimeDays: string;
  validUntil: string;
}

class PartnerPage extends Page<Data> {
  static properties = { ...Page.properties, secret: { state: true } };
  private key = '';
  private quotes = new Map<string, QuoteDraft>();
  private reasons = new Map<string, string>();
  private target = '';
  /** A key or secret just issued: shown once. */
  private secret = '';

  protected heading(): string {
    return t('partner.title');
  }

  protected async fetch(): Promise<Data> {
    if (!session.partner) return null;
    return await session.api.query(PartnerConsoleDocument, {});
  }

  private async signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.busy = true;
    this.errors = null;
    await session.start(this.key.trim());
    this.busy = false;
    if (!session.partner) {
      session.end();
      this.errors = new (await import('../api/errors')).FieldErrors([
        { code: 'INVALID_CREDENTIALS', message: t('partner.badKey'), field: ['apiKey'] },
      ]);
    }
  }

  private quoteDraft(h: Handoff): QuoteDraft {
    let draft = this.quotes.get(h.id);
    if (!draft) {
      const q = h.quote;
      const inMonth = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
      draft = q
        ? { currency: q.currency, tiers: q.tiers.map((x) => ({ minUnits: String(x.minUnits), unitPrice: x.unitPrice })),
            moq: String(q.moq), leadTimeDays: String(q.leadTimeDays), validUntil: q.validUntil.slice(0, 10) }
        : { currency: 'EUR', tiers: [{ minUnits: '1', unitPrice: '' }], moq: '', leadTimeDays: '', validUntil: inMonth };
      this.quotes.set(h.id, draft);
    }
    return draft;
  }

  private act<P extends { errors: readonly { code: string; message: string; field: readonly string[] | null }[] }>(handoffId: string, call: () => Promise<P>, notice: string) {
    this.target = handoffId;
    return this.submit(call, undefined, notice);
  }

  /** The fields the quote form shows its errors beside (only while it is shown). */
  private quoteFields(h: Handoff): string[] {
    if (!['ACKNOWLEDGED', 'QUOTED'].includes(h.status)) return [];
    const d = this.quoteDraft(h);
    return ['currency', 'moq', 'leadTimeDays', 'validUntil', 'tiers', ...d.tiers.flatMap((_, i) => [`tiers.${i}.minUnits`, `tiers.${i}.unitPrice`])];
  }

  private quoteForm(h: Handoff) {
    const d = this.quoteDraft(h);
    const e = this.target === h.id ? this.errors : null;
    const id = (name: string) => `q-${h.id}-${name}`;
    const input = (name: 'currency' | 'moq' | 'leadTimeDays' | 'validUntil', label: Parameters<typeof t>[0], type = 'text') => html`<div class="field">
      <label for=${id(name)}>${t(label)}</label>
      <input id=${id(name)} type=${type} .value=${d[name]} aria-invalid=${e?.at(name).length ? 'true' : 'false'}
        aria-describedby=${id(`${name}-error`)} @input=${(ev: Event) => (d[name] = (ev.target as HTMLInputElement).value)} />
      ${fieldErrors(e, name, id(`${name}-error`))}
    </div>`;
    return html`<form novalidate class="quote" @submit=${(ev: SubmitEvent) => {
      ev.preventDefault();
      this.act(h.id, async () => (await session.api.mutate(SubmitQuoteDocument, {
        input: {
          handoffId: h.id, currency: d.currency.trim().toUpperCase(),
          tiers: d.tiers.map((x) => ({ minUnits: Number(x.minUnits), unitPrice: x.unitPrice.trim().replace(',', '.') })),
          moq: Number(d.moq), leadTimeDays: Number(d.leadTimeDays),
          validUntil: new Date(`${d.validUntil}T23:59:00Z`).toISOString(),
        },
      })).submitQuote, t('quote.sent'));
    }}>
      <h4>${h.quote ? t('quote.revise') : t('quote.new')}</h4>
      ${input('currency', 'quote.currency')}
      <fieldset>
        <legend>${t('quote.tiers')}</legend>
        ${d.tiers.map((tier, i) => html`<div class="item">
          <div class="field"><label for=${id(`min-${i}`)}>${t('quote.minUnits')} (${i + 1})</label>
            <input id=${id(`min-${i}`)} inputmode="numeric" .value=${tier.minUnits} aria-invalid=${e?.at(`tiers.${i}.minUnits`).length ? 'true' : 'false'}
              aria-describedby=${id(`min-${i}-error`)} @input=${(ev: Event) => (tier.minUnits = (ev.target as HTMLInputElement).value)} />
            ${fieldErrors(e, `tiers.${i}.minUnits`, id(`min-${i}-error`))}</div>
          <div class="field"><label for=${id(`price-${i}`)}>${t('quote.unitPrice')} (${i + 1})</label>
            <input id=${id(`price-${i}`)} inputmode="decimal" .value=${tier.unitPrice} aria-invalid=${e?.at(`tiers.${i}.unitPrice`).length ? 'true' : 'false'}
              aria-describedby=${id(`price-${i}-error`)} @input=${(ev: Event) => (tier.unitPrice = (ev.target as HTMLInputElement).value)} />
            ${fieldErrors(e, `tiers.${i}.unitPrice`, id(`price-${i}-error`))}</div>
          ${d.tiers.length > 1 ? html`<button type="button" class="link" @click=${() => { d.tiers.splice(i, 1); this.requestUpdate(); }}>${t('action.remove')}</button>` : nothing}
        </div>`)}
        <button type="button" @click=${() => { d.tiers.push({ minUnits: '', unitPrice: '' }); this.requestUpdate(); }}>${t('quote.addTier')}</button>
        ${fieldErrors(e, 'tiers', id('tiers-error'))}
      </fieldset>
      ${input('moq', 'quote.moq')} ${input('leadTimeDays', 'quote.leadTime')} ${input('validUntil', 'quote.validUntil', 'date')}
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('quote.submit')}</button>
    </form>`;
  }

  private handoff(h: Handoff) {
    const reason = this.reasons.get(h.id) ?? '';
    const early = ['RECEIVED', 'ACKNOWLEDGED', 'QUOTED'].includes(h.status);
    return html`<article class="card" aria-labelledby=${`h-${h.id}`}>
      <h3 id=${`h-${h.id}`}>${h.proposal ? html`<a href=${`/p/${h.proposal.id}`}>${h.title}</a>` : h.title} <span class="badge">${t(`handoffStatus.${h.status}` as never)}</span></h3>
      <p class="hint">${h.coBranding.startsWith(h.brand.name) ? h.coBranding : `${h.brand.name} · ${h.coBranding}`} · ${t('revision.number', { n: h.revision })} · ${formatDate(h.createdAt)}</p>
      ${h.summary ? html`<p>${h.summary}</p>` : nothing}
      <details><summary>${t('partner.frozenSpec')}</summary>
        <bh-spec-view .spec=${h.spec} template=${h.campaign.specTemplate}></bh-spec-view></details>
      <p class="hint">${t('proposal.digest')} <code class="digest">${h.specDigest}</code></p>
      ${h.quote
        ? html`<p>${t('partner.currentQuote')}: ${h.quote.tiers.map((x) => `${formatNumber(x.minUnits)}+ → ${formatMoney(x.unitPrice, h.quote!.currency)}`).join(' · ')}
            · ${t('quote.terms', { moq: h.quote.moq, days: h.quote.leadTimeDays, until: formatDay(h.quote.validUntil) })}</p>`
        : nothing}
      <p>${t('pledge.total', { count: h.demand.pledgedUnits })}${h.demand.moq ? html` · ${t('pledge.moq', { count: h.demand.pledgedUnits, moq: h.demand.moq })}` : nothing}</p>
      <div class="row">
        ${h.status === 'RECEIVED'
          ? html`<button class="primary" type="button" ?disabled=${this.busy}
              @click=${() => this.act(h.id, async () => (await session.api.mutate(AcknowledgeHandoffDocument, { input: { handoffId: h.id } })).acknowledgeHandoff, t('partner.acknowledged'))}>
              ${t('partner.acknowledge')}</button>`
          : nothing}
        ${['ACCEPTED', 'IN_PRODUCTION'].includes(h.status)
          ? (['IN_PRODUCTION', 'SHIPPED'] as ProductionStatus[]).filter((s) => s !== h.status).map((s) => html`<button type="button" ?disabled=${this.busy}
              @click=${() => this.act(h.id, async () => (await session.api.mutate(UpdateProductionStatusDocument, { input: { handoffId: h.id, status: s } })).updateProductionStatus, t('partner.statusSaved'))}>
              ${t(`partner.mark.${s}` as never)}</button>`)
          : nothing}
      </div>
      ${this.target === h.id ? formErrors(this.errors, this.quoteFields(h)) : nothing}
      ${['ACKNOWLEDGED', 'QUOTED'].includes(h.status) ? this.quoteForm(h) : nothing}
      ${h.status === 'SHIPPED' ? html`<bh-sales-report .api=${session.api} handoff-id=${h.id}></bh-sales-report>` : nothing}
      ${early
        ? html`<details><summary>${t('partner.decline')}</summary>
            <div class="field"><label for=${`decline-${h.id}`}>${t('partner.declineReason')}</label>
              <input id=${`decline-${h.id}`} .value=${reason} @input=${(ev: Event) => this.reasons.set(h.id, (ev.target as HTMLInputElement).value)} /></div>
            <button type="button" class="danger" ?disabled=${this.busy}
              @click=${() => this.act(h.id, async () => (await session.api.mutate(DeclineHandoffDocument, { input: { handoffId: h.id, reason: this.reasons.get(h.id) ?? '' } })).declineHandoff, t('partner.declined'))}>
              ${t('partner.decline')}</button></details>`
        : nothing}
      ${h.status === 'SHIPPED' ? html`<bh-fulfilment handoff=${h.id}></bh-fulfilment>` : nothing}
      <details><summary>${t('partner.events')}</summary>
        <ol>${h.events.nodes.map((ev) => html`<li>#${ev.sequence} ${ev.type} · ${formatDate(ev.at)}</li>`)}</ol></details>
    </article>`;
  }

  protected view(data: Data) {
    if (!session.partner || !data) {
      const e = this.errors;
      return html`<h1 tabindex="-1">${t('partner.title')}</h1>
        <p>${t('partner.intro')}</p>
        <form class="card" novalidate @submit=${(ev: SubmitEvent) => this.signIn(ev)}>
          <div class="field">
            <label for="api-key">${t('partner.apiKey')}</label>
            <input id="api-key" type="password" autocomplete="off" .value=${this.key} aria-invalid=${e?.at('apiKey').length ? 'true' : 'false'}
              aria-describedby="api-key-error" @input=${(ev: Event) => (this.key = (ev.target as HTMLInputElement).value)} />
            ${fieldErrors(e, 'apiKey', 'api-key-error')}
          </div>
          <button class="primary" type="submit" ?disabled=${this.busy}>${t('partner.signIn')}</button>
        </form>`;
    }
    const partner = data.viewer?.__typename === 'Partner' ? data.viewer : null;
    if (!partner) return html`<h1 tabindex="-1">${t('partner.title')}</h1>`;
    return html`<h1 tabindex="-1">${t('partner.console', { name: partner.name })}</h1>
      <bh-partner-rating partner=${partner.id}></bh-partner-rating>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.secret ? html`<div class="notice" role="status"><p>${t('partner.shownOnce')}</p><code class="digest">${this.secret}</code></div>` : nothing}
      ${this.target === '' ? formErrors(this.errors) : nothing}
      <h2>${t('partner.handoffs')}</h2>
      ${partner.handoffs.nodes.length === 0 ? html`<p class="hint">${t('handoff.none')}</p>` : nothing}
      ${partner.handoffs.nodes.map((h) => this.handoff(h))}
      <section class="card" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">${t('partner.deliveries')}</h2>
        <p class="hint">${partner.webhookUrl ? html`${t('partner.webhook')} <code>${partner.webhookUrl}</code>${partner.webhookEnabled === false ? ` · ${t('partner.disabled')}` : ''}` : t('partner.noWebhook')}</p>
        ${data.webhookDeliveries.nodes.length === 0 ? html`<p class="hint">${t('partner.noDeliveries')}</p>` : nothing}
        <ul class="plain">${data.webhookDeliveries.nodes.map((d) => html`<li>
          <span class="grow"><code>${d.type}</code> #${d.sequence} · <span class="badge">${d.status}</span> · ${formatDate(d.createdAt)}
            · ${t('partner.attempts', { count: d.attempts.length })}</span>
          <button type="button" ?disabled=${this.busy || d.status === 'PENDING'}
            @click=${() => { this.target = ''; this.submit(async () => (await session.api.mutate(RedeliverEventDocument, { input: { eventId: d.eventId } })).redeliverEvent, undefined, t('partner.redelivered')); }}>
            ${t('partner.redeliver')}</button></li>`)}</ul>
      </section>
      <section class="card" aria-labelledby="keys-title">
        <h2 id="keys-title">${t('partner.keys')}</h2>
        <p class="hint">${t('partner.keysHint')}</p>
        <div class="row">
          <button type="button" ?disabled=${this.busy} @click=${async () => {
            this.target = '';
            await this.submit(async () => (await session.api.mutate(RotatePartnerKeyDocument, { input: {} })).rotatePartnerKey, async (p) => {
              this.secret = p.apiKey ?? '';
              await session.start(p.apiKey!);
            });
          }}>${t('partner.rotateKey')}</button>
          <button type="button" ?disabled=${this.busy} @click=${() => {
            this.target = '';
            this.submit(async () => (await session.api.mutate(RotateWebhookSecretDocument, { input: {} })).rotateWebhookSecret, (p) => { this.secret = p.webhookSecret ?? ''; });
          }}>${t('partner.rotateSecret')}</button>
        </div>
      </section>`;
  }
}

define('bh-page-partner', PartnerPage);

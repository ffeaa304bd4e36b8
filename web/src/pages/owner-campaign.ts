// Owner console for one campaign: phase buttons, moderation queue and velocity flags, results
// with ranking, quorum and seal; partners' quotes side by side, and accepting one.
import { html, nothing } from 'lit';
import {
  AcceptQuoteDocument,
  CampaignConsoleDocument,
  CloseCampaignDocument,
  ModerateDocument,
  OpenSubmissionsDocument,
  OpenVotingDocument,
  type CampaignConsoleQuery,
} from '../api/generated/graphql';
import { define } from '../components/base';
import '../components/results';
import '../components/comment-queue';
import '../components/handoff-cancel';
import '../components/ladder';
import { fieldErrors, formErrors } from '../components/feedback';
import { formatDate, formatDay, formatMoney, formatNumber, t } from '../i18n';
import { session } from '../session';
import { phaseBadge } from './home';
import { Page } from './page';

type Campaign = NonNullable<CampaignConsoleQuery['campaign']> | null;

class OwnerCampaignPage extends Page<Campaign> {
  private reason = '';

  protected heading(data: Campaign | null): string {
    return data?.title ?? t('owner.title');
  }

  protected async fetch(): Promise<Campaign> {
    return (await session.api.query(CampaignConsoleDocument, { id: this.params.id })).campaign ?? null;
  }

  private phaseButton(c: NonNullable<Campaign>) {
    const input = { input: { campaignId: c.id } };
    if (c.phase === 'DRAFT') {
      return html`<button class="primary" type="button" ?disabled=${this.busy}
        @click=${() => this.submit(async () => (await session.api.mutate(OpenSubmissionsDocument, input)).openSubmissions, undefined, t('owner.phaseChanged'))}>
        ${t('owner.openSubmissions')}</button>`;
    }
    if (c.phase === 'SUBMISSIONS') {
      return html`<button class="primary" type="button" ?disabled=${this.busy}
        @click=${() => this.submit(async () => (await session.api.mutate(OpenVotingDocument, input)).openVoting, undefined, t('owner.phaseChanged'))}>
        ${t('owner.openVoting')}</button>`;
    }
    if (c.phase === 'VOTING') {
      return html`<button class="primary" type="button" ?disabled=${this.busy}
        @click=${() => this.submit(async () => (await session.api.mutate(CloseCampaignDocument, input)).closeCampaign, undefined, t('owner.phaseChanged'))}>
        ${t('owner.close')}</button>`;
    }
    return nothing;
  }

  private handoffs(c: NonNullable<Campaign>) {
    const list = c.handoffs.nodes;
    if (!c.results && list.length === 0) return nothing;
    return html`<section aria-labelledby="handoffs-title">
      <h2 id="handoffs-title">${t('handoff.compare')}</h2>
      ${list.length === 0 ? html`<p class="hint">${t('handoff.none')}</p>` : nothing}
      <div class="grid">
        ${list.map(
          (h) => html`<article class="card" aria-label=${h.partner.name}>
            <h3>${h.partner.name}</h3>
            <p><span class="badge">${t(`handoffStatus.${h.status}` as never)}</span></p>
            <p class="hint">${h.coBranding}</p>
            ${h.quote
              ? html`<table>
                    <caption>${t('quote.tiers')}</caption>
                    <thead><tr><th scope="col">${t('quote.minUnits')}</th><th scope="col">${t('quote.unitPrice')}</th></tr></thead>
                    <tbody>${h.quote.tiers.map((tier) => html`<tr><td class="num">${formatNumber(tier.minUnits)}</td>
                      <td class="num">${formatMoney(tier.unitPrice, h.quote!.currency)}</td></tr>`)}</tbody>
                  </table>
                  <p>${t('quote.terms', { moq: h.quote.moq, days: h.quote.leadTimeDays, until: formatDay(h.quote.validUntil) })}</p>
                  ${h.status === 'QUOTED'
                    ? html`<button class="primary" type="button" ?disabled=${this.busy}
                        @click=${() => this.submit(async () => (await session.api.mutate(AcceptQuoteDocument, { input: { handoffId: h.id } })).acceptQuote, undefined, t('handoff.accepted'))}>
                        ${t('handoff.accept', { partner: h.partner.name })}</button>`
                    : nothing}`
              : html`<p class="hint">${t('handoff.waiting')}</p>`}
            ${h.demand.moq ? html`<p>${t('pledge.moq', { count: h.demand.pledgedUnits, moq: h.demand.moq })}</p>` : nothing}
            ${['RECEIVED', 'ACKNOWLEDGED', 'QUOTED', 'ACCEPTED', 'IN_PRODUCTION'].includes(h.status)
              ? html`<bh-handoff-cancel handoff-id=${h.id} partner=${h.partner.name} @bh-handoff-cancelled=${() => this.load()}></bh-handoff-cancel>`
              : nothing}
          </article>`,
        )}
      </div>
    </section>`;
  }

  protected view(c: Campaign) {
    if (!c) return html`<h1 tabindex="-1">${t('notFound.title')}</h1><p>${t('campaign.notFound')}</p>`;
    if (c.brand.viewerRole !== 'OWNER') return html`<h1 tabindex="-1">${c.title}</h1><p class="alert">${t('failure.forbidden')}</p>`;
    const r = c.results;
    return html`<p><a href=${`/owner/b/${c.brand.slug}`}>← ${c.brand.name}</a></p>
      <h1 tabindex="-1">${c.title}</h1>
      <p class="row">${phaseBadge(c.phase)} <a href=${`/c/${c.id}`}>${t('owner.publicPage')}</a></p>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${formErrors(this.errors, ['reason'])}
      <p class="row">${this.phaseButton(c)}</p>
      ${r ? html`<bh-results .results=${r} quorum=${c.voting.quorum} method=${c.voting.method}></bh-results>` : nothing}
      <bh-ladder-review campaign-id=${c.id} @bh-ladder-decided=${() => this.load()}></bh-ladder-review>
      ${this.handoffs(c)}
      <section class="card" aria-labelledby="queue-title">
        <h2 id="queue-title">${t('moderation.queue')}</h2>
        <div class="field">
          <label for="reason">${t('moderation.reason')}</label>
          <input id="reason" .value=${this.reason} aria-describedby="reason-error" @input=${(ev: Event) => (this.reason = (ev.target as HTMLInputElement).value)} />
          ${fieldErrors(this.errors, 'reason', 'reason-error')}
        </div>
        <ul class="plain">
          ${c.proposals.nodes.map((p) => html`<li>
            <a class="grow" href=${`/p/${p.id}`}>${p.title}</a>
            <span class="hint">${p.author.displayName}</span>
            ${p.status !== 'ACTIVE' ? html`<span class="badge">${t(`status.${p.status}` as never)}</span>` : nothing}
            <button type="button" ?disabled=${this.busy} aria-label=${`${p.status === 'HIDDEN' ? t('moderation.restore') : t('moderation.hide')}: ${p.title}`}
              @click=${() => this.submit(async () => (await session.api.mutate(ModerateDocument, { input: { targetId: p.id, action: p.status === 'HIDDEN' ? 'RESTORE' : 'HIDE', reason: this.reason } })).moderate)}>
              ${p.status === 'HIDDEN' ? t('moderation.restore') : t('moderation.hide')}</button>
          </li>`)}
        </ul>
        <h3>${t('moderation.flags')}</h3>
        ${c.velocityFlags.length === 0 ? html`<p class="hint">${t('moderation.noFlags')}</p>` : nothing}
        <ul>${c.velocityFlags.map((f) => html`<li>${formatDate(f.raisedAt)} · ${f.proposal?.title ?? '—'} · ${t('moderation.flag', { count: f.newAccountVotes })}</li>`)}</ul>
      </section>
      <bh-comment-queue campaign-id=${c.id}></bh-comment-queue>`;
  }
}

define('bh-page-owner-campaign', OwnerCampaignPage);

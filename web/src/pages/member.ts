// Member page (/m/<id>): a member's reputation, computed from the outcomes of their work,
// with each component (production, buyers' ratings, winning forks, moderation).
import { html, nothing } from 'lit';
import { MemberPageDocument, type MemberPageQuery } from '../api/generated/graphql';
import { define } from '../components/base';
import { formatDate, formatNumber, t } from '../i18n';
import { tr, type RatingsKey } from '../i18n/ratings';
import { session } from '../session';
import { Page } from './page';

type Member = Extract<NonNullable<MemberPageQuery['node']>, { __typename: 'Member' }> | null;

class MemberPage extends Page<Member> {
  protected heading(data: Member): string {
    return data?.displayName ?? tr('member.title');
  }

  protected async fetch(): Promise<Member> {
    const node = (await session.api.query(MemberPageDocument, { id: this.params.id })).node;
    return node?.__typename === 'Member' ? node : null;
  }

  protected view(m: Member) {
    if (!m) return html`<h1 tabindex="-1">${t('notFound.title')}</h1><p>${tr('member.notFound')}</p>`;
    const b = m.reputationBreakdown;
    return html`<h1 tabindex="-1">${m.displayName}</h1>
      <p class="hint">${tr('member.since', { date: formatDate(m.createdAt) })}</p>
      <section class="card" aria-labelledby="reputation-title">
        <h2 id="reputation-title">${tr('reputation.title')}</h2>
        <p class="lead"><strong data-testid="reputation">${formatNumber(m.reputation)}</strong>
          <span class="hint">/ ${formatNumber(b.cap)}</span></p>
        <table>
          <caption class="visually-hidden">${tr('reputation.breakdown')}</caption>
          <thead><tr><th scope="col">${tr('reputation.kind')}</th><th scope="col">${tr('reputation.count')}</th><th scope="col">${tr('reputation.points')}</th></tr></thead>
          <tbody>${b.components.map((c) => html`<tr data-kind=${c.kind}>
            <th scope="row">${tr(`reputation.kind.${c.kind}` as RatingsKey)}</th>
            <td>${formatNumber(c.count)}</td><td>${formatNumber(c.points, 1)}</td></tr>`)}</tbody>
        </table>
        <p class="hint">${tr('reputation.formula', { days: b.halfLifeDays, cap: b.cap })}</p>
        ${b.score !== m.reputation ? html`<p class="hint">${tr('reputation.pending', { score: b.score })}</p>` : nothing}
      </section>`;
  }
}

define('bh-page-member', MemberPage);

// Home: what brandhub is, and the brands and campaigns a newcomer can join.
import { html, nothing } from 'lit';
import { BrandsDocument, type BrandsQuery } from '../api/generated/graphql';
import { define } from '../components/base';
import { t, timeLeft } from '../i18n';
import { session } from '../session';
import { Page } from './page';

type Data = BrandsQuery['brands'];

export function phaseBadge(phase: string) {
  return html`<span class="badge phase">${t(`phase.${phase}` as never)}</span>`;
}

export function deadline(campaign: { phase: string; submissionsCloseAt?: string | null; votingClosesAt?: string | null }) {
  const at = campaign.phase === 'SUBMISSIONS' ? campaign.submissionsCloseAt : campaign.phase === 'VOTING' ? campaign.votingClosesAt : null;
  const left = timeLeft(at);
  return left ? html`<span class="hint">${t('campaign.closes', { when: left })}</span>` : nothing;
}

class HomePage extends Page<Data> {
  protected heading(): string {
    return t('home.title');
  }

  protected async fetch(): Promise<Data> {
    return (await session.api.query(BrandsDocument, { first: 50 })).brands;
  }

  protected view(data: Data) {
    return html`<h1 tabindex="-1">${t('home.title')}</h1>
      <p class="lead">${t('home.lead')}</p>
      ${session.member
        ? html`<p><a class="button primary" href="/owner">${t('home.startBrand')}</a></p>`
        : html`<p class="row"><a class="button primary" href="/sign-up">${t('nav.signUp')}</a>
            <a href="/sign-in">${t('home.haveAccount')}</a></p>`}
      <h2>${t('home.brands')}</h2>
      ${data.nodes.length === 0 ? html`<p class="hint">${t('home.noBrands')}</p>` : nothing}
      <ul class="grid plain-grid" role="list">
        ${data.nodes.map(
          (brand) => html`<li class="card" style="list-style:none">
            <h3><a href=${`/b/${brand.slug}`}>${brand.name}</a></h3>
            ${brand.tagline ? html`<p>${brand.tagline}</p>` : nothing}
            <p class="hint">${t('brand.members', { count: brand.memberCount })}</p>
            <ul class="plain">
              ${brand.campaigns.nodes.map(
                (c) => html`<li><a class="grow" href=${`/c/${c.id}`}>${c.title}</a> ${phaseBadge(c.phase)} ${deadline(c)}</li>`,
              )}
            </ul>
          </li>`,
        )}
      </ul>`;
  }
}

define('bh-page-home', HomePage);

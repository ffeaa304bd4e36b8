// Brand page: name, tagline, label mode, campaigns with phase and time left; join the brand.
import { html, nothing } from 'lit';
import { BrandPageDocument, JoinBrandDocument, type BrandPageQuery } from '../api/generated/graphql';
import { define } from '../components/base';
import { formErrors } from '../components/feedback';
import { t } from '../i18n';
import { session } from '../session';
import { applyAccent } from '../theme';
import { deadline, phaseBadge } from './home';
import { Page } from './page';

type Data = NonNullable<BrandPageQuery['brand']> | null;

export function brandHeader(brand: { name: string; logoUrl?: string | null; slug: string }, level: 'h1' | 'p' = 'h1') {
  const logo = brand.logoUrl ? html`<img class="logo" src=${brand.logoUrl} alt="" />` : nothing;
  return level === 'h1'
    ? html`<div class="brand-head">${logo}<h1 tabindex="-1" class="accent">${brand.name}</h1></div>`
    : html`<p class="brand-head">${logo}<a href=${`/b/${brand.slug}`}>${brand.name}</a></p>`;
}

class BrandPage extends Page<Data> {
  protected heading(data: Data | null): string {
    return data?.name ?? t('brand.title');
  }

  protected async fetch(): Promise<Data> {
    const brand = (await session.api.query(BrandPageDocument, { slug: this.params.slug })).brand ?? null;
    applyAccent(document.documentElement, brand?.accentColor);
    return brand;
  }

  private join(brandId: string): void {
    if (!session.member) {
      location.assign(`/sign-up?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    this.submit(
      async () => (await session.api.mutate(JoinBrandDocument, { input: { brandId } })).joinBrand,
      () => session.refresh(),
      t('brand.joined'),
    );
  }

  protected view(brand: Data) {
    if (!brand) return html`<h1 tabindex="-1">${t('notFound.title')}</h1><p>${t('brand.notFound')}</p>`;
    return html`${brandHeader(brand)}
      ${brand.tagline ? html`<p class="lead">${brand.tagline}</p>` : nothing}
      <p class="hint">
        ${t('brand.members', { count: brand.memberCount })} ·
        ${brand.labelMode === 'WHITE' ? t('brand.white') : t('brand.grey')} ·
        ${t('brand.owner', { name: brand.owner.displayName })}
      </p>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${formErrors(this.errors)}
      ${brand.viewerRole
        ? html`<p><span class="badge">${t(`role.${brand.viewerRole}` as never)}</span>
            ${brand.viewerRole === 'OWNER' ? html`<a href=${`/owner/b/${brand.slug}`}>${t('owner.manageBrand')}</a>` : nothing}</p>`
        : html`<p><button class="primary" type="button" ?disabled=${this.busy} @click=${() => this.join(brand.id)}>
            ${t('brand.join')}</button></p>`}
      <h2>${t('brand.campaigns')}</h2>
      ${brand.campaigns.nodes.length === 0 ? html`<p class="hint">${t('brand.noCampaigns')}</p>` : nothing}
      <ul class="plain">
        ${brand.campaigns.nodes.map(
          (c) => html`<li>
            <div class="grow">
              <a href=${`/c/${c.id}`}><strong>${c.title}</strong></a>
              <div class="row">${phaseBadge(c.phase)} ${deadline(c)}
                <span class="hint">${c.ladder ? `${t('brand.ladder')} · ` : ''}${t(`method.${c.voting.method}` as never)}</span></div>
            </div>
          </li>`,
        )}
      </ul>`;
  }
}

define('bh-page-brand', BrandPage);

// Owner console for one brand: theme, embed origins (and the widget's two lines), campaigns
// with a new-campaign form (all voting rules, schedule, invited partners), moderation log.
import { html, nothing } from 'lit';
import {
  BrandConsoleDocument,
  CreateCampaignDocument,
  PartnersDocument,
  SetEmbedOriginsDocument,
  UpdateBrandDocument,
  type BrandConsoleQuery,
  type LabelMode,
  type PartnersQuery,
  type VotingMethod,
  type Weighting,
} from '../api/generated/graphql';
import { FieldErrors } from '../api/errors';
import { define } from '../components/base';
import '../components/brand-members';
import '../components/partner-admin';
import { errorText, fieldErrors, formErrors } from '../components/feedback';
import { ladderFieldset, ladderInput, ladderPaths, newLadderDraft } from '../components/ladder-settings';
import { formatDate, t, type MessageKey } from '../i18n';
import { navigate } from '../router';
import { session } from '../session';
import { applyAccent } from '../theme';
import '../components/royalty-statement';
import { phaseBadge } from './home';
import { Page } from './page';

type Brand = NonNullable<BrandConsoleQuery['brand']>;
interface Data {
  brand: Brand | null;
  partners: PartnersQuery['partners']['nodes'];
}

const METHODS: VotingMethod[] = ['APPROVAL', 'SCORE', 'QUADRATIC', 'RANKED'];
const WEIGHTINGS: Weighting[] = ['EQUAL', 'ROLE', 'REPUTATION', 'PLEDGE'];
const TEMPLATES = ['recipe', 'apparel', 'generic', 'custom'];

/** A datetime-local value as an ISO timestamp (null when empty). */
function isoOf(local: string): string | null {
  return local ? new Date(local).toISOString() : null;
}

class OwnerBrandPage extends Page<Data> {
  private theme: { name: string; tagline: string; labelMode: LabelMode; accentColor: string; logoUrl: string } | null = null;
  private origins: string | null = null;
  private section = '';
  private campaign = {
    title: '', brief: '', category: 'recipe', specTemplate: 'recipe', customTemplate: '',
    method: 'APPROVAL' as VotingMethod, weighting: 'EQUAL' as Weighting,
    votesPerMember: '3', creditsPerMember: '100', quorum: '0', supportThreshold: '',
    minAccountAgeHours: '0', maxVoterShare: '', submissionsCloseAt: '', votingClosesAt: '',
    partnerIds: [] as string[], brandPercent: '', authorsPercent: '',
  };

  private ladder = newLadderDraft();

  protected heading(data: Data | null): string {
    return data?.brand ? t('owner.brandConsole', { name: data.brand.name }) : t('owner.title');
  }

  protected async fetch(): Promise<Data> {
    const [brand, partners] = await Promise.all([
      session.api.query(BrandConsoleDocument, { slug: this.params.slug }),
      session.api.query(PartnersDocument, {}),
    ]);
    const b = brand.brand ?? null;
    applyAccent(document.documentElement, b?.accentColor);
    if (b) {
      this.theme ??= { name: b.name, tagline: b.tagline, labelMode: b.labelMode, accentColor: b.accentColor ?? '', logoUrl: b.logoUrl ?? '' };
      this.origins ??= b.embedOrigins.join('\n');
    }
    return { brand: b, partners: partners.partners.nodes };
  }

  private errorsFor(section: string) {
    return this.section === section ? this.errors : null;
  }

  private send<P extends { errors: readonly { code: string; message: string; field: readonly string[] | null }[] }>(
    section: string,
    call: () => Promise<P>,
    done?: (p: P) => void,
    notice = '',
  ) {
    this.section = section;
    return this.submit(call, done, notice);
  }

  private themeForm(brand: Brand) {
    const th = this.theme!;
    const e = this.errorsFor('theme');
    const text = (id: 'name' | 'tagline' | 'logoUrl' | 'accentColor', key: MessageKey, type = 'text') => html`<div class="field">
      <label for=${`theme-${id}`}>${t(key)}</label>
      <input id=${`theme-${id}`} type=${type} .value=${th[id]} aria-invalid=${e?.at(id).length ? 'true' : 'false'}
        aria-describedby=${`theme-${id}-error`} @input=${(ev: Event) => (th[id] = (ev.target as HTMLInputElement).value)} />
      ${fieldErrors(e, id, `theme-${id}-error`)}
    </div>`;
    return html`<form class="card" novalidate @submit=${(ev: SubmitEvent) => {
      ev.preventDefault();
      this.send('theme', async () => (await session.api.mutate(UpdateBrandDocument, { input: { brandId: brand.id, ...th } })).updateBrand, undefined, t('owner.saved'));
    }}>
      <h2>${t('owner.theme')}</h2>
      ${formErrors(e, ['name', 'tagline', 'logoUrl', 'accentColor'])}
      ${text('name', 'owner.brandName')} ${text('tagline', 'owner.tagline')}
      ${text('accentColor', 'owner.accent')}
      <p class="hint">${t('owner.accentHint')}</p>
      ${text('logoUrl', 'owner.logo', 'url')}
      <fieldset>
        <legend>${t('owner.labelMode')}</legend>
        ${(['GREY', 'WHITE'] as LabelMode[]).map(
          (mode) => html`<span class="check"><input type="radio" name="theme-mode" id=${`theme-mode-${mode}`} .checked=${th.labelMode === mode}
            @change=${() => (th.labelMode = mode)} /><label for=${`theme-mode-${mode}`}>${mode === 'GREY' ? t('brand.grey') : t('brand.white')}</label></span>`,
        )}
      </fieldset>
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('owner.saveTheme')}</button>
    </form>`;
  }

  private originsForm(brand: Brand) {
    const e = this.errorsFor('origins');
    const linesOf = () => (this.origins ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    const lines = linesOf();
    const problems = e?.all.filter((x) => x.field?.[0] === 'origins') ?? [];
    const first = brand.campaigns.nodes[0];
    return html`<form class="card" novalidate @submit=${(ev: SubmitEvent) => {
      ev.preventDefault();
      this.send('origins', async () => (await session.api.mutate(SetEmbedOriginsDocument, { input: { brandId: brand.id, origins: linesOf() } })).setEmbedOrigins, undefined, t('owner.saved'));
    }}>
      <h2>${t('owner.embed')}</h2>
      <p>${t('owner.embedHint')}</p>
      ${formErrors(e, ['origins', ...lines.map((_, i) => `origins.${i}`)])}
      <div class="field">
        <label for="origins">${t('owner.origins')}</label>
        <textarea id="origins" rows="4" .value=${this.origins ?? ''} aria-invalid=${problems.length ? 'true' : 'false'}
          aria-describedby="origins-error" @input=${(ev: Event) => (this.origins = (ev.target as HTMLTextAreaElement).value)}></textarea>
        ${problems.length
          ? html`<div class="field-error" id="origins-error">${problems.map((p) => html`<p>${p.field?.[1] !== undefined
              ? t('owner.originLine', { n: Number(p.field[1]) + 1, origin: lines[Number(p.field[1])] ?? '' })
              : ''} ${errorText(p)}</p>`)}</div>`
          : nothing}
      </div>
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('owner.saveOrigins')}</button>
      ${first
        ? html`<h3>${t('owner.snippet')}</h3>
            <pre class="snippet"><code>&lt;script type="module" src="${location.origin}/embed.js"&gt;&lt;/script&gt;
&lt;brandhub-campaign campaign="${first.id}"&gt;&lt;/brandhub-campaign&gt;</code></pre>`
        : nothing}
    </form>`;
  }

  private campaignForm(brand: Brand, partners: Data['partners']) {
    const c = this.campaign;
    const e = this.errorsFor('campaign');
    const bind = (key: keyof typeof c) => (ev: Event) => {
      (c as Record<string, unknown>)[key] = (ev.target as HTMLInputElement).value;
      this.requestUpdate();
    };
    const field = (key: keyof typeof c, label: MessageKey, path: string, type = 'text', hint?: MessageKey) => html`<div class="field">
      <label for=${`c-${key}`}>${t(label)}</label>
      <input id=${`c-${key}`} type=${type} inputmode=${type === 'number' ? 'decimal' : nothing}
        .value=${String(c[key])} aria-invalid=${e?.at(path).length ? 'true' : 'false'}
        aria-describedby=${`c-${key}-error${hint ? ` c-${key}-hint` : ''}`} @input=${bind(key)} />
      ${hint ? html`<p class="hint" id=${`c-${key}-hint`}>${t(hint)}</p>` : nothing}
      ${fieldErrors(e, path, `c-${key}-error`)}
    </div>`;
    const num = (v: string) => (v.trim() === '' ? null : Number(v));
    const shown = ['title', 'brief', 'category', 'specTemplate', 'customTemplate', 'submissionsCloseAt', 'votingClosesAt', 'partnerIds',
      ...['method', 'weighting', 'votesPerMember', 'creditsPerMember', 'quorum', 'supportThreshold', 'minAccountAgeHours', 'maxVoterShare'].map((k) => `voting.${k}`),
      'royalties.brandPercent', 'royalties.authorsPercent', ...ladderPaths(this.ladder)];
    return html`<form class="card" novalidate @submit=${(ev: SubmitEvent) => {
      ev.preventDefault();
      let customTemplate: unknown = null;
      if (c.specTemplate === 'custom') {
        try {
          customTemplate = JSON.parse(c.customTemplate || 'null');
        } catch {
          this.section = 'campaign';
          this.errors = new FieldErrors([{ code: 'INVALID_INPUT', message: t('owner.badJson'), field: ['customTemplate'] }]);
          return;
        }
      }
      this.send('campaign', async () => (await session.api.mutate(CreateCampaignDocument, {
        input: {
          brandId: brand.id, title: c.title, brief: c.brief, category: c.category, specTemplate: c.specTemplate,
          customTemplate: c.specTemplate === 'custom' ? customTemplate : null,
          submissionsCloseAt: isoOf(c.submissionsCloseAt), votingClosesAt: isoOf(c.votingClosesAt),
          partnerIds: c.partnerIds,
          royalties: c.brandPercent.trim() || c.authorsPercent.trim()
            ? { brandPercent: c.brandPercent.trim().replace(',', '.') || '0', authorsPercent: c.authorsPercent.trim().replace(',', '.') || '0' }
            : null,
          ladder: ladderInput(this.ladder),
          voting: {
            method: c.method, weighting: c.weighting,
            votesPerMember: c.method === 'APPROVAL' ? num(c.votesPerMember) : null,
            creditsPerMember: c.method === 'QUADRATIC' ? num(c.creditsPerMember) : null,
            quorum: num(c.quorum) ?? 0, supportThreshold: num(c.supportThreshold),
            minAccountAgeHours: num(c.minAccountAgeHours) ?? 0, maxVoterShare: num(c.maxVoterShare),
          },
        },
      })).createCampaign, (payload) => navigate(`/owner/c/${payload.campaign!.id}`));
    }}>
      <h2>${t('owner.newCampaign')}</h2>
      ${formErrors(e, shown)}
      ${field('title', 'owner.campaignTitle', 'title')}
      <div class="field">
        <label for="c-brief">${t('owner.brief')}</label>
        <textarea id="c-brief" rows="3" .value=${c.brief} @input=${bind('brief')}></textarea>
        ${fieldErrors(e, 'brief', 'c-brief-error')}
      </div>
      ${field('category', 'owner.category', 'category')}
      <div class="field">
        <label for="c-template">${t('owner.template')}</label>
        <select id="c-template" @change=${(ev: Event) => { c.specTemplate = (ev.target as HTMLSelectElement).value; this.requestUpdate(); }}>
          ${TEMPLATES.map((tp) => html`<option value=${tp} ?selected=${c.specTemplate === tp}>${t(`template.${tp}` as MessageKey)}</option>`)}
        </select>
        ${fieldErrors(e, 'specTemplate', 'c-template-error')}
      </div>
      ${c.specTemplate === 'custom'
        ? html`<div class="field">
            <label for="c-custom">${t('owner.customTemplate')}</label>
            <textarea id="c-custom" rows="6" .value=${c.customTemplate} aria-describedby="c-custom-error" @input=${bind('customTemplate')}></textarea>
            ${fieldErrors(e, 'customTemplate', 'c-custom-error')}
          </div>`
        : nothing}
      <fieldset>
        <legend>${t('owner.votingRules')}</legend>
        <div class="field">
          <label for="c-method">${t('owner.method')}</label>
          <select id="c-method" @change=${(ev: Event) => { c.method = (ev.target as HTMLSelectElement).value as VotingMethod; this.requestUpdate(); }}>
            ${METHODS.map((m) => html`<option value=${m} ?selected=${c.method === m}>${t(`method.${m}` as MessageKey)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="c-weighting">${t('owner.weighting')}</label>
          <select id="c-weighting" @change=${(ev: Event) => (c.weighting = (ev.target as HTMLSelectElement).value as Weighting)}>
            ${WEIGHTINGS.map((w) => html`<option value=${w} ?selected=${c.weighting === w}>${t(`weighting.${w}` as MessageKey)}</option>`)}
          </select>
        </div>
        ${c.method === 'APPROVAL' ? field('votesPerMember', 'owner.votesPerMember', 'voting.votesPerMember', 'number') : nothing}
        ${c.method === 'QUADRATIC' ? field('creditsPerMember', 'owner.creditsPerMember', 'voting.creditsPerMember', 'number') : nothing}
        ${field('quorum', 'owner.quorum', 'voting.quorum', 'number')}
        ${field('supportThreshold', 'owner.supportThreshold', 'voting.supportThreshold', 'number')}
        ${field('minAccountAgeHours', 'owner.minAge', 'voting.minAccountAgeHours', 'number')}
        ${field('maxVoterShare', 'owner.maxShare', 'voting.maxVoterShare', 'number', 'owner.maxShareHint')}
      </fieldset>
      ${ladderFieldset(this.ladder, e, () => this.requestUpdate())}
      <fieldset>
        <legend>${t('owner.schedule')}</legend>
        ${field('submissionsCloseAt', 'owner.submissionsClose', 'submissionsCloseAt', 'datetime-local')}
        ${field('votingClosesAt', 'owner.votingClose', 'votingClosesAt', 'datetime-local')}
      </fieldset>
      <fieldset>
        <legend>${t('royalty.rules')}</legend>
        <p class="hint">${t('royalty.rulesHint')}</p>
        ${field('brandPercent', 'royalty.brandPercent', 'royalties.brandPercent', 'text')}
        ${field('authorsPercent', 'royalty.authorsPercent', 'royalties.authorsPercent', 'text')}
      </fieldset>
      <fieldset aria-describedby="c-partners-error">
        <legend>${t('owner.partners')}</legend>
        ${partners.length === 0 ? html`<p class="hint">${t('owner.noPartners')}</p>` : nothing}
        ${partners.map((p) => html`<span class="check"><input type="checkbox" id=${`partner-${p.slug}`} .checked=${c.partnerIds.includes(p.id)}
          @change=${(ev: Event) => { c.partnerIds = (ev.target as HTMLInputElement).checked ? [...c.partnerIds, p.id] : c.partnerIds.filter((x) => x !== p.id); }} />
          <label for=${`partner-${p.slug}`}>${p.name} (${p.categories.join(', ')})</label></span>`)}
        ${fieldErrors(e, 'partnerIds', 'c-partners-error')}
      </fieldset>
      <button class="primary" type="submit" ?disabled=${this.busy}>${t('owner.createCampaign')}</button>
    </form>`;
  }

  protected view(data: Data) {
    const brand = data.brand;
    if (!brand) return html`<h1 tabindex="-1">${t('notFound.title')}</h1><p>${t('brand.notFound')}</p>`;
    if (brand.viewerRole !== 'OWNER') return html`<h1 tabindex="-1">${brand.name}</h1><p class="alert">${t('failure.forbidden')}</p>`;
    return html`<h1 tabindex="-1">${t('owner.brandConsole', { name: brand.name })}</h1>
      <p><a href=${`/b/${brand.slug}`}>${t('owner.publicPage')}</a></p>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <section aria-labelledby="campaigns-title">
        <h2 id="campaigns-title">${t('brand.campaigns')}</h2>
        <ul class="plain">${brand.campaigns.nodes.map((c) => html`<li><a class="grow" href=${`/owner/c/${c.id}`}>${c.title}</a> ${phaseBadge(c.phase)}</li>`)}</ul>
      </section>
      <div class="layout">
        <div>${this.campaignForm(brand, data.partners)}
          <bh-partner-admin @bh-partners-changed=${() => this.load()}></bh-partner-admin></div>
        <div>${this.themeForm(brand)} ${this.originsForm(brand)}
          <bh-brand-members slug=${brand.slug} brand-id=${brand.id}></bh-brand-members>
          <bh-royalty-statement kind="brand" slug=${brand.slug} .api=${session.api}></bh-royalty-statement>
          <section class="card" aria-labelledby="modlog-title">
            <h2 id="modlog-title">${t('moderation.log')}</h2>
            ${brand.moderationLog.nodes.length === 0 ? html`<p class="hint">${t('moderation.none')}</p>` : nothing}
            <ul>${brand.moderationLog.nodes.map((m) => html`<li>${formatDate(m.at)} · ${m.moderator.displayName} ·
              ${m.action === 'HIDE' ? t('moderation.hide') : t('moderation.restore')} ${m.targetType.toLowerCase()} — ${m.reason}</li>`)}</ul>
          </section>
        </div>
      </div>`;
  }
}

define('bh-page-owner-brand', OwnerBrandPage);

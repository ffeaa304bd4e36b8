// Owner console, first step: the brands you own, and a new brand.
import { html, nothing } from 'lit';
import { CreateBrandDocument, type LabelMode } from '../api/generated/graphql';
import { define } from '../components/base';
import { fieldErrors, formErrors } from '../components/feedback';
import { t } from '../i18n';
import { navigate } from '../router';
import { session } from '../session';
import { Page } from './page';

class OwnerPage extends Page<true> {
  private form = { slug: '', name: '', tagline: '', labelMode: 'GREY' as LabelMode };

  protected heading(): string {
    return t('owner.title');
  }

  protected async fetch(): Promise<true> {
    return true;
  }

  private input(id: keyof typeof this.form, labelKey: Parameters<typeof t>[0], hint?: string) {
    const e = this.errors;
    return html`<div class="field">
      <label for=${`brand-${id}`}>${t(labelKey)}</label>
      <input id=${`brand-${id}`} .value=${this.form[id]} aria-invalid=${e?.at(id).length ? 'true' : 'false'}
        aria-describedby=${`brand-${id}-error${hint ? ` brand-${id}-hint` : ''}`}
        @input=${(ev: Event) => ((this.form as Record<string, string>)[id] = (ev.target as HTMLInputElement).value)} />
      ${hint ? html`<p class="hint" id=${`brand-${id}-hint`}>${hint}</p>` : nothing}
      ${fieldErrors(e, id, `brand-${id}-error`)}
    </div>`;
  }

  protected view() {
    if (!session.member) {
      return html`<h1 tabindex="-1">${t('owner.title')}</h1>
        <p>${t('owner.signInFirst')} <a href="/sign-in?next=/owner">${t('nav.signIn')}</a></p>`;
    }
    const owned = session.member.memberships.filter((m) => m.role === 'OWNER');
    return html`<h1 tabindex="-1">${t('owner.title')}</h1>
      <h2>${t('owner.yourBrands')}</h2>
      ${owned.length === 0 ? html`<p class="hint">${t('owner.noBrands')}</p>` : nothing}
      <ul class="plain">
        ${owned.map((m) => html`<li><a class="grow" href=${`/owner/b/${m.brand.slug}`}>${m.brand.name}</a>
          <a href=${`/b/${m.brand.slug}`}>${t('owner.publicPage')}</a></li>`)}
      </ul>
      <form class="card" novalidate @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        this.submit(
          async () => (await session.api.mutate(CreateBrandDocument, { input: { ...this.form } })).createBrand,
          async (payload) => {
            await session.refresh();
            navigate(`/owner/b/${payload.brand!.slug}`);
          },
        );
      }}>
        <h2>${t('owner.newBrand')}</h2>
        ${formErrors(this.errors, ['slug', 'name', 'tagline', 'labelMode'])}
        ${this.input('name', 'owner.brandName')}
        ${this.input('slug', 'owner.brandSlug', t('owner.slugHint'))}
        ${this.input('tagline', 'owner.tagline')}
        <fieldset>
          <legend>${t('owner.labelMode')}</legend>
          ${(['GREY', 'WHITE'] as LabelMode[]).map(
            (mode) => html`<span class="check"><input type="radio" name="labelMode" id=${`mode-${mode}`} .checked=${this.form.labelMode === mode}
              @change=${() => (this.form.labelMode = mode)} /><label for=${`mode-${mode}`}>${mode === 'GREY' ? t('brand.grey') : t('brand.white')}</label></span>`,
          )}
        </fieldset>
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('owner.createBrand')}</button>
      </form>`;
  }
}

define('bh-page-owner', OwnerPage);

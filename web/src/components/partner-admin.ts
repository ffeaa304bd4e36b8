// <bh-partner-admin>: register a manufacturer partner (its API key and webhook secret shown
// once) so it can be invited to campaigns, and edit the partners you manage. Refusals show
// next to the field they name; what was typed stays.
import { html, nothing } from 'lit';
import {
  ManagedPartnersDocument,
  RegisterPartnerDocument,
  UpdatePartnerDocument,
  type ManagedPartnersQuery,
} from '../api/generated/graphql';
import type { FieldErrors } from '../api/errors';
import { tc, type ConsoleKey } from '../i18n/console';
import { session } from '../session';
import { define } from './base';
import { ConsoleSection } from './console-section';
import { failure, fieldErrors, formErrors } from './feedback';

type Managed = ManagedPartnersQuery['partners']['nodes'];
interface Draft {
  slug: string;
  name: string;
  poweredByLabel: string;
  categories: string;
  webhookUrl: string;
}
type DraftKey = keyof Draft;

const FIELDS: [DraftKey, ConsoleKey, string][] = [
  ['slug', 'partners.slug', 'text'],
  ['name', 'partners.name', 'text'],
  ['poweredByLabel', 'partners.label', 'text'],
  ['categories', 'partners.categories', 'text'],
  ['webhookUrl', 'partners.webhook', 'url'],
];

const list = (text: string) => text.split(',').map((c) => c.trim()).filter(Boolean);

class PartnerAdmin extends ConsoleSection {
  static properties = { ...ConsoleSection.properties, managed: { state: true }, secrets: { state: true } };
  private managed: Managed = [];
  private draft: Draft = { slug: '', name: '', poweredByLabel: '', categories: 'recipe', webhookUrl: '' };
  private edits = new Map<string, Draft>();
  private secrets: { name: string; apiKey: string; webhookSecret: string | null } | null = null;

  protected async reload(): Promise<void> {
    const all = (await session.api.query(ManagedPartnersDocument, {})).partners.nodes;
    // Only a partner's admin (or the partner) reads webhookEnabled: those are yours.
    this.managed = all.filter((p) => p.webhookEnabled !== null && p.webhookEnabled !== undefined);
    for (const p of this.managed) {
      if (!this.edits.has(p.id)) {
        this.edits.set(p.id, { slug: p.slug, name: p.name, poweredByLabel: p.poweredByLabel, categories: p.categories.join(', '), webhookUrl: p.webhookUrl ?? '' });
      }
    }
  }

  private fields(prefix: string, draft: Draft, errors: FieldErrors | null, keys: DraftKey[]) {
    return FIELDS.filter(([key]) => keys.includes(key)).map(
      ([key, label, type]) => html`<div class="field">
        <label for=${`${prefix}-${key}`}>${tc(label)}</label>
        <input id=${`${prefix}-${key}`} type=${type} .value=${draft[key]}
          aria-invalid=${errors?.at(key).length ? 'true' : 'false'} aria-describedby=${`${prefix}-${key}-error`}
          @input=${(ev: Event) => (draft[key] = (ev.target as HTMLInputElement).value)} />
        ${fieldErrors(errors, key, `${prefix}-${key}-error`)}
      </div>`,
    );
  }

  private register(ev: SubmitEvent) {
    ev.preventDefault();
    const d = this.draft;
    this.secrets = null;
    return this.run(
      'register',
      async () =>
        (await session.api.mutate(RegisterPartnerDocument, {
          input: { slug: d.slug, name: d.name, poweredByLabel: d.poweredByLabel, categories: list(d.categories), webhookUrl: d.webhookUrl || null },
        })).registerPartner,
      '',
      (payload) => {
        this.secrets = { name: payload.partner!.name, apiKey: payload.apiKey!, webhookSecret: payload.webhookSecret ?? null };
        this.draft = { slug: '', name: '', poweredByLabel: '', categories: d.categories, webhookUrl: '' };
        this.emit('bh-partners-changed');
      },
    );
  }

  private save(ev: SubmitEvent, id: string) {
    ev.preventDefault();
    const d = this.edits.get(id)!;
    return this.run(
      id,
      async () =>
        (await session.api.mutate(UpdatePartnerDocument, {
          input: { partnerId: id, name: d.name, poweredByLabel: d.poweredByLabel, categories: list(d.categories), webhookUrl: d.webhookUrl || null },
        })).updatePartner,
      tc('partners.saved'),
      () => this.emit('bh-partners-changed'),
    );
  }

  render() {
    if (this.failed) return failure(this.failed, () => this.reload());
    const e = this.errorsFor('register');
    const editable: DraftKey[] = ['name', 'poweredByLabel', 'categories', 'webhookUrl'];
    return html`<section class="card" aria-labelledby="partners-title">
      <h2 id="partners-title">${tc('partners.title')}</h2>
      <p class="hint">${tc('partners.hint')}</p>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${this.secrets
        ? html`<div class="notice" role="status">
            <p>${tc('partners.registered', { name: this.secrets.name })}</p>
            <dl class="kv">
              <dt>${tc('partners.apiKey')}</dt><dd><code class="digest">${this.secrets.apiKey}</code></dd>
              ${this.secrets.webhookSecret
                ? html`<dt>${tc('partners.secret')}</dt><dd><code class="digest">${this.secrets.webhookSecret}</code></dd>`
                : nothing}
            </dl>
          </div>`
        : nothing}
      <form novalidate @submit=${(ev: SubmitEvent) => this.register(ev)}>
        <h3>${tc('partners.register')}</h3>
        ${formErrors(e, FIELDS.map(([key]) => key))}
        ${this.fields('np', this.draft, e, FIELDS.map(([key]) => key))}
        <button class="primary" type="submit" ?disabled=${this.busy}>${tc('partners.registerButton')}</button>
      </form>
      <h3>${tc('partners.mine')}</h3>
      ${this.managed.length === 0 ? html`<p class="hint">${tc('partners.none')}</p>` : nothing}
      ${this.managed.map((p) => {
        const pe = this.errorsFor(p.id);
        return html`<details>
          <summary>${tc('partners.edit', { name: p.name })}</summary>
          <form novalidate @submit=${(ev: SubmitEvent) => this.save(ev, p.id)}>
            ${p.webhookEnabled === false ? html`<p class="alert">${tc('partners.disabled')}</p>` : nothing}
            ${formErrors(pe, editable)}
            ${this.fields(`ep-${p.slug}`, this.edits.get(p.id)!, pe, editable)}
            <button type="submit" ?disabled=${this.busy}>${tc('partners.save', { name: p.name })}</button>
          </form>
        </details>`;
      })}
    </section>`;
  }
}

define('bh-partner-admin', PartnerAdmin);

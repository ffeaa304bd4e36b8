// <bh-spec-view>: a spec rendered for its template (recipe, apparel, generic/custom), and
// <bh-spec-diff>: what changed between two revisions, field by field.
import { html, nothing, type TemplateResult } from 'lit';
import { formatNumber, t, type MessageKey } from '../i18n';
import { BhElement, define } from './base';

type Spec = Record<string, any>;

function name(field: string): string {
  const key = `spec.field.${field}` as MessageKey;
  const text = t(key);
  return text === key ? field : text;
}

function plain(value: unknown): TemplateResult | string {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object')) return value.join(', ');
    return html`<ul>${value.map((v) => html`<li>${plain(v)}</li>`)}</ul>`;
  }
  if (value && typeof value === 'object') {
    return html`<dl class="kv">
      ${Object.entries(value).map(([k, v]) => html`<dt>${name(k)}</dt><dd>${plain(v)}</dd>`)}
    </dl>`;
  }
  if (typeof value === 'number') return formatNumber(value, 3);
  if (typeof value === 'boolean') return value ? t('spec.yes') : t('spec.no');
  return String(value ?? '');
}

export class SpecView extends BhElement {
  static properties = { spec: { attribute: false }, template: {} };
  spec: Spec = {};
  template = 'generic';

  private recipe(spec: Spec) {
    return html`<p>${t('spec.servings', { count: spec.servings ?? 0 })}</p>
      <table class="ingredients">
        <caption>${name('ingredients')}</caption>
        <thead><tr><th scope="col">${name('name')}</th><th scope="col">${name('quantity')}</th><th scope="col">${name('unit')}</th></tr></thead>
        <tbody>
          ${(spec.ingredients ?? []).map(
            (i: Spec) => html`<tr><td>${i.name}</td><td class="num">${formatNumber(Number(i.quantity), 3)}</td><td>${i.unit}</td></tr>`,
          )}
        </tbody>
      </table>
      <h3>${name('steps')}</h3>
      <ol class="steps">${(spec.steps ?? []).map((s: string) => html`<li>${s}</li>`)}</ol>
      <h3>${name('allergens')}</h3>
      <p>${(spec.allergens ?? []).length ? spec.allergens.join(', ') : t('spec.noAllergens')}</p>`;
  }

  private apparel(spec: Spec) {
    return html`<dl class="kv">
        <dt>${name('garment')}</dt><dd>${spec.garment}</dd>
        <dt>${name('sizes')}</dt><dd>${(spec.sizes ?? []).join(', ')}</dd>
        <dt>${name('colours')}</dt><dd>${(spec.colours ?? []).join(', ')}</dd>
      </dl>
      <table>
        <caption>${name('materials')}</caption>
        <thead><tr><th scope="col">${name('material')}</th><th scope="col">%</th></tr></thead>
        <tbody>${(spec.materials ?? []).map(
          (m: Spec) => html`<tr><td>${m.material}</td><td class="num">${formatNumber(Number(m.percentage))}</td></tr>`,
        )}</tbody>
      </table>`;
  }

  render() {
    const spec = this.spec ?? {};
    const body =
      this.template === 'recipe' ? this.recipe(spec) : this.template === 'apparel' ? this.apparel(spec) : plain(spec);
    return html`<div class="spec">${body}</div>`;
  }
}

/** Leaf values of a spec by dotted path. */
export function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      for (const [p, leaf] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(p, leaf);
    }
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

export class SpecDiff extends BhElement {
  static properties = { older: { attribute: false }, newer: { attribute: false } };
  older: Spec = {};
  newer: Spec = {};

  render() {
    const a = flatten(this.older);
    const b = flatten(this.newer);
    const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
    const changes = paths.filter((p) => a.get(p) !== b.get(p));
    if (!changes.length) return html`<p class="hint">${t('diff.none')}</p>`;
    return html`<table class="diff">
      <caption class="visually-hidden">${t('diff.caption')}</caption>
      <thead><tr><th scope="col">${t('diff.field')}</th><th scope="col">${t('diff.before')}</th><th scope="col">${t('diff.after')}</th></tr></thead>
      <tbody>
        ${changes.map(
          (p) => html`<tr>
            <th scope="row"><code>${p}</code></th>
            <td class="removed">${a.has(p) ? html`<del>${a.get(p)}</del>` : nothing}</td>
            <td class="added">${b.has(p) ? html`<ins>${b.get(p)}</ins>` : nothing}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

define('bh-spec-view', SpecView);
define('bh-spec-diff', SpecDiff);

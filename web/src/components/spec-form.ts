// <bh-spec-form>: a form generated from a campaign's JSON Schema (built-in or custom template).
// It keeps what was typed whatever the server answers, and shows each UserError beside the
// field its path names (spec.ingredients.2.quantity -> the third ingredient's quantity).
import { html, nothing, type TemplateResult } from 'lit';
import type { FieldErrors } from '../api/errors';
import { t, type MessageKey } from '../i18n';
import { BhElement, define } from './base';
import { fieldErrors } from './feedback';

type Schema = Record<string, any>;
type Path = (string | number)[];

const key = (path: Path) => path.join('.');
const domId = (path: Path) => `spec-${path.join('-') || 'root'}`;

/** A starting value for a schema (what an empty form holds). */
export function emptyValue(schema: Schema): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum) return schema.enum[0] ?? '';
  if (type === 'object') {
    if (!schema.properties) return {};
    return Object.fromEntries(
      Object.entries(schema.properties as Record<string, Schema>).map(([k, s]) => [k, emptyValue(s)]),
    );
  }
  if (type === 'array') {
    const items = (schema.items ?? {}) as Schema;
    if (items.enum) return [];
    return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, () => emptyValue(items));
  }
  if (type === 'integer' || type === 'number') return '';
  if (type === 'boolean') return false;
  return '';
}

/** Numbers typed as text become numbers; empty stays empty (the server names what is missing). */
function coerce(schema: Schema, raw: string): unknown {
  const type = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (type.includes('integer') || type.includes('number')) {
    if (raw.trim() === '') return type.includes('string') ? raw : null;
    const n = Number(raw.replace(',', '.'));
    return Number.isFinite(n) ? n : raw;
  }
  return raw;
}

function label(name: string | number, schema: Schema): string {
  if (typeof name === 'number') return t('spec.item', { n: name + 1 });
  const known = `spec.field.${name}` as MessageKey;
  const text = t(known);
  return text === known ? schema.title ?? name : text;
}

export class SpecForm extends BhElement {
  static properties = {
    schema: { attribute: false },
    value: { attribute: false },
    errors: { attribute: false },
  };

  schema: Schema = {};
  value: any = {};
  /** Errors already narrowed to inside the spec (field paths without the leading "spec"). */
  errors: FieldErrors | null = null;

  private set(path: Path, next: unknown): void {
    const root = structuredClone(this.value ?? {});
    let target: any = root;
    for (const part of path.slice(0, -1)) target = target[part];
    target[path[path.length - 1]] = next;
    this.value = root;
    this.emit('bh-spec-change', root);
  }

  private get(path: Path): any {
    return path.reduce((v: any, part) => (v == null ? undefined : v[part]), this.value);
  }

  private described(path: Path) {
    return this.errors?.at(key(path)).length ? `${domId(path)}-error` : undefined;
  }

  private field(path: Path, schema: Schema, name: string | number): TemplateResult {
    const id = domId(path);
    const value = this.get(path);
    const type = Array.isArray(schema.type) ? schema.type : [schema.type];
    const invalid = Boolean(this.errors?.at(key(path)).length);
    const errors = fieldErrors(this.errors, key(path), `${id}-error`);
    if (schema.enum) {
      return html`<div class="field">
        <label for=${id}>${label(name, schema)}</label>
        <select id=${id} aria-invalid=${invalid ? 'true' : 'false'} aria-describedby=${this.described(path) ?? nothing}
          @change=${(e: Event) => this.set(path, (e.target as HTMLSelectElement).value)}>
          ${schema.enum.map((option: string) => html`<option .value=${option} ?selected=${option === value}>${option}</option>`)}
        </select>
        ${errors}
      </div>`;
    }
    if (type.includes('object')) return this.object(path, schema, name);
    if (type.includes('array')) return this.array(path, schema, name);
    if (type.includes('boolean') && type.length === 1) {
      return html`<div class="field check">
        <input type="checkbox" id=${id} .checked=${Boolean(value)}
          @change=${(e: Event) => this.set(path, (e.target as HTMLInputElement).checked)} />
        <label for=${id}>${label(name, schema)}</label>
        ${errors}
      </div>`;
    }
    const numeric = (type.includes('integer') || type.includes('number')) && !type.includes('string');
    const long = !numeric && (schema.maxLength ?? 0) > 300;
    const common = {
      id,
      invalid: invalid ? 'true' : 'false',
      described: this.described(path) ?? nothing,
    };
    return html`<div class="field">
      <label for=${id}>${label(name, schema)}</label>
      ${long
        ? html`<textarea id=${common.id} rows="3" aria-invalid=${common.invalid} aria-describedby=${common.described}
            .value=${value ?? ''} @input=${(e: Event) => this.set(path, (e.target as HTMLTextAreaElement).value)}></textarea>`
        : html`<input id=${common.id} type="text" inputmode=${numeric ? 'decimal' : 'text'}
            aria-invalid=${common.invalid} aria-describedby=${common.described}
            .value=${value === null || value === undefined ? '' : String(value)}
            @input=${(e: Event) => this.set(path, coerce(schema, (e.target as HTMLInputElement).value))} />`}
      ${errors}
    </div>`;
  }

  private object(path: Path, schema: Schema, name: string | number): TemplateResult {
    if (!schema.properties && schema.additionalProperties) return this.pairs(path, schema, name);
    const required: string[] = schema.required ?? [];
    const body = Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([k, s]) =>
      this.field([...path, k], s, k),
    );
    if (path.length === 0) {
      return html`${body}`;
    }
    return html`<fieldset class="group">
      <legend>${label(name, schema)}${required.length ? '' : ''}</legend>
      ${body} ${fieldErrors(this.errors, key(path), `${domId(path)}-error`)}
    </fieldset>`;
  }

  /** Free attributes (generic template): key–value rows. */
  private pairs(path: Path, schema: Schema, name: string | number): TemplateResult {
    const entries = Object.entries((this.get(path) ?? {}) as Record<string, unknown>);
    const rename = (old: string, fresh: string) => {
      const next = Object.fromEntries(entries.map(([k, v]) => (k === old ? [fresh, v] : [k, v])));
      this.set(path, next);
    };
    return html`<fieldset class="group">
      <legend>${label(name, schema)}</legend>
      ${entries.map(
        ([k, v], i) => html`<div class="pair">
          <div class="field">
            <label for=${`${domId(path)}-k${i}`}>${t('spec.attributeName')}</label>
            <input id=${`${domId(path)}-k${i}`} .value=${k} @change=${(e: Event) => rename(k, (e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for=${`${domId(path)}-v${i}`}>${t('spec.attributeValue')}</label>
            <input id=${`${domId(path)}-v${i}`} .value=${String(v ?? '')}
              aria-describedby=${this.described([...path, k]) ?? nothing}
              @input=${(e: Event) => this.set([...path, k], (e.target as HTMLInputElement).value)} />
            ${fieldErrors(this.errors, key([...path, k]), `${domId([...path, k])}-error`)}
          </div>
          <button type="button" class="link" aria-label=${t('spec.removeNamed', { name: k || String(i + 1) })}
            @click=${() => this.set(path, Object.fromEntries(entries.filter((_, j) => j !== i)))}>${t('action.remove')}</button>
        </div>`,
      )}
      <button type="button" @click=${() => this.set(path, { ...Object.fromEntries(entries), [`${t('spec.attribute')} ${entries.length + 1}`]: '' })}>
        ${t('spec.addAttribute')}
      </button>
      ${fieldErrors(this.errors, key(path), `${domId(path)}-error`)}
    </fieldset>`;
  }

  private array(path: Path, schema: Schema, name: string | number): TemplateResult {
    const items = (schema.items ?? {}) as Schema;
    const list: unknown[] = Array.isArray(this.get(path)) ? this.get(path) : [];
    const errors = fieldErrors(this.errors, key(path), `${domId(path)}-error`);
    if (items.enum) {
      // A set of choices (allergens, sizes): checkboxes.
      return html`<fieldset class="group choices" aria-describedby=${this.described(path) ?? nothing}>
        <legend>${label(name, schema)}</legend>
        ${items.enum.map((option: string) => {
          const id = `${domId(path)}-${option}`;
          return html`<span class="check">
            <input type="checkbox" id=${id} .checked=${list.includes(option)}
              @change=${(e: Event) =>
                this.set(path, (e.target as HTMLInputElement).checked
                  ? [...list, option]
                  : list.filter((x) => x !== option))} />
            <label for=${id}>${option}</label>
          </span>`;
        })}
        ${errors}
      </fieldset>`;
    }
    return html`<fieldset class="group">
      <legend>${label(name, schema)}</legend>
      ${list.map(
        (_, i) => html`<div class="item">
          ${this.field([...path, i], items, i)}
          <button type="button" class="link" aria-label=${t('spec.removeItem', { list: label(name, schema), n: i + 1 })}
            @click=${() => this.set(path, list.filter((__, j) => j !== i))}>${t('action.remove')}</button>
        </div>`,
      )}
      <button type="button" @click=${() => this.set(path, [...list, emptyValue(items)])}>
        ${t('spec.addItem', { list: label(name, schema) })}
      </button>
      ${errors}
    </fieldset>`;
  }

  render() {
    const type = this.schema.type;
    if (type !== 'object') return html`<p class="hint">${t('spec.unsupported')}</p>`;
    return html`<div class="spec-form">${this.object([], this.schema, '')}</div>`;
  }
}

define('bh-spec-form', SpecForm);

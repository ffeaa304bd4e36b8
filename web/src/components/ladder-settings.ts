// The ladder settings of the new-campaign form: on/off, initial days, and the stages (each
// with its supporters and the days it adds; the last one sends proposals to review).
import { html, nothing } from 'lit';
import type { FieldErrors } from '../api/errors';
import type { LadderInput } from '../api/generated/graphql';
import { lt } from '../i18n/ladder';
import { fieldErrors } from './feedback';

export interface LadderDraft {
  enabled: boolean;
  initialDays: string;
  stages: { supporters: string; extensionDays: string }[];
}

export function newLadderDraft(): LadderDraft {
  return {
    enabled: false,
    initialDays: '60',
    stages: [
      { supporters: '100', extensionDays: '120' },
      { supporters: '1000', extensionDays: '180' },
      { supporters: '10000', extensionDays: '' },
    ],
  };
}

const int = (v: string) => {
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? 0 : n;
};

/** The ``ladder`` of CreateCampaignInput (null when off); what is typed is sent as is. */
export function ladderInput(d: LadderDraft): LadderInput | null {
  if (!d.enabled) return null;
  return {
    initialDays: int(d.initialDays),
    stages: d.stages.map((s, i) => ({
      supporters: int(s.supporters),
      extensionDays: i === d.stages.length - 1 ? null : int(s.extensionDays),
    })),
  };
}

/** The error paths this fieldset shows next to its inputs. */
export function ladderPaths(d: LadderDraft): string[] {
  return [
    'ladder.initialDays',
    'ladder.stages',
    ...d.stages.flatMap((_, i) => [`ladder.stages.${i}.supporters`, `ladder.stages.${i}.extensionDays`]),
  ];
}

export function ladderFieldset(d: LadderDraft, e: FieldErrors | null, changed: () => void) {
  const input = (id: string, label: string, path: string, value: string, set: (v: string) => void) => html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} type="number" min="1" step="1" inputmode="numeric" .value=${value}
      aria-invalid=${e?.at(path).length ? 'true' : 'false'} aria-describedby=${`${id}-error`}
      @input=${(ev: Event) => set((ev.target as HTMLInputElement).value)} />
    ${fieldErrors(e, path, `${id}-error`)}
  </div>`;
  const last = d.stages.length - 1;
  return html`<fieldset aria-describedby="ladder-hint">
    <legend>${lt('ladder.settings')}</legend>
    <span class="check"><input type="checkbox" id="ladder-on" .checked=${d.enabled}
      @change=${(ev: Event) => { d.enabled = (ev.target as HTMLInputElement).checked; changed(); }} />
      <label for="ladder-on">${lt('ladder.enable')}</label></span>
    <p class="hint" id="ladder-hint">${lt('ladder.settingsHint')}</p>
    ${d.enabled
      ? html`${input('ladder-initial', lt('ladder.initialDays'), 'ladder.initialDays', d.initialDays, (v) => (d.initialDays = v))}
          ${fieldErrors(e, 'ladder.stages', 'ladder-stages-error')}
          ${d.stages.map(
            (s, i) => html`<div class="row ladder-stage">
              ${input(`ladder-s${i}`, lt('ladder.stageSupporters', { n: i + 1 }), `ladder.stages.${i}.supporters`, s.supporters, (v) => (s.supporters = v))}
              ${i < last
                ? input(`ladder-d${i}`, lt('ladder.stageDays', { n: i + 1 }), `ladder.stages.${i}.extensionDays`, s.extensionDays, (v) => (s.extensionDays = v))
                : nothing}
              ${d.stages.length > 1
                ? html`<button type="button" @click=${() => { d.stages.splice(i, 1); changed(); }}>${lt('ladder.removeStage', { n: i + 1 })}</button>`
                : nothing}
            </div>`,
          )}
          <button type="button" @click=${() => { d.stages.push({ supporters: '', extensionDays: '' }); changed(); }}>${lt('ladder.addStage')}</button>`
      : nothing}
  </fieldset>`;
}

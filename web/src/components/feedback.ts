// Small shared templates: field errors, form-level alerts, failures with a way forward.
import { html, nothing, type TemplateResult } from 'lit';
import { ApiFailure } from '../api/client';
import type { FieldErrors, UserError } from '../api/errors';
import { LOCALE_EVENT, locale, t, type MessageKey } from '../i18n';

type FrenchErrors = (code: string, field: readonly string[] | null) => string | null;
let french: FrenchErrors | null = null;

/**
 * How to load the API's refusals in French, on demand (the app registers it; the widget does
 * not, to stay small, and shows the code's label before the server's English detail).
 */
export function useFrenchErrors(load: () => Promise<{ frenchMessage: FrenchErrors }>): void {
  const ensure = () => {
    if (locale() !== 'fr' || french) return;
    load()
      .then((module) => {
        french = module.frenchMessage;
        window.dispatchEvent(new Event(LOCALE_EVENT));
      })
      .catch(() => undefined); // offline: the label and the server's message still show
  };
  ensure();
  window.addEventListener(LOCALE_EVENT, ensure);
}

/**
 * The message a person sees for an error: in French, the sentence for its code (and field);
 * in English, the server's message.
 */
export function errorText(error: UserError): string {
  const translated = locale() === 'fr' ? french?.(error.code, error.field) : null;
  if (translated) return translated;
  const key = `error.${error.code}` as MessageKey;
  const label = t(key);
  return label === key || label === '' ? error.message : `${label} ${error.message}`;
}

/** Errors for one field, placed right after it; ``id`` is what the input's aria-describedby names. */
export function fieldErrors(errors: FieldErrors | null, path: string, id: string) {
  const here = errors?.at(path) ?? [];
  if (!here.length) return nothing;
  return html`<p class="field-error" id=${id}>${here.map((e) => errorText(e)).join(' ')}</p>`;
}

/** Errors that name no field shown on this form. */
export function formErrors(errors: FieldErrors | null, shown: readonly string[] = []) {
  const rest = errors?.others(shown) ?? [];
  if (!rest.length) return nothing;
  return html`<div class="alert" role="alert">
    ${rest.map((e) => html`<p>${errorText(e)}</p>`)}
  </div>`;
}

/** A failed load or call: a human message and what to do next. */
export function failure(error: unknown, retry?: () => void): TemplateResult {
  const kind = error instanceof ApiFailure ? error.kind : 'unexpected';
  const code = error instanceof ApiFailure ? error.code : '';
  const message =
    kind === 'unexpected' && code && code !== 'INTERNAL_SERVER_ERROR'
      ? errorText({ code, message: (error as ApiFailure).message, field: null })
      : kind === 'network'
      ? t('failure.network')
      : kind === 'unauthenticated'
        ? t('failure.expired')
        : kind === 'forbidden'
          ? t('failure.forbidden')
          : t('failure.unexpected');
  return html`<div class="alert" role="alert">
    <p>${message}</p>
    ${kind === 'unauthenticated'
      ? html`<p><a href="/sign-in">${t('nav.signIn')}</a></p>`
      : retry
        ? html`<p><button type="button" @click=${retry}>${t('action.retry')}</button></p>`
        : nothing}
  </div>`;
}

/** Describe a failure thrown while submitting a form, as a UserError shown above the form. */
export function thrownAsError(error: unknown): UserError {
  const kind = error instanceof ApiFailure ? error.kind : 'unexpected';
  const key: MessageKey =
    kind === 'network' ? 'failure.network' : kind === 'unauthenticated' ? 'failure.expired' : 'failure.unexpected';
  return { code: 'NETWORK', message: t(key), field: null };
}

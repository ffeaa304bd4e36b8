// Translations and locale-aware formatting. The locale comes from the browser, can be switched,
// and every component re-renders when it changes.
import { en, type Messages } from './en';
import { fr } from './fr';

export type Locale = 'en' | 'fr';
export type MessageKey = keyof Messages;
type Plural = { one: string; other: string };

const catalogs: Record<Locale, Messages> = { en, fr };
const STORAGE_KEY = 'bh.locale';
export const LOCALE_EVENT = 'bh-locale';

function fromBrowser(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'fr') return saved;
  } catch {
    // storage may be unavailable (privacy modes, partitioned frames)
  }
  for (const language of navigator.languages ?? [navigator.language]) {
    if (language.toLowerCase().startsWith('fr')) return 'fr';
    if (language.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

let current: Locale = fromBrowser();

/** Add the messages of a lazily loaded part of the app (kept out of the widget's bundle). */
export function addMessages(extra: Record<Locale, Record<string, string | Plural>>): void {
  for (const name of ['en', 'fr'] as const) Object.assign(catalogs[name], extra[name]);
}

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // keep the choice for this page only
  }
  document.documentElement.lang = next;
  window.dispatchEvent(new Event(LOCALE_EVENT));
}

/** The message for ``key`` in the current locale, with ``{name}`` parameters filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const entry = (catalogs[current][key] ?? en[key]) as string | Plural | undefined;
  if (entry === undefined) return key; // callers probe optional keys (error codes, spec field names) this way
  return fill(entry, params);
}

function fill(entry: string | Plural, params: Record<string, string | number>): string {
  let text: string;
  if (typeof entry === 'string') {
    text = entry;
  } else {
    const count = Number(params.count ?? 0);
    const rule = new Intl.PluralRules(current).select(count);
    text = rule === 'one' ? entry.one : entry.other;
  }
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/**
 * A catalogue of its own for a lazily loaded part of the app (so its strings stay out of the
 * first page and the widget): a ``t`` over ``messages``, English where French lacks a key.
 */
export function catalogue<K extends string>(messages: { en: Record<K, string | Plural>; fr: Partial<Record<K, string | Plural>> }) {
  return (key: K, params: Record<string, string | number> = {}): string =>
    fill(messages[current][key] ?? messages.en[key], params);
}

export function formatNumber(value: number, digits = 2): string {
  return new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(value);
}

export function formatMoney(amount: string | number, currency: string): string {
  return new Intl.NumberFormat(current, { style: 'currency', currency }).format(Number(amount));
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

export function formatDay(iso: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'long' }).format(new Date(iso));
}

/** "in 3 days" / "dans 3 jours", or null when ``iso`` is absent. */
export function timeLeft(iso: string | null | undefined, now = Date.now()): string | null {
  if (!iso) return null;
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const format = new Intl.RelativeTimeFormat(current, { numeric: 'auto' });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds), 'second');
}

// Messages of ratings, fulfilment and reputation: loaded with the pages that show them, so the
// widget's bundle stays small. ``tr`` is ``t`` for these keys.
import { addMessages, t, type MessageKey } from './index';
import { ratingsEn } from './ratings-en';
import { ratingsFr } from './ratings-fr';

addMessages({ en: ratingsEn, fr: ratingsFr });

export type RatingsKey = keyof typeof ratingsEn;

export function tr(key: RatingsKey, params: Record<string, string | number> = {}): string {
  return t(key as unknown as MessageKey, params);
}

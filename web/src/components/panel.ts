// A self-loading part of a page: fetches its own data, submits its own mutations and shows their
// UserErrors by field (as Page does for whole pages), so a page only has to place it.
import { type nothing, type TemplateResult } from 'lit';
import { Loaded } from './loaded';

export abstract class Panel<D> extends Loaded<D> {
  protected abstract view(data: D): TemplateResult | typeof nothing;
}

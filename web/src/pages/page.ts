// What every page shares: load data, show loading, a failure with a way forward, or the view.
import { html, type TemplateResult } from 'lit';
import { Loaded } from '../components/loaded';
import { failure } from '../components/feedback';
import { t } from '../i18n';

export abstract class Page<D> extends Loaded<D> {
  static properties = {
    ...Loaded.properties,
    params: { attribute: false },
    loaded: { state: true },
  };

  params: Record<string, string> = {};
  /** True once a fetch succeeded (its data may legitimately be null: not found, signed out). */
  protected loaded = false;

  protected abstract fetch(): Promise<D>;
  protected abstract view(data: D): TemplateResult;
  protected abstract heading(data: D | null): string;

  protected loadEnded(): void {
    if (!this.failed) this.loaded = true;
    document.title = `${this.heading(this.data)} · brandhub`;
  }

  render() {
    if (this.failed) {
      return html`<h1 tabindex="-1">${this.heading(null)}</h1>${failure(this.failed, () => this.load())}`;
    }
    if (!this.loaded) return html`<p class="hint" role="status">${t('state.loading')}</p>`;
    return this.view(this.data as D);
  }
}

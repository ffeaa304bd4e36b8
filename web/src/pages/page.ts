// What every page shares: load data, show loading, a failure with a way forward, or the view.
import { html, type TemplateResult } from 'lit';
import { FieldErrors, type UserError } from '../api/errors';
import { BhElement } from '../components/base';
import { failure, thrownAsError } from '../components/feedback';
import { t } from '../i18n';
import { SESSION_EVENT } from '../session';

export abstract class Page<D> extends BhElement {
  static properties = {
    params: { attribute: false },
    data: { state: true },
    error: { state: true },
    errors: { state: true },
    busy: { state: true },
    notice: { state: true },
    loaded: { state: true },
  };

  params: Record<string, string> = {};
  protected data: D | null = null;
  protected error: unknown = null;
  /** UserErrors of the form last submitted on this page. */
  protected errors: FieldErrors | null = null;
  protected busy = false;
  protected notice = '';
  /** True once a fetch succeeded (its data may legitimately be null: not found, signed out). */
  protected loaded = false;
  private readonly reload = () => this.load();

  protected abstract fetch(): Promise<D>;
  protected abstract view(data: D): TemplateResult;
  protected abstract heading(data: D | null): string;

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(SESSION_EVENT, this.reload);
    this.load();
  }

  disconnectedCallback(): void {
    window.removeEventListener(SESSION_EVENT, this.reload);
    super.disconnectedCallback();
  }

  async load(): Promise<void> {
    try {
      this.data = await this.fetch();
      this.loaded = true;
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    document.title = `${this.heading(this.data)} · brandhub`;
  }

  /**
   * Submit a mutation: keep the form as typed, show its UserErrors by field, reload on success.
   * Returns the payload when it had no errors.
   */
  protected async submit<P extends { errors: readonly UserError[] }>(
    call: () => Promise<P>,
    done?: (payload: P) => void | Promise<void>,
    notice = '',
  ): Promise<P | null> {
    this.busy = true;
    this.errors = null;
    this.notice = '';
    try {
      const payload = await call();
      if (payload.errors.length) {
        this.errors = new FieldErrors(payload.errors);
        await this.updateComplete;
        this.querySelector<HTMLElement>('[aria-invalid="true"], .alert')?.focus?.();
        return null;
      }
      await done?.(payload);
      await this.load();
      this.notice = notice;
      return payload;
    } catch (error) {
      this.errors = new FieldErrors([thrownAsError(error)]);
      return null;
    } finally {
      this.busy = false;
    }
  }

  render() {
    if (this.error) {
      return html`<h1 tabindex="-1">${this.heading(null)}</h1>${failure(this.error, () => this.load())}`;
    }
    if (!this.loaded) return html`<p class="hint" role="status">${t('state.loading')}</p>`;
    return this.view(this.data as D);
  }
}

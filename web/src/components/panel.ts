// A self-loading part of a page: fetches its own data, submits its own mutations and shows their
// UserErrors by field (as Page does for whole pages), so a page only has to place it.
import { type TemplateResult } from 'lit';
import { FieldErrors, type UserError } from '../api/errors';
import { SESSION_EVENT } from '../session';
import { BhElement } from './base';
import { thrownAsError } from './feedback';

export abstract class Panel<D> extends BhElement {
  static properties = {
    data: { state: true },
    failed: { state: true },
    errors: { state: true },
    busy: { state: true },
    notice: { state: true },
  };
  protected data: D | null = null;
  protected failed: unknown = null;
  protected errors: FieldErrors | null = null;
  protected busy = false;
  protected notice = '';
  private readonly reload = () => this.load();

  protected abstract fetch(): Promise<D | null>;
  protected abstract view(data: D): TemplateResult | typeof import('lit').nothing;

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
      this.failed = null;
    } catch (error) {
      this.failed = error;
    }
  }

  /** Run a mutation: keep what was typed, show its UserErrors, reload on success. */
  protected async submit<P extends { errors: readonly UserError[] }>(call: () => Promise<P>, notice = ''): Promise<P | null> {
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
}

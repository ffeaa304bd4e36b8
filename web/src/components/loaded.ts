// What a page and a self-loading part of a page share: load their data (again whenever the
// session changes), and submit mutations that keep what was typed and show their UserErrors
// by field. `Page` adds the page's heading and states; `Panel` is a part a page only places.
import { FieldErrors, type UserError } from '../api/errors';
import { SESSION_EVENT } from '../session';
import { BhElement } from './base';
import { thrownAsError } from './feedback';

export abstract class Loaded<D> extends BhElement {
  static properties = {
    data: { state: true },
    failed: { state: true },
    errors: { state: true },
    busy: { state: true },
    notice: { state: true },
  };
  protected data: D | null = null;
  /** Why the last load failed (null once one succeeds). */
  protected failed: unknown = null;
  /** UserErrors of the form last submitted here. */
  protected errors: FieldErrors | null = null;
  protected busy = false;
  protected notice = '';
  private readonly reload = () => this.load();

  protected abstract fetch(): Promise<D | null>;

  /** After each load, successful or not. */
  protected loadEnded(): void {}

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
    this.loadEnded();
  }

  /**
   * Submit a mutation: keep the form as typed, show its UserErrors by field, reload on success
   * (after `done`), then show `notice`. Returns the payload when it had no errors.
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
}

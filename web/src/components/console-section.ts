// What the owner console's self-contained sections share: load their own data, send one
// mutation at a time, keep its UserErrors (by field) for the part of the section it concerns.
import { FieldErrors, type UserError } from '../api/errors';
import { BhElement } from './base';
import { thrownAsError } from './feedback';

export abstract class ConsoleSection extends BhElement {
  static properties = {
    busy: { state: true },
    errors: { state: true },
    errorsOf: { state: true },
    notice: { state: true },
    failed: { state: true },
  };

  protected busy = false;
  protected errors: FieldErrors | null = null;
  /** Which row or form ``errors`` belong to. */
  protected errorsOf = '';
  protected notice = '';
  protected failed: unknown = null;

  protected abstract reload(): Promise<void>;

  connectedCallback(): void {
    super.connectedCallback();
    this.reload().catch((error) => (this.failed = error));
  }

  /** Errors for ``part`` only (a row, a form). */
  protected errorsFor(part: string): FieldErrors | null {
    return this.errorsOf === part ? this.errors : null;
  }

  /** Send a mutation for ``part``; on success reload and announce ``notice``. */
  protected async run<P extends { errors: readonly UserError[] }>(
    part: string,
    call: () => Promise<P>,
    notice: string,
    done?: (payload: P) => void,
  ): Promise<P | null> {
    this.busy = true;
    this.errorsOf = part;
    this.errors = null;
    this.notice = '';
    try {
      const payload = await call();
      if (payload.errors.length) {
        this.errors = new FieldErrors(payload.errors);
        return null;
      }
      done?.(payload);
      await this.reload();
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

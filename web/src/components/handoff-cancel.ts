// <bh-handoff-cancel>: the owner cancels a handoff before it ships, with a reason the partner
// receives; a refusal shows next to the reason, which stays as typed.
import { html, nothing } from 'lit';
import { CancelHandoffDocument } from '../api/generated/graphql';
import { tc } from '../i18n/console';
import { session } from '../session';
import { define } from './base';
import { ConsoleSection } from './console-section';
import { fieldErrors, formErrors } from './feedback';

class HandoffCancel extends ConsoleSection {
  static properties = { ...ConsoleSection.properties, handoffId: { attribute: 'handoff-id' }, partner: {} };
  handoffId = '';
  partner = '';
  private reason = '';

  protected async reload(): Promise<void> {}

  private async cancel(ev: SubmitEvent) {
    ev.preventDefault();
    const done = await this.run(
      'cancel',
      async () => (await session.api.mutate(CancelHandoffDocument, { input: { handoffId: this.handoffId, reason: this.reason } })).cancelHandoff,
      tc('handoff.cancelled'),
    );
    if (done) this.emit('bh-handoff-cancelled', { handoffId: this.handoffId });
  }

  render() {
    const e = this.errors;
    const id = `cancel-${this.handoffId}`;
    return html`<form class="handoff-cancel" novalidate @submit=${(ev: SubmitEvent) => this.cancel(ev)}>
      ${formErrors(e, ['reason'])}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <div class="field">
        <label for=${id}>${tc('handoff.cancelReason', { partner: this.partner })}</label>
        <input id=${id} .value=${this.reason} aria-invalid=${e?.at('reason').length ? 'true' : 'false'}
          aria-describedby=${`${id}-error`} @input=${(ev: Event) => (this.reason = (ev.target as HTMLInputElement).value)} />
        ${fieldErrors(e, 'reason', `${id}-error`)}
      </div>
      <button class="danger" type="submit" ?disabled=${this.busy}>${tc('handoff.cancel', { partner: this.partner })}</button>
    </form>`;
  }
}

define('bh-handoff-cancel', HandoffCancel);

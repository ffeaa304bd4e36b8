// <bh-comment-queue>: a campaign's comments (hidden ones included, for moderators), each to
// hide or restore with a reason, and the brand's moderation log that records every action.
import { html, nothing } from 'lit';
import { CommentQueueDocument, ModerateDocument, type CommentQueueQuery } from '../api/generated/graphql';
import { formatDate } from '../i18n';
import { tc, type ConsoleKey } from '../i18n/console';
import { session } from '../session';
import { define } from './base';
import { ConsoleSection } from './console-section';
import { errorText, failure, fieldErrors } from './feedback';

type Queue = NonNullable<CommentQueueQuery['campaign']>;

class CommentQueue extends ConsoleSection {
  static properties = { ...ConsoleSection.properties, campaignId: { attribute: 'campaign-id' }, queue: { state: true } };
  campaignId = '';
  private queue: Queue | null = null;
  private reason = '';

  protected async reload(): Promise<void> {
    this.queue = (await session.api.query(CommentQueueDocument, { id: this.campaignId })).campaign ?? null;
  }

  private moderate(id: string, hide: boolean) {
    return this.run(
      id,
      async () =>
        (await session.api.mutate(ModerateDocument, { input: { targetId: id, action: hide ? 'HIDE' : 'RESTORE', reason: this.reason } })).moderate,
      tc('queue.done'),
    );
  }

  render() {
    if (this.failed) return failure(this.failed, () => this.reload());
    const q = this.queue;
    if (!q) return nothing;
    const withComments = q.proposals.nodes.filter((p) => p.comments.nodes.length > 0);
    const reasonErrors = this.errors && this.errors.at('reason').length ? this.errors : null;
    return html`<section class="card" aria-labelledby="comments-title">
      <h2 id="comments-title">${tc('queue.title')}</h2>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${withComments.length === 0
        ? html`<p class="hint">${tc('queue.none')}</p>`
        : html`<div class="field">
            <label for="comment-reason">${tc('queue.reason')}</label>
            <input id="comment-reason" .value=${this.reason} aria-invalid=${reasonErrors ? 'true' : 'false'}
              aria-describedby="comment-reason-error" @input=${(ev: Event) => (this.reason = (ev.target as HTMLInputElement).value)} />
            ${fieldErrors(reasonErrors, 'reason', 'comment-reason-error')}
          </div>`}
      ${withComments.map(
        (p) => html`<h3>${tc('queue.on', { title: p.title })}</h3>
          <ul class="plain">
            ${p.comments.nodes.map((c) => {
              const others = this.errorsFor(c.id)?.others(['reason']) ?? [];
              const name = c.author.displayName;
              return html`<li class=${c.hidden ? 'hidden-comment' : ''}>
                <div class="grow"><strong>${name}</strong> <span class="hint">${formatDate(c.createdAt)}</span>
                  ${c.hidden ? html`<span class="badge">${tc('queue.hidden')}</span>` : nothing}
                  <p>${c.body}</p></div>
                <button type="button" ?disabled=${this.busy} aria-label=${tc(c.hidden ? 'queue.restoreNamed' : 'queue.hideNamed', { name })}
                  @click=${() => this.moderate(c.id, !c.hidden)}>${tc(c.hidden ? 'queue.restore' : 'queue.hide')}</button>
                ${others.length ? html`<p class="field-error" role="alert">${others.map((e) => errorText(e)).join(' ')}</p>` : nothing}
              </li>`;
            })}
          </ul>`,
      )}
      <h3>${tc('queue.log')}</h3>
      ${q.brand.moderationLog.nodes.length === 0 ? html`<p class="hint">${tc('queue.logEmpty')}</p>` : nothing}
      <ul class="modlog">${q.brand.moderationLog.nodes.map(
        (m) => html`<li>${formatDate(m.at)} · ${m.moderator.displayName} ${tc(`queue.${m.action}` as ConsoleKey)}
          ${m.targetType.toLowerCase()} — ${m.reason}</li>`,
      )}</ul>
    </section>`;
  }
}

define('bh-comment-queue', CommentQueue);

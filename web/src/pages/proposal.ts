// Proposal page: the spec rendered for its template, digest, credits, revisions with a diff,
// comments; revise, fork, withdraw, comment, pledge; moderators hide and restore.
import { html, nothing } from 'lit';
import {
  AddCommentDocument,
  CancelPledgeDocument,
  ForkProposalDocument,
  ModerateDocument,
  PledgeDocument,
  ProposalPageDocument,
  ReviseProposalDocument,
  WithdrawProposalDocument,
  type ProposalPageQuery,
} from '../api/generated/graphql';
import { define } from '../components/base';
import '../components/ladder';
import { fieldErrors, formErrors } from '../components/feedback';
import '../components/spec-form';
import '../components/spec-view';
import '../components/product-ratings';
import { formatDate, formatMoney, formatNumber, t } from '../i18n';
import { navigate } from '../router';
import { session } from '../session';
import { brandHeader } from './brand';
import { Page } from './page';

type Proposal = NonNullable<ProposalPageQuery['proposal']> | null;

class ProposalPage extends Page<Proposal> {
  static properties = {
    ...Page.properties,
    revising: { state: true },
    diffFrom: { state: true },
    diffTo: { state: true },
  };
  private revising: { spec: unknown; note: string } | null = null;
  private comment = '';
  private units = '1';
  private reason = '';
  private diffFrom = 0;
  private diffTo = 0;
  private revisionCount = 0;

  protected heading(data: Proposal | null): string {
    return data?.title ?? t('proposal.title');
  }

  protected async fetch(): Promise<Proposal> {
    const proposal = (await session.api.query(ProposalPageDocument, { id: this.params.id })).proposal ?? null;
    const count = proposal?.revisions.nodes.length ?? 0;
    if (count && count !== this.revisionCount) {
      // A new revision (or the first load): compare the latest two.
      this.revisionCount = count;
      this.diffTo = count;
      this.diffFrom = Math.max(1, count - 1);
    }
    return proposal;
  }

  private revise(p: NonNullable<Proposal>) {
    const draft = this.revising!;
    const e = this.errors;
    return html`<form class="card" novalidate @submit=${(ev: SubmitEvent) => {
      ev.preventDefault();
      this.submit(
        async () =>
          (await session.api.mutate(ReviseProposalDocument, {
            input: { proposalId: p.id, spec: draft.spec, note: draft.note },
          })).reviseProposal,
        () => {
          this.revising = null;
        },
        t('proposal.revised'),
      );
    }}>
      <h2>${t('proposal.revise')}</h2>
      ${formErrors(e, ['note'])}
      <bh-spec-form .schema=${p.campaign.specSchema} .value=${draft.spec} .errors=${e?.within('spec') ?? null}
        @bh-spec-change=${(ev: CustomEvent) => (draft.spec = ev.detail)}></bh-spec-form>
      <div class="field">
        <label for="note">${t('proposal.note')}</label>
        <input id="note" .value=${draft.note} @input=${(ev: Event) => (draft.note = (ev.target as HTMLInputElement).value)} />
        ${fieldErrors(e, 'note', 'note-error')}
      </div>
      <div class="row">
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('proposal.saveRevision')}</button>
        <button type="button" @click=${() => (this.revising = null)}>${t('action.cancel')}</button>
      </div>
    </form>`;
  }

  private revisions(p: NonNullable<Proposal>) {
    const list = p.revisions.nodes;
    const from = list.find((r) => r.number === this.diffFrom);
    const to = list.find((r) => r.number === this.diffTo);
    const choose = (id: string, labelText: string, value: number, set: (n: number) => void) => html`<div class="field">
      <label for=${id}>${labelText}</label>
      <select id=${id} @change=${(e: Event) => set(Number((e.target as HTMLSelectElement).value))}>
        ${list.map((r) => html`<option value=${r.number} ?selected=${r.number === value}>${t('revision.number', { n: r.number })}</option>`)}
      </select>
    </div>`;
    return html`<section aria-labelledby="revisions-title">
      <h2 id="revisions-title">${t('revision.title')}</h2>
      <ol>
        ${list.map(
          (r) => html`<li>${t('revision.number', { n: r.number })} · ${formatDate(r.at)} · ${r.author.displayName}
            ${r.note ? html`— ${r.note}` : nothing}<br /><code class="digest">${r.specDigest}</code></li>`,
        )}
      </ol>
      ${list.length > 1
        ? html`<div class="row">
              ${choose('diff-from', t('diff.from'), this.diffFrom, (n) => (this.diffFrom = n))}
              ${choose('diff-to', t('diff.to'), this.diffTo, (n) => (this.diffTo = n))}
            </div>
            <bh-spec-diff .older=${from?.spec ?? {}} .newer=${to?.spec ?? {}}></bh-spec-diff>`
        : nothing}
    </section>`;
  }

  private pledges(p: NonNullable<Proposal>) {
    const d = p.demand;
    const open = p.campaign.phase === 'VOTING' || (p.status === 'WINNER' && d.currency);
    if (!open && !d.pledgedUnits) return nothing;
    const e = this.errors;
    return html`<section class="card" aria-labelledby="pledge-title">
      <h2 id="pledge-title">${t('pledge.title')}</h2>
      <p>${t('pledge.total', { count: d.pledgedUnits })}</p>
      ${d.unitPrice && d.currency
        ? html`<p>${t('pledge.unitPrice', { price: formatMoney(d.unitPrice, d.currency) })}
            ${d.nextTier ? html`· ${t('pledge.nextTier', { count: d.nextTier.minUnits, price: formatMoney(d.nextTier.unitPrice, d.currency) })}` : nothing}</p>`
        : html`<p class="hint">${t('pledge.noQuote')}</p>`}
      ${d.moq
        ? html`<label for="moq">${t('pledge.moq', { count: d.pledgedUnits, moq: d.moq })}</label>
            <progress id="moq" max=${d.moq} .value=${Math.min(d.pledgedUnits, d.moq)}></progress>
            ${p.ratings
              ? html`<p class="notice">${t('pledge.shipped')} <a href="#ratings-title">${t('pledge.seeRatings')}</a></p>`
              : d.moqReached
                ? html`<p class="notice">${t('pledge.moqReached')}</p>`
                : nothing}`
        : nothing}
      ${p.viewerPledges.length
        ? html`<ul>${p.viewerPledges.map(
            (pl) => html`<li>${t('pledge.mine', { count: pl.units })}
              ${pl.fulfilledAt
                ? t('pledge.delivered', { at: formatDate(pl.fulfilledAt) })
                : d.moqReached
                  ? nothing
                  : html`<button type="button" class="link" ?disabled=${this.busy}
                      @click=${() => this.submit(async () => (await session.api.mutate(CancelPledgeDocument, { input: { pledgeId: pl.id } })).cancelPledge)}>
                      ${t('pledge.cancel')}</button>`}</li>`,
          )}</ul>`
        : nothing}
      ${open && session.member && !d.moqReached
        ? html`<form class="row" novalidate @submit=${(ev: SubmitEvent) => {
            ev.preventDefault();
            this.submit(
              async () => (await session.api.mutate(PledgeDocument, { input: { proposalId: p.id, units: Number(this.units) } })).pledge,
              undefined,
              t('pledge.thanks'),
            );
          }}>
            <div class="field">
              <label for="units">${t('pledge.units')}</label>
              <input id="units" inputmode="numeric" .value=${this.units} aria-invalid=${e?.at('units').length ? 'true' : 'false'}
                aria-describedby="units-error" @input=${(ev: Event) => (this.units = (ev.target as HTMLInputElement).value)} />
              ${fieldErrors(e, 'units', 'units-error')}
            </div>
            <button class="primary" type="submit" ?disabled=${this.busy}>${t('pledge.submit')}</button>
          </form>`
        : nothing}
    </section>`;
  }

  private moderate(targetId: string, action: 'HIDE' | 'RESTORE') {
    return this.submit(async () => (await session.api.mutate(ModerateDocument, { input: { targetId, action, reason: this.reason } })).moderate);
  }

  protected view(p: Proposal) {
    if (!p) return html`<h1 tabindex="-1">${t('notFound.title')}</h1><p>${t('proposal.notFound')}</p>`;
    const c = p.campaign;
    const mineToEdit = session.member?.id === p.author.id && c.phase === 'SUBMISSIONS' && p.status !== 'WITHDRAWN';
    const member = Boolean(c.brand.viewerRole);
    const moderator = c.brand.viewerRole === 'OWNER' || c.brand.viewerRole === 'MODERATOR';
    const e = this.errors;
    return html`${brandHeader(c.brand, 'p')}
      <p><a href=${`/c/${c.id}`}>← ${c.title}</a></p>
      <h1 tabindex="-1">${p.title}</h1>
      <p class="row">
        ${p.status !== 'ACTIVE' ? html`<span class="badge">${t(`status.${p.status}` as never)}</span>` : nothing}
        <span class="hint"><a href=${`/m/${p.author.id}`}>${t('proposal.by', { name: p.author.displayName })}</a> · ${formatDate(p.createdAt)} ·
          ${t('board.voters', { count: p.tally.voters })} · ${t('board.score', { score: formatNumber(p.tally.score) })}</span>
      </p>
      ${p.summary ? html`<p class="lead">${p.summary}</p>` : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${formErrors(e, ['units', 'body', 'note', 'reason'])}
      <div class="layout">
        <div>
          <section class="card" aria-labelledby="spec-title">
            <h2 id="spec-title">${t('proposal.specTitle')}</h2>
            <bh-spec-view .spec=${p.spec} template=${c.specTemplate}></bh-spec-view>
            <p class="hint">${t('proposal.digest')} <code class="digest">${p.specDigest}</code></p>
          </section>
          <bh-ladder-progress proposal-id=${p.id}></bh-ladder-progress>
          ${this.revising ? this.revise(p) : nothing}
          <div class="row">
            ${mineToEdit && !this.revising
              ? html`<button type="button" @click=${() => (this.revising = { spec: structuredClone(p.spec), note: '' })}>${t('proposal.revise')}</button>
                  <button type="button" class="danger" ?disabled=${this.busy}
                    @click=${() => this.submit(async () => (await session.api.mutate(WithdrawProposalDocument, { input: { proposalId: p.id } })).withdrawProposal)}>
                    ${t('proposal.withdraw')}</button>`
              : nothing}
            ${member && c.phase === 'SUBMISSIONS' && session.member?.id !== p.author.id
              ? html`<button type="button" ?disabled=${this.busy}
                  @click=${() => this.submit(async () => (await session.api.mutate(ForkProposalDocument, { input: { proposalId: p.id } })).forkProposal,
                    (payload) => navigate(`/p/${payload.proposal!.id}`))}>${t('proposal.fork')}</button>`
              : nothing}
          </div>
          ${p.status === 'WINNER' ? html`<bh-product-ratings proposal=${p.id}></bh-product-ratings>` : nothing}
          ${this.revisions(p)}
          <section aria-labelledby="comments-title">
            <h2 id="comments-title">${t('comment.title')}</h2>
            ${p.comments.nodes.length === 0 ? html`<p class="hint">${t('comment.none')}</p>` : nothing}
            <ul class="plain">
              ${p.comments.nodes.map(
                (cm) => html`<li>
                  <div class="grow"><a href=${`/m/${cm.author.id}`}><strong>${cm.author.displayName}</strong></a> <span class="hint">${formatDate(cm.createdAt)}</span>
                    ${cm.hidden ? html`<span class="badge">${t('status.HIDDEN')}</span>` : nothing}
                    <p>${cm.body}</p></div>
                  ${moderator
                    ? html`<button type="button" class="link" @click=${() => this.moderate(cm.id, cm.hidden ? 'RESTORE' : 'HIDE')}>
                        ${cm.hidden ? t('moderation.restore') : t('moderation.hide')}</button>`
                    : nothing}
                </li>`,
              )}
            </ul>
            ${member
              ? html`<form novalidate @submit=${(ev: SubmitEvent) => {
                  ev.preventDefault();
                  this.submit(
                    async () => (await session.api.mutate(AddCommentDocument, { input: { proposalId: p.id, body: this.comment } })).addComment,
                    () => {
                      this.comment = '';
                    },
                  );
                }}>
                  <div class="field">
                    <label for="comment">${t('comment.add')}</label>
                    <textarea id="comment" rows="3" .value=${this.comment} aria-invalid=${e?.at('body').length ? 'true' : 'false'}
                      aria-describedby="comment-error" @input=${(ev: Event) => (this.comment = (ev.target as HTMLTextAreaElement).value)}></textarea>
                    ${fieldErrors(e, 'body', 'comment-error')}
                  </div>
                  <button type="submit" ?disabled=${this.busy}>${t('comment.submit')}</button>
                </form>`
              : nothing}
          </section>
        </div>
        <aside>
          <section class="card" aria-labelledby="credits-title">
            <h2 id="credits-title">${t('proposal.credits')}</h2>
            <ul>${p.credits.map((m) => html`<li>${m.displayName}</li>`)}</ul>
            ${p.forkedFrom ? html`<p>${t('proposal.forkedFrom')} <a href=${`/p/${p.forkedFrom.id}`}>${p.forkedFrom.title}</a></p>` : nothing}
          </section>
          ${this.pledges(p)}
          ${moderator
            ? html`<section class="card" aria-labelledby="mod-title">
                <h2 id="mod-title">${t('moderation.title')}</h2>
                <div class="field">
                  <label for="reason">${t('moderation.reason')}</label>
                  <input id="reason" .value=${this.reason} aria-describedby="reason-error"
                    @input=${(ev: Event) => (this.reason = (ev.target as HTMLInputElement).value)} />
                  ${fieldErrors(e, 'reason', 'reason-error')}
                </div>
                <button type="button" ?disabled=${this.busy} @click=${() => this.moderate(p.id, p.status === 'HIDDEN' ? 'RESTORE' : 'HIDE')}>
                  ${p.status === 'HIDDEN' ? t('moderation.restoreProposal') : t('moderation.hideProposal')}</button>
              </section>`
            : nothing}
        </aside>
      </div>`;
  }
}

define('bh-page-proposal', ProposalPage);

// Campaign page: brief, rules, proposals (TOP/HOT/NEW) with a voting control per method, the
// live leaderboard, quorum progress and time left; submit a proposal during SUBMISSIONS.
import { html, nothing } from 'lit';
import {
  CampaignPageDocument,
  CampaignSchemaDocument,
  CampaignViewerDocument,
  SubmitProposalDocument,
  type CampaignPageQuery,
  type CampaignSchemaQuery,
  type CampaignViewerQuery,
  type ProposalOrder,
} from '../api/generated/graphql';
import '../components/ballot-ranked';
import { define } from '../components/base';
import { fieldErrors, formErrors } from '../components/feedback';
import { directGateway } from '../components/gateway';
import '../components/ladder';
import '../components/leaderboard';
import { keepReceipt } from '../components/receipt';
import '../components/results';
import { emptyValue } from '../components/spec-form';
import '../components/spec-form';
import '../components/vote-controls';
import { formatDate, t, timeLeft } from '../i18n';
import { navigate } from '../router';
import { session } from '../session';
import { applyAccent } from '../theme';
import { brandHeader } from './brand';
import { phaseBadge } from './home';
import { Page } from './page';
import { rulesInWords } from './rules';

type Campaign = NonNullable<CampaignPageQuery['campaign']>;
type Mine = NonNullable<CampaignViewerQuery['campaign']> | null;
type Schema = NonNullable<CampaignSchemaQuery['campaign']>;
interface Data {
  campaign: Campaign | null;
  mine: Mine;
  schema: Schema | null;
}

const ORDERS: ProposalOrder[] = ['TOP', 'HOT', 'NEW'];

class CampaignPage extends Page<Data> {
  static properties = { ...Page.properties, draft: { state: true }, proposing: { state: true } };
  /** The proposal being written: kept whatever the server answers. */
  private draft: { title: string; summary: string; spec: unknown } | null = null;
  private proposing = false;
  private readonly gateway = directGateway(session.api);

  private get order(): ProposalOrder {
    const asked = new URLSearchParams(location.search).get('order') as ProposalOrder | null;
    return asked && ORDERS.includes(asked) ? asked : 'TOP';
  }

  protected heading(data: Data | null): string {
    return data?.campaign?.title ?? t('campaign.title');
  }

  protected async fetch(): Promise<Data> {
    const id = this.params.id;
    const [page, mine] = await Promise.all([
      session.api.query(CampaignPageDocument, { id, order: this.order }),
      session.member ? session.api.query(CampaignViewerDocument, { id }) : Promise.resolve(null),
    ]);
    const campaign = page.campaign ?? null;
    applyAccent(document.documentElement, campaign?.brand.accentColor);
    let schema: Schema | null = this.data?.schema ?? null;
    if (campaign?.phase === 'SUBMISSIONS' && !schema) {
      schema = (await session.api.query(CampaignSchemaDocument, { id })).campaign ?? null;
    }
    return { campaign, mine: mine?.campaign ?? null, schema };
  }

  private async refreshMine(event?: Event): Promise<void> {
    const receipt = (event as CustomEvent | undefined)?.detail?.receipt;
    if (receipt) keepReceipt(this.params.id, receipt);
    if (!session.member || !this.data) return;
    // The page too: the vote may have moved the quorum's progress and the counts shown.
    const [page, viewer] = await Promise.all([
      session.api.query(CampaignPageDocument, { id: this.params.id, order: this.order }),
      session.api.query(CampaignViewerDocument, { id: this.params.id }),
    ]);
    this.data = { ...this.data, campaign: page.campaign ?? this.data.campaign, mine: viewer.campaign ?? null };
  }

  private startProposal(schema: Schema): void {
    this.proposing = true;
    this.draft ??= { title: '', summary: '', spec: emptyValue(schema.specSchema) };
  }

  private async propose(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const draft = this.draft!;
    await this.submit(
      async () =>
        (await session.api.mutate(SubmitProposalDocument, {
          input: { campaignId: this.params.id, title: draft.title, summary: draft.summary, spec: draft.spec },
        })).submitProposal,
      (payload) => {
        this.draft = null;
        this.proposing = false;
        navigate(`/p/${payload.proposal!.id}`);
      },
    );
  }

  private proposalForm(schema: Schema) {
    const draft = this.draft!;
    const e = this.errors;
    return html`<form class="card" novalidate @submit=${(ev: SubmitEvent) => this.propose(ev)}>
      <h2>${t('proposal.new')}</h2>
      ${formErrors(e, ['title', 'summary'])}
      <div class="field">
        <label for="p-title">${t('proposal.titleField')}</label>
        <input id="p-title" .value=${draft.title} aria-invalid=${e?.at('title').length ? 'true' : 'false'}
          aria-describedby="p-title-error" @input=${(ev: Event) => (draft.title = (ev.target as HTMLInputElement).value)} />
        ${fieldErrors(e, 'title', 'p-title-error')}
      </div>
      <div class="field">
        <label for="p-summary">${t('proposal.summaryField')}</label>
        <textarea id="p-summary" rows="2" .value=${draft.summary}
          @input=${(ev: Event) => (draft.summary = (ev.target as HTMLTextAreaElement).value)}></textarea>
        ${fieldErrors(e, 'summary', 'p-summary-error')}
      </div>
      <h3>${t('proposal.spec', { template: schema.specTemplate })}</h3>
      <bh-spec-form .schema=${schema.specSchema} .value=${draft.spec} .errors=${e?.within('spec') ?? null}
        @bh-spec-change=${(ev: CustomEvent) => (draft.spec = ev.detail)}></bh-spec-form>
      ${e?.at('spec').length ? fieldErrors(e, 'spec', 'spec-error') : nothing}
      <div class="row">
        <button class="primary" type="submit" ?disabled=${this.busy}>${t('proposal.submit')}</button>
        <button type="button" @click=${() => (this.proposing = false)}>${t('action.cancel')}</button>
      </div>
    </form>`;
  }

  private voteControl(c: Campaign, p: Campaign['proposals']['nodes'][number], mine: Mine) {
    if (c.phase !== 'VOTING' || !['ACTIVE', 'SHORTLISTED'].includes(p.status)) return nothing;
    if (!session.member) {
      return html`<a href=${`/sign-in?next=${encodeURIComponent(location.pathname)}`}>${t('vote.signInToVote')}</a>`;
    }
    const vote = mine?.viewerVotes.find((v) => v.proposal?.id === p.id);
    const value = vote ? vote.value : null;
    const pending = vote?.pending ?? false;
    if (c.voting.method === 'APPROVAL') {
      return html`<bh-vote-approval .gateway=${this.gateway} proposal-id=${p.id} proposal-title=${p.title}
        .value=${value} .pending=${pending} .remaining=${mine?.viewerRemainingBudget ?? null}></bh-vote-approval>`;
    }
    if (c.voting.method === 'SCORE') {
      return html`<bh-vote-score .gateway=${this.gateway} proposal-id=${p.id} proposal-title=${p.title}
        .value=${value} .pending=${pending}></bh-vote-score>`;
    }
    if (c.voting.method === 'QUADRATIC') {
      return html`<bh-vote-quadratic .gateway=${this.gateway} proposal-id=${p.id} proposal-title=${p.title}
        .value=${value} .pending=${pending} .remaining=${mine?.viewerRemainingBudget ?? 0}
        .credits=${c.voting.creditsPerMember ?? 0}></bh-vote-quadratic>`;
    }
    return nothing;
  }

  private budget(c: Campaign, mine: Mine) {
    if (c.phase !== 'VOTING' || !mine || mine.viewerRemainingBudget == null) return nothing;
    const left = mine.viewerRemainingBudget;
    return html`<p class="notice" role="status">
      ${c.voting.method === 'APPROVAL'
        ? t('vote.supportsLeft', { count: left, total: c.voting.votesPerMember ?? 0 })
        : t('vote.creditsLeft', { count: left, total: c.voting.creditsPerMember ?? 0 })}
    </p>`;
  }

  protected view(data: Data) {
    const c = data.campaign;
    if (!c) return html`<h1 tabindex="-1">${t('notFound.title')}</h1><p>${t('campaign.notFound')}</p>`;
    const mine = data.mine;
    const closes = c.phase === 'SUBMISSIONS' ? c.submissionsCloseAt : c.phase === 'VOTING' ? c.votingClosesAt : null;
    const member = Boolean(c.brand.viewerRole);
    const ballotChoices = c.proposals.nodes
      .filter((p) => ['ACTIVE', 'SHORTLISTED'].includes(p.status))
      .map((p) => ({ id: p.id, title: p.title }));
    return html`${brandHeader(c.brand, 'p')}
      <h1 tabindex="-1">${c.title}</h1>
      <p class="row">${phaseBadge(c.phase)}
        ${closes ? html`<span>${t('campaign.closes', { when: timeLeft(closes)! })} (${formatDate(closes)})</span>` : nothing}
        ${c.brand.viewerRole === 'OWNER' ? html`<a href=${`/owner/c/${c.id}`}>${t('owner.manageCampaign')}</a>` : nothing}
      </p>
      ${c.brief ? html`<p class="lead">${c.brief}</p>` : nothing}
      <div class="layout">
        <div>
          <section class="card" aria-labelledby="rules-title">
            <h2 id="rules-title">${t('rules.title')}</h2>
            <ul>${rulesInWords(c.voting).map((line) => html`<li>${line}</li>`)}</ul>
            ${c.voting.quorum > 0
              ? html`<label for="quorum">${t('campaign.quorumProgress', { count: c.voters, quorum: c.voting.quorum })}</label>
                  <progress id="quorum" max=${c.voting.quorum} .value=${Math.min(c.voters, c.voting.quorum)}></progress>`
              : html`<p>${t('campaign.votersSoFar', { count: c.voters })}</p>`}
          </section>
          <bh-ladder-board campaign-id=${c.id}></bh-ladder-board>
          ${c.results
            ? html`<bh-results .results=${c.results} quorum=${c.voting.quorum} method=${c.voting.method}></bh-results>
                ${c.poweredBy ? html`<p class="powered">${t('widget.poweredBy', { partner: c.poweredBy })}</p>` : nothing}`
            : nothing}
          ${session.member && mine?.viewerReceipt
            ? html`<bh-receipt .api=${session.api} campaign-id=${c.id} ?closed=${c.phase === 'CLOSED'}
                .receipt=${mine.viewerReceipt}></bh-receipt>`
            : nothing}
          ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
          ${c.phase === 'SUBMISSIONS'
            ? member && data.schema
              ? this.proposing
                ? this.proposalForm(data.schema)
                : html`<p><button class="primary" type="button" @click=${() => this.startProposal(data.schema!)}>${t('proposal.new')}</button></p>`
              : html`<p class="notice">${t('campaign.joinToPropose')} <a href=${`/b/${c.brand.slug}`}>${c.brand.name}</a></p>`
            : nothing}
          ${this.budget(c, mine)}
          ${c.phase === 'VOTING' && c.voting.method === 'RANKED' && session.member
            ? html`<bh-ballot-ranked class="card" .gateway=${this.gateway} campaign-id=${c.id} .choices=${ballotChoices}
                .saved=${mine?.viewerBallot?.ranking.map((p) => p.id) ?? []} .pending=${mine?.viewerBallot?.pending ?? false}
                @bh-voted=${(ev: Event) => this.refreshMine(ev)}></bh-ballot-ranked>`
            : nothing}
          <h2>${t('campaign.proposals')}</h2>
          <nav class="tabs" aria-label=${t('campaign.order')}>
            ${ORDERS.map(
              (o) => html`<a href=${`?order=${o}`} aria-current=${o === this.order ? 'page' : 'false'}>${t(`order.${o}` as never)}</a>`,
            )}
          </nav>
          ${c.proposals.nodes.length === 0 ? html`<p class="hint">${t('campaign.noProposals')}</p>` : nothing}
          <ul class="plain" @bh-voted=${(ev: Event) => this.refreshMine(ev)}>
            ${c.proposals.nodes.map(
              (p) => html`<li class="proposal-row">
                <div class="grow">
                  <a href=${`/p/${p.id}`}><strong>${p.title}</strong></a>
                  ${p.status !== 'ACTIVE' ? html`<span class="badge">${t(`status.${p.status}` as never)}</span>` : nothing}
                  <div class="hint"><a href=${`/m/${p.author.id}`}>${t('proposal.by', { name: p.author.displayName })}</a> ·
                    ${t('board.voters', { count: p.tally.voters })}
                    ${p.tally.pending ? html` · ${t('board.pending', { count: p.tally.pending })}` : nothing}</div>
                  ${p.summary ? html`<p>${p.summary}</p>` : nothing}
                </div>
                <div>${this.voteControl(c, p, mine)}</div>
              </li>`,
            )}
          </ul>
        </div>
        <aside>
          <bh-leaderboard class="card" .api=${session.api} campaign-id=${c.id} method=${c.voting.method}
            .entries=${c.leaderboard} .live=${c.phase === 'VOTING'}></bh-leaderboard>
        </aside>
      </div>`;
  }
}

define('bh-page-campaign', CampaignPage);

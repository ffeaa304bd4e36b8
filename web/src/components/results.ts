// <bh-results>: a closed campaign's outcome — winner, quorum, the ranking with exact scores and
// tied places, the signed seal with its key id, and the audit file to download and verify.
import { html, nothing } from 'lit';
import { formatDate, formatNumber, t } from '../i18n';
import { ta } from '../i18n/audit';
import { BhElement, define } from './base';
import { KEYS_URL } from './receipt';

export interface ResultsView {
  voters: number;
  quorumMet: boolean;
  seal: string;
  computedAt: string;
  auditUrl?: string | null;
  winner?: { id: string; title: string; ratings?: { count: number; bayesianAverage: number } | null } | null;
  ranking: readonly { rank: number; exactScore: string; tied: boolean; proposal?: { id: string; title: string } | null }[];
  signedSeal?: { keyId: string; algorithm: string; root: string; treeSize: number; closedAt: string } | null;
}

/** "15/8" in the reader's digits (numerator and denominator formatted for the locale). */
function exact(score: string): string {
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  return score
    .split('/')
    .map((part) => format.format(Number(part)))
    .join('⁄');
}

class Results extends BhElement {
  static properties = { results: { attribute: false }, quorum: { type: Number }, method: {} };
  results: ResultsView | null = null;
  quorum = 0;
  method = '';

  render() {
    const r = this.results;
    if (!r) return nothing;
    const tied = r.ranking.some((e) => e.tied);
    const s = r.signedSeal;
    // The server names the download audit-<campaign id>.ndjson (its Content-Disposition).
    const id = r.auditUrl ? new URL(r.auditUrl, location.href).pathname.split('/').pop()!.replace(/\.ndjson$/, '') : '';
    const file = `audit-${id}.ndjson`;
    const [before, after] = ta('results.verifyHow', { command: '\u0000' }).split('\u0000');
    return html`<section class="card results" style="overflow-wrap: anywhere" aria-labelledby="results-title">
      <h2 id="results-title">${t('results.title')}</h2>
      ${r.winner
        ? html`<p class="lead">${t('results.winner')} <a href=${`/p/${r.winner.id}`}><strong>${r.winner.title}</strong></a></p>
            ${r.winner.ratings
              ? html`<p class="shipped"><a href=${`/p/${r.winner.id}`}>${r.winner.ratings.count
                  ? t('results.shipped', { count: r.winner.ratings.count, average: formatNumber(r.winner.ratings.bayesianAverage) })
                  : t('results.shippedUnrated')}</a></p>`
              : nothing}`
        : html`<p>${t('results.noWinner')}</p>`}
      <p>${r.quorumMet ? t('results.quorumMet', { count: r.voters }) : t('results.quorumMissed', { count: r.voters, quorum: this.quorum })}
        <span class="hint">(${ta('results.quorum', { quorum: this.quorum })})</span></p>
      <table>
        <caption>${t('results.ranking')}</caption>
        <thead><tr><th scope="col">#</th><th scope="col">${t('results.proposal')}</th><th scope="col" class="num">${t('results.score')}</th></tr></thead>
        <tbody>${r.ranking.map(
          (e) => html`<tr class=${e.tied ? 'tied' : ''}>
            <td>${e.rank}${e.tied ? html` <span class="badge">${ta('results.tied')}</span>` : nothing}</td>
            <td>${e.proposal?.title ?? t('board.hidden')}</td>
            <td class="num score">${exact(e.exactScore)}</td>
          </tr>`,
        )}</tbody>
      </table>
      ${tied ? html`<p class="hint tie-note">${ta('results.tiedNote', { rule: ta(this.method === 'SCORE' ? 'results.tieRuleScore' : 'results.tieRule') })}</p>` : nothing}
      <h3>${ta('results.sealTitle')}</h3>
      ${s
        ? html`<dl class="kv seal">
            <dt>${ta('results.root')}</dt><dd><code class="digest">${s.root}</code></dd>
            <dt>${ta('results.treeSize')}</dt><dd>${s.treeSize}</dd>
            <dt>${ta('results.keyId')}</dt><dd><code class="digest">${s.keyId}</code> (${s.algorithm})</dd>
            <dt>${ta('results.closedAt')}</dt><dd>${formatDate(s.closedAt)}</dd>
          </dl>`
        : html`<p class="hint">${t('results.seal')} <code class="digest">${r.seal}</code> · ${formatDate(r.computedAt)}</p>
            <p class="hint">${ta('results.unsigned')}</p>`}
      ${r.auditUrl
        ? html`<p><a class="button" href=${r.auditUrl} download=${file}>${ta('results.download')}</a></p>
            <p class="hint verify-how">${before}<code>brandhub verify ${file} --key brandhub-keys.json</code>${after}
              <a href=${KEYS_URL} download="brandhub-keys.json">${ta('results.keys')}</a></p>`
        : nothing}
    </section>`;
  }
}

define('bh-results', Results);

// <bh-product-ratings proposal="…">: a shipped product's verified-buyer ratings — the Bayesian
// average, the 1–5 distribution, reviews — and, for a buyer whose pledge was fulfilled, a
// keyboard-operable star rating (radio buttons) with an optional review. Renders nothing
// before the product ships.
import { html, nothing } from 'lit';
import { ModerateRatingDocument, ProductRatingsDocument, RateProductDocument, type ProductRatingsQuery } from '../api/generated/graphql';
import { formatDate, formatNumber, t } from '../i18n';
import { tr } from '../i18n/ratings';
import { session } from '../session';
import { define } from './base';
import { failure, fieldErrors, formErrors } from './feedback';
import { Panel } from './panel';

type Data = NonNullable<ProductRatingsQuery['proposal']>;

export function stars(n: number): string {
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}

class ProductRatings extends Panel<Data> {
  static properties = { ...Panel.properties, proposal: {}, stars: { state: true } };
  proposal = '';
  private stars = 0;
  private review = '';
  private reason = '';
  private drafted = false;

  protected async fetch(): Promise<Data | null> {
    const data = (await session.api.query(ProductRatingsDocument, { id: this.proposal })).proposal ?? null;
    const mine = data?.ratings?.viewerRating;
    if (mine && !this.drafted) {
      this.stars = mine.stars;
      this.review = mine.review ?? '';
    }
    return data;
  }

  private form(data: Data) {
    const r = data.ratings!;
    const e = this.errors;
    const mine = r.viewerRating;
    return html`<form novalidate @submit=${(ev: SubmitEvent) => {
      ev.preventDefault();
      this.drafted = false;
      this.submit(async () => (await session.api.mutate(RateProductDocument, {
        input: { proposalId: data.id, stars: this.stars, review: this.review },
      })).rateProduct, undefined, mine ? tr('rating.updated') : tr('rating.thanks'));
    }}>
      <fieldset class="stars" aria-describedby="stars-error">
        <legend>${mine ? tr('rating.yours') : tr('rating.rate')}</legend>
        ${[1, 2, 3, 4, 5].map((n) => html`<label class=${n <= this.stars ? 'star lit' : 'star'}>
            <input type="radio" name="stars" .value=${String(n)} .checked=${this.stars === n}
              aria-invalid=${e?.at('stars').length ? 'true' : 'false'}
              @change=${() => { this.stars = n; this.drafted = true; }} />
            <span aria-hidden="true">★</span>
            <span class="visually-hidden">${tr('rating.stars', { count: n })}</span>
          </label>`)}
      </fieldset>
      ${fieldErrors(e, 'stars', 'stars-error')}
      <div class="field">
        <label for="review">${tr('rating.review')}</label>
        <textarea id="review" rows="3" maxlength="2000" .value=${this.review} aria-invalid=${e?.at('review').length ? 'true' : 'false'}
          aria-describedby="review-error" @input=${(ev: Event) => { this.review = (ev.target as HTMLTextAreaElement).value; this.drafted = true; }}></textarea>
        ${fieldErrors(e, 'review', 'review-error')}
      </div>
      ${mine?.hidden ? html`<p class="hint">${tr('rating.yoursHidden')}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy}>${mine ? tr('rating.update') : tr('rating.submit')}</button>
    </form>`;
  }

  protected view(data: Data) {
    const r = data.ratings;
    if (!r) return nothing;
    const role = data.campaign.brand.viewerRole;
    const moderator = role === 'OWNER' || role === 'MODERATOR';
    const most = Math.max(1, ...r.distribution);
    return html`<section class="card" aria-labelledby="ratings-title">
      <h2 id="ratings-title">${tr('rating.title')}</h2>
      ${this.failed ? failure(this.failed, () => this.load()) : nothing}
      <p class="rating-average"><strong data-testid="bayesian-average">${formatNumber(r.bayesianAverage)}</strong> / 5
        <span class="hint">· ${tr('rating.count', { count: r.count })}${r.average != null ? html` · ${tr('rating.mean', { mean: formatNumber(r.average) })}` : nothing}</span></p>
      <p class="hint">${tr('rating.prior', { strength: r.priorStrength, mean: formatNumber(r.priorMean) })}</p>
      <table class="distribution">
        <caption class="visually-hidden">${tr('rating.distribution')}</caption>
        <tbody>${[5, 4, 3, 2, 1].map((n) => html`<tr>
          <th scope="row"><label for=${`dist-${n}`}>${tr('rating.stars', { count: n })}</label></th>
          <td class="grow"><progress id=${`dist-${n}`} max=${most} .value=${r.distribution[n - 1]}></progress></td>
          <td class="num" data-testid=${`dist-${n}`}>${formatNumber(r.distribution[n - 1])}</td></tr>`)}</tbody>
      </table>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${formErrors(this.errors, ['stars', 'review', 'reason'])}
      ${r.viewerCanRate ? this.form(data) : session.member ? html`<p class="hint">${tr('rating.onlyBuyers')}</p>` : nothing}
      <h3>${tr('rating.reviews')}</h3>
      ${r.reviews.nodes.length === 0 ? html`<p class="hint">${r.count ? tr('rating.noReviews') : tr('rating.none')}</p>` : nothing}
      <ul class="plain reviews">
        ${r.reviews.nodes.map((v) => html`<li>
          <div class="grow"><span aria-label=${tr('rating.stars', { count: v.stars })}>${stars(v.stars)}</span>
            <a href=${`/m/${v.author.id}`}>${v.author.displayName}</a> <span class="hint">${formatDate(v.updatedAt)}</span>
            ${v.hidden ? html`<span class="badge">${t('status.HIDDEN')}</span>` : nothing}
            ${v.review ? html`<p>${v.review}</p>` : nothing}</div>
          ${moderator
            ? html`<button type="button" class="link" ?disabled=${this.busy} @click=${() => this.submit(async () => (await session.api.mutate(ModerateRatingDocument, {
                input: { targetId: v.id, action: v.hidden ? 'RESTORE' : 'HIDE', reason: this.reason },
              })).moderate)}>${v.hidden ? t('moderation.restore') : t('moderation.hide')}</button>`
            : nothing}
        </li>`)}
      </ul>
      ${moderator && r.reviews.nodes.length
        ? html`<div class="field"><label for="rating-reason">${t('moderation.reason')}</label>
            <input id="rating-reason" .value=${this.reason} aria-describedby="rating-reason-error"
              @input=${(ev: Event) => (this.reason = (ev.target as HTMLInputElement).value)} />
            ${fieldErrors(this.errors, 'reason', 'rating-reason-error')}</div>`
        : nothing}
    </section>`;
  }

  render() {
    if (this.failed && !this.data) return failure(this.failed, () => this.load());
    return this.data ? this.view(this.data) : nothing;
  }
}

define('bh-product-ratings', ProductRatings);

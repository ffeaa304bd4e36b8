// The widget's sign-in popup, on brandhub's origin: the credential goes from here to the bridge
// frames (same origin) of the page that opened it, never to that page's own scripts.
import { html, nothing } from 'lit';
import { Api } from '../api/client';
import { FieldErrors } from '../api/errors';
import { SignInDocument, SignUpDocument } from '../api/generated/graphql';
import { BhElement, define } from '../components/base';
import { fieldErrors, formErrors, thrownAsError } from '../components/feedback';
import { t } from '../i18n';
import { styles } from '../styles';
import type { TokenMessage } from './protocol';

const sheet = new CSSStyleSheet();
sheet.replaceSync(`${styles} body { padding: 1em; background: #fff; } form { max-width: 24rem; }`);
document.adoptedStyleSheets = [sheet];

const api = new Api({ endpoint: '/graphql' });

/** Hand the token to every frame of our origin in the opener (the widget's bridge). */
function handOver(token: string): boolean {
  const opener = window.opener as Window | null;
  if (!opener) return false;
  const message: TokenMessage = { bh: 'token', token };
  for (let i = 0; i < opener.frames.length; i++) {
    opener.frames[i].postMessage(message, location.origin);
  }
  return true;
}

class EmbedSignIn extends BhElement {
  static properties = { signingUp: { state: true }, errors: { state: true }, busy: { state: true }, done: { state: true } };
  private signingUp = false;
  private errors: FieldErrors | null = null;
  private busy = false;
  private done = false;

  private async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    this.busy = true;
    this.errors = null;
    try {
      const payload = this.signingUp
        ? (await api.mutate(SignUpDocument, { input: { email, password, displayName: String(form.get('displayName') ?? '') } })).signUp
        : (await api.mutate(SignInDocument, { input: { email, password } })).signIn;
      if (payload.errors.length) {
        this.errors = new FieldErrors(payload.errors);
      } else if (payload.token) {
        this.done = handOver(payload.token);
        if (this.done) setTimeout(() => window.close(), 600);
      }
    } catch (error) {
      this.errors = new FieldErrors([thrownAsError(error)]);
    } finally {
      this.busy = false;
    }
  }

  render() {
    document.title = this.signingUp ? t('auth.signUpTitle') : t('auth.signInTitle');
    if (this.done) return html`<main><p class="notice" role="status">${t('widget.signedIn')}</p></main>`;
    const e = this.errors;
    return html`<main>
      <h1>${this.signingUp ? t('auth.signUpTitle') : t('auth.signInTitle')}</h1>
      <form novalidate @submit=${(ev: SubmitEvent) => this.send(ev)}>
        ${formErrors(e, ['email', 'password', 'displayName'])}
        ${this.signingUp
          ? html`<div class="field"><label for="displayName">${t('auth.displayName')}</label>
              <input id="displayName" name="displayName" autocomplete="nickname" aria-describedby="displayName-error" />
              ${fieldErrors(e, 'displayName', 'displayName-error')}</div>`
          : nothing}
        <div class="field"><label for="email">${t('auth.email')}</label>
          <input id="email" name="email" type="email" autocomplete="email" aria-describedby="email-error" />
          ${fieldErrors(e, 'email', 'email-error')}</div>
        <div class="field"><label for="password">${t('auth.password')}</label>
          <input id="password" name="password" type="password" autocomplete=${this.signingUp ? 'new-password' : 'current-password'}
            aria-describedby="password-error" />
          ${fieldErrors(e, 'password', 'password-error')}</div>
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.signingUp ? t('nav.signUp') : t('nav.signIn')}</button>
      </form>
      <p><button type="button" class="link" @click=${() => (this.signingUp = !this.signingUp)}>
        ${this.signingUp ? t('auth.haveAccount') : t('auth.noAccount')}</button></p>
    </main>`;
  }
}

define('bh-embed-sign-in', EmbedSignIn);

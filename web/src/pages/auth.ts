// Sign up and sign in (members); partners sign in with their API key on /partner.
import { html, nothing } from 'lit';
import { SignInDocument, SignUpDocument } from '../api/generated/graphql';
import { define } from '../components/base';
import { fieldErrors, formErrors } from '../components/feedback';
import { t } from '../i18n';
import { navigate } from '../router';
import { session } from '../session';
import { Page } from './page';

class AuthPage extends Page<true> {
  private get signingUp(): boolean {
    return location.pathname === '/sign-up';
  }

  protected heading(): string {
    return this.signingUp ? t('auth.signUpTitle') : t('auth.signInTitle');
  }

  protected async fetch(): Promise<true> {
    return true;
  }

  private async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    const next = new URLSearchParams(location.search).get('next') || '/';
    if (this.signingUp) {
      await this.submit(
        async () =>
          (await session.api.mutate(SignUpDocument, {
            input: { email, password, displayName: String(form.get('displayName') ?? '') },
          })).signUp,
        async (payload) => {
          await session.start(payload.token!);
          navigate(next.startsWith('/') ? next : '/');
        },
      );
    } else {
      await this.submit(
        async () => (await session.api.mutate(SignInDocument, { input: { email, password } })).signIn,
        async (payload) => {
          await session.start(payload.token!);
          navigate(next.startsWith('/') ? next : '/');
        },
      );
    }
  }

  protected view() {
    const e = this.errors;
    const invalid = (path: string) => (e?.at(path).length ? 'true' : 'false');
    return html`<h1 tabindex="-1">${this.heading()}</h1>
      <form class="card narrow" novalidate @submit=${(ev: SubmitEvent) => this.send(ev)}>
        ${formErrors(e, ['email', 'password', 'displayName'])}
        ${this.signingUp
          ? html`<div class="field">
              <label for="displayName">${t('auth.displayName')}</label>
              <input id="displayName" name="displayName" autocomplete="nickname" aria-invalid=${invalid('displayName')}
                aria-describedby="displayName-error" />
              ${fieldErrors(e, 'displayName', 'displayName-error')}
            </div>`
          : nothing}
        <div class="field">
          <label for="email">${t('auth.email')}</label>
          <input id="email" name="email" type="email" autocomplete="email" aria-invalid=${invalid('email')}
            aria-describedby="email-error" />
          ${fieldErrors(e, 'email', 'email-error')}
        </div>
        <div class="field">
          <label for="password">${t('auth.password')}</label>
          <input id="password" name="password" type="password"
            autocomplete=${this.signingUp ? 'new-password' : 'current-password'} aria-invalid=${invalid('password')}
            aria-describedby="password-error password-hint" />
          ${this.signingUp ? html`<p class="hint" id="password-hint">${t('auth.passwordHint')}</p>` : nothing}
          ${fieldErrors(e, 'password', 'password-error')}
        </div>
        <button class="primary" type="submit" ?disabled=${this.busy}>
          ${this.signingUp ? t('nav.signUp') : t('nav.signIn')}
        </button>
      </form>
      <p>
        ${this.signingUp
          ? html`${t('auth.haveAccount')} <a href=${`/sign-in${location.search}`}>${t('nav.signIn')}</a>`
          : html`${t('auth.noAccount')} <a href=${`/sign-up${location.search}`}>${t('nav.signUp')}</a>`}
      </p>
      <p class="hint">${t('auth.partnerHint')} <a href="/partner">${t('nav.partner')}</a></p>`;
  }
}

define('bh-page-auth', AuthPage);

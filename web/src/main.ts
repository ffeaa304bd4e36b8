// The app's entry: <bh-app> renders the header, the current page and the footer.
import { html, nothing } from 'lit';
import { BhElement, define } from './components/base';
import { locale, setLocale, t, type Locale } from './i18n';
import { match, navigate, NAVIGATE_EVENT, type Match } from './router';
import { session, SESSION_EVENT } from './session';
import { appStyles, styles } from './styles';
import { SignOutDocument } from './api/generated/graphql';
import { useFrenchErrors } from './components/feedback';

const sheet = new CSSStyleSheet();
sheet.replaceSync(styles + appStyles);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
document.documentElement.lang = locale();
useFrenchErrors(() => import('./i18n/errors-fr'));

class App extends BhElement {
  static properties = { route: { state: true }, loading: { state: true }, ready: { state: true } };
  private route: Match | null = null;
  private loading = false;
  private ready = false;
  private readonly onRoute = () => this.resolve();
  // The page the app shows ("/p/1?x"): a move within it (a #fragment, or back from one) keeps it.
  private shown = '';
  private readonly onPopState = () => {
    if (location.pathname + location.search !== this.shown) this.resolve();
  };
  private readonly onSession = () => this.requestUpdate();

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener(NAVIGATE_EVENT, this.onRoute);
    window.addEventListener(SESSION_EVENT, this.onSession);
    document.addEventListener('click', this.follow);
    session.refresh().finally(() => {
      this.ready = true;
      this.resolve();
    });
  }

  disconnectedCallback(): void {
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener(NAVIGATE_EVENT, this.onRoute);
    window.removeEventListener(SESSION_EVENT, this.onSession);
    document.removeEventListener('click', this.follow);
    super.disconnectedCallback();
  }

  /** Same-origin links navigate in place. */
  private readonly follow = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    if (!match(anchor.pathname)) return;
    // A link to a part of this very page (#ratings-title) is the browser's to scroll to.
    if (anchor.hash && anchor.pathname === location.pathname && anchor.search === location.search) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  };

  private async resolve(): Promise<void> {
    const found = match(location.pathname);
    this.shown = location.pathname + location.search;
    this.loading = true;
    if (found) await found.load();
    this.route = found;
    this.element = null;
    if (found) {
      const element = document.createElement(found.tag) as HTMLElement & { params?: Record<string, string> };
      element.params = found.params;
      this.element = element;
    }
    this.loading = false;
    document.documentElement.style.cssText = '';
    await this.updateComplete;
    const page = this.querySelector('main > *') as HTMLElement & { updateComplete?: Promise<unknown> };
    window.scrollTo(0, 0);
    if (page && this.routeChanged) {
      await page.updateComplete;
      (this.querySelector('main h1') as HTMLElement | null)?.focus();
    }
    this.routeChanged = true;
  }

  private routeChanged = false;

  private async signOut(): Promise<void> {
    try {
      await session.api.mutate(SignOutDocument, {});
    } catch {
      // the token is forgotten here either way
    }
    session.end();
    navigate('/');
  }

  private page() {
    if (!this.ready || this.loading) return html`<p class="hint" role="status">${t('state.loading')}</p>`;
    if (!this.route) {
      return html`<h1 tabindex="-1">${t('notFound.title')}</h1><p><a href="/">${t('nav.home')}</a></p>`;
    }
    return this.element;
  }

  /** The current page's element, kept across re-renders so nothing typed is lost. */
  private element: HTMLElement | null = null;

  render() {
    const member = session.member;
    const partner = session.partner;
    return html`
      <a class="skip" href="#main">${t('nav.skip')}</a>
      <header class="top">
        <nav class="row spread" aria-label=${t('nav.label')}>
          <a class="home" href="/">brandhub</a>
          <div class="row">
            ${member ? html`<a href="/owner">${t('nav.owner')}</a> <a href="/me">${t('nav.royalties')}</a>` : nothing}
            <a href="/partner">${t('nav.partner')}</a>
            ${member || partner
              ? html`${member
                    ? html`<a class="who" href=${`/m/${member.id}`} title=${t('nav.myPage')}>${member.displayName}</a>`
                    : html`<span class="who">${partner?.name}</span>`}
                  <button type="button" @click=${() => this.signOut()}>${t('nav.signOut')}</button>`
              : html`<a href="/sign-in">${t('nav.signIn')}</a>
                  <a class="button primary" href="/sign-up">${t('nav.signUp')}</a>`}
            <label class="visually-hidden" for="locale">${t('nav.language')}</label>
            <select id="locale" class="locale" @change=${(e: Event) => setLocale((e.target as HTMLSelectElement).value as Locale)}>
              <option value="en" ?selected=${locale() === 'en'}>English</option>
              <option value="fr" ?selected=${locale() === 'fr'}>Français</option>
            </select>
          </div>
        </nav>
      </header>
      ${session.expired
        ? html`<div class="alert" role="alert">${t('failure.expired')} <a href="/sign-in">${t('nav.signIn')}</a></div>`
        : nothing}
      <main id="main">${this.page()}</main>
      <footer class="hint"><p>${t('footer.api')} <a href="/graphql">GraphQL</a></p></footer>
    `;
  }
}

define('bh-app', App);

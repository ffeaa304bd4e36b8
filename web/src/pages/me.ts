// The signed-in member's own page: their royalty statement as a credited author.
import { html } from 'lit';
import { define } from '../components/base';
import '../components/royalty-statement';
import { t } from '../i18n';
import { session } from '../session';
import { Page } from './page';

class MyRoyaltiesPage extends Page<null> {
  protected heading(): string {
    return t('royalty.myPage');
  }

  protected async fetch(): Promise<null> {
    return null;
  }

  protected view() {
    if (!session.member) {
      return html`<h1 tabindex="-1">${t('royalty.myPage')}</h1><p><a href="/sign-in">${t('nav.signIn')}</a></p>`;
    }
    return html`<h1 tabindex="-1">${t('royalty.myPage')}</h1>
      <p class="hint">${t('royalty.myHint', { name: session.member.displayName })}</p>
      <bh-royalty-statement kind="member" .api=${session.api}></bh-royalty-statement>`;
  }
}

define('bh-page-me', MyRoyaltiesPage);

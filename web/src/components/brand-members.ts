// <bh-brand-members>: the brand's members with their roles; the owner makes a member a
// moderator or a member again (setMemberRole). A refusal shows on the member's row.
import { html, nothing } from 'lit';
import { BrandMembersDocument, SetMemberRoleDocument, type BrandMembersQuery, type Role } from '../api/generated/graphql';
import { formatDay } from '../i18n';
import { tc, type ConsoleKey } from '../i18n/console';
import { session } from '../session';
import { define } from './base';
import { ConsoleSection } from './console-section';
import { errorText, failure } from './feedback';

type Members = NonNullable<BrandMembersQuery['brand']>['members']['nodes'];

class BrandMembers extends ConsoleSection {
  static properties = { ...ConsoleSection.properties, slug: {}, brandId: { attribute: 'brand-id' }, members: { state: true } };
  slug = '';
  brandId = '';
  private members: Members = [];

  protected async reload(): Promise<void> {
    this.members = (await session.api.query(BrandMembersDocument, { slug: this.slug })).brand?.members.nodes ?? [];
  }

  private setRole(memberId: string, role: Role) {
    return this.run(
      memberId,
      async () => (await session.api.mutate(SetMemberRoleDocument, { input: { brandId: this.brandId, memberId, role } })).setMemberRole,
      tc('members.saved'),
    );
  }

  render() {
    if (this.failed) return failure(this.failed, () => this.reload());
    return html`<section class="card" aria-labelledby="members-title">
      <h2 id="members-title">${tc('members.title')}</h2>
      <p class="hint">${tc('members.hint')}</p>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <ul class="plain">
        ${this.members.map((m) => {
          const errors = this.errorsFor(m.member.id);
          const name = m.member.displayName;
          return html`<li>
            <span class="grow"><strong>${name}</strong> · ${tc(`role.${m.role}` as ConsoleKey)}
              <span class="hint">· ${tc('members.since')} ${formatDay(m.joinedAt)}</span></span>
            ${m.role === 'MEMBER'
              ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.setRole(m.member.id, 'MODERATOR')}>
                  ${tc('members.makeModerator', { name })}</button>`
              : m.role === 'MODERATOR'
                ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.setRole(m.member.id, 'MEMBER')}>
                    ${tc('members.makeMember', { name })}</button>`
                : nothing}
            ${errors?.any ? html`<p class="field-error" role="alert">${errors.all.map((e) => errorText(e)).join(' ')}</p>` : nothing}
          </li>`;
        })}
      </ul>
    </section>`;
  }
}

define('bh-brand-members', BrandMembers);

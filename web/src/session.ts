// Who is signed in to the app: the bearer credential (a member's session token or a partner's
// API key) kept in this origin's storage, and the viewer it belongs to.
import { Api } from './api/client';
import { ViewerDocument, type ViewerQuery } from './api/generated/graphql';

const KEY = 'bh.credential';
export const SESSION_EVENT = 'bh-session';

export type Viewer = NonNullable<ViewerQuery['viewer']>;

class Session {
  viewer: Viewer | null = null;
  expired = false;
  readonly api: Api;

  constructor() {
    this.api = new Api({
      endpoint: '/graphql',
      credential: () => this.credential(),
      onExpired: () => this.expire(),
    });
  }

  credential(): string | null {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  }

  get member(): Extract<Viewer, { __typename: 'Member' }> | null {
    return this.viewer?.__typename === 'Member' ? this.viewer : null;
  }

  get partner(): Extract<Viewer, { __typename: 'Partner' }> | null {
    return this.viewer?.__typename === 'Partner' ? this.viewer : null;
  }

  /** Keep a new credential and load its viewer. */
  async start(credential: string): Promise<void> {
    localStorage.setItem(KEY, credential);
    this.expired = false;
    this.api.reconnect();
    await this.refresh();
  }

  /** Reload the viewer (e.g. after joining a brand). */
  async refresh(): Promise<void> {
    if (!this.credential()) {
      this.viewer = null;
    } else {
      try {
        this.viewer = (await this.api.query(ViewerDocument, {})).viewer ?? null;
      } catch {
        this.viewer = null;
      }
    }
    window.dispatchEvent(new Event(SESSION_EVENT));
  }

  /** Forget the credential locally (the server already refused it or revoked it). */
  end(): void {
    localStorage.removeItem(KEY);
    this.viewer = null;
    this.api.reconnect();
    window.dispatchEvent(new Event(SESSION_EVENT));
  }

  expire(): void {
    if (!this.credential()) return;
    this.expired = true;
    this.end();
  }
}

export const session = new Session();

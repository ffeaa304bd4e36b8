// Client-side routes: path patterns to lazily loaded page elements.

export interface Match {
  tag: string;
  params: Record<string, string>;
  load: () => Promise<unknown>;
}

interface Route {
  pattern: RegExp;
  names: string[];
  tag: string;
  load: () => Promise<unknown>;
}

function route(path: string, tag: string, load: () => Promise<unknown>): Route {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}/?$`,
  );
  return { pattern, names, tag, load };
}

const routes: Route[] = [
  route('/', 'bh-page-home', () => import('./pages/home')),
  route('/sign-in', 'bh-page-auth', () => import('./pages/auth')),
  route('/sign-up', 'bh-page-auth', () => import('./pages/auth')),
  route('/b/:slug', 'bh-page-brand', () => import('./pages/brand')),
  route('/c/:id', 'bh-page-campaign', () => import('./pages/campaign')),
  route('/p/:id', 'bh-page-proposal', () => import('./pages/proposal')),
  route('/owner', 'bh-page-owner', () => import('./pages/owner')),
  route('/owner/b/:slug', 'bh-page-owner-brand', () => import('./pages/owner-brand')),
  route('/owner/c/:id', 'bh-page-owner-campaign', () => import('./pages/owner-campaign')),
  route('/partner', 'bh-page-partner', () => import('./pages/partner')),
  route('/m/:id', 'bh-page-member', () => import('./pages/member')),
  route('/me', 'bh-page-me', () => import('./pages/me')),
];

export function match(pathname: string): Match | null {
  for (const r of routes) {
    const found = r.pattern.exec(pathname);
    if (found) {
      const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(found[i + 1])]));
      return { tag: r.tag, params, load: r.load };
    }
  }
  return null;
}

export const NAVIGATE_EVENT = 'bh-navigate';

/** Go to an app path without reloading. */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

// The GraphQL client: one place decides the exchanges (add persisted queries or another
// transport here) and how failures become messages a person understands.
import { Client, fetchExchange, subscriptionExchange, type Exchange } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { LiveTransport, type Transport } from './live';
import type { TypedDocumentString } from './generated/graphql';

export type Failure = 'network' | 'unauthenticated' | 'forbidden' | 'not-found' | 'unexpected';

/** A failed call, classified so pages can offer the right way forward. */
export class ApiFailure extends Error {
  constructor(
    readonly kind: Failure,
    message: string,
    /** The GraphQL error's extensions.code, when the server gave one. */
    readonly code = '',
  ) {
    super(message);
  }
}

export interface ApiOptions {
  /** The GraphQL endpoint, absolute (the widget calls it cross-origin). */
  endpoint: string;
  /** The bearer credential to send, if any (read on every request). */
  credential?: () => string | null;
  /** Called when the server says the credential is no longer valid. */
  onExpired?: () => void;
  /** The subscription transport to start with (WebSocket; SSE if sockets fail). */
  transport?: Transport;
}

/** The exchanges of every client: queries as persisted queries over GET (cacheable, the
 * document sent only when the server does not know its hash yet), subscriptions over the
 * live transport (WebSocket, or SSE where sockets are blocked). */
export function exchangesFor(live: () => LiveTransport): Exchange[] {
  return [
    persistedExchange({ preferGetForPersistedQueries: 'within-url-limit' }),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({
          unsubscribe: live().subscribe({ ...request, query: request.query ?? '' }, sink),
        }),
      }),
    }),
  ];
}

type Doc<R, V> = TypedDocumentString<R, V>;

/** Queries, mutations and subscriptions against the public API, typed by codegen. */
export class Api {
  readonly client: Client;
  readonly live: LiveTransport;

  constructor(private readonly options: ApiOptions) {
    this.live = new LiveTransport(
      options.endpoint,
      () => options.credential?.() ?? null,
      options.transport,
    );
    this.client = new Client({
      url: options.endpoint,
      exchanges: exchangesFor(() => this.live),
      requestPolicy: 'network-only',
      preferGetMethod: false,
      fetchOptions: () => {
        const credential = options.credential?.();
        return credential ? { headers: { authorization: `Bearer ${credential}` } } : {};
      },
    });
  }

  /** Forget the live connections (e.g. after signing in or out, so they reconnect with the
   * new credential). */
  reconnect(): void {
    this.live.reconnect();
  }

  async query<R, V extends Record<string, unknown>>(doc: Doc<R, V>, variables: V): Promise<R> {
    const result = await this.client.query<R, V>(doc.toString(), variables).toPromise();
    return this.unwrap(result);
  }

  async mutate<R, V extends Record<string, unknown>>(doc: Doc<R, V>, variables: V): Promise<R> {
    const result = await this.client.mutation<R, V>(doc.toString(), variables).toPromise();
    const data = this.unwrap(result);
    for (const payload of Object.values(data as Record<string, unknown>)) {
      const errors = (payload as { errors?: { code: string }[] } | null)?.errors ?? [];
      if (errors.some((e) => e.code === 'UNAUTHENTICATED') && this.options.credential?.()) {
        this.options.onExpired?.();
      }
    }
    return data;
  }

  subscribe<R, V extends Record<string, unknown>>(
    doc: Doc<R, V>,
    variables: V,
    onData: (data: R) => void,
    onError: (failure: ApiFailure) => void,
  ): () => void {
    const { unsubscribe } = this.client
      .subscription<R, V>(doc.toString(), variables)
      .subscribe((result) => {
        try {
          onData(this.unwrap(result));
        } catch (failure) {
          onError(failure as ApiFailure);
        }
      });
    return unsubscribe;
  }

  private unwrap<R>(result: { data?: R; error?: { networkError?: Error; graphQLErrors: { message: string; extensions?: Record<string, unknown> }[] } }): R {
    const error = result.error;
    if (error?.networkError) throw new ApiFailure('network', error.networkError.message);
    const first = error?.graphQLErrors[0];
    if (first) {
      const code = String(first.extensions?.code ?? '');
      if (code === 'UNAUTHENTICATED') {
        if (this.options.credential?.()) this.options.onExpired?.();
        throw new ApiFailure('unauthenticated', first.message, code);
      }
      if (code === 'FORBIDDEN') throw new ApiFailure('forbidden', first.message, code);
      throw new ApiFailure('unexpected', first.message, code);
    }
    if (result.data == null) throw new ApiFailure('unexpected', 'No data.');
    return result.data;
  }
}

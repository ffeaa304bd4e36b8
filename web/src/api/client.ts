// The GraphQL client: one place decides the exchanges (add persisted queries or another
// transport here) and how failures become messages a person understands.
import { Client, fetchExchange, subscriptionExchange, type Exchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
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
}

/** The exchanges of every client; persisted queries and transport fallbacks go here. */
export function exchangesFor(ws: () => WsClient): Exchange[] {
  return [
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({
          unsubscribe: ws().subscribe({ ...request, query: request.query ?? '' }, sink),
        }),
      }),
    }),
  ];
}

type Doc<R, V> = TypedDocumentString<R, V>;

/** Queries, mutations and subscriptions against the public API, typed by codegen. */
export class Api {
  readonly client: Client;
  private ws: WsClient | null = null;

  constructor(private readonly options: ApiOptions) {
    this.client = new Client({
      url: options.endpoint,
      exchanges: exchangesFor(() => this.socket()),
      requestPolicy: 'network-only',
      preferGetMethod: false,
      fetchOptions: () => {
        const credential = options.credential?.();
        return credential ? { headers: { authorization: `Bearer ${credential}` } } : {};
      },
    });
  }

  /** Forget the socket (e.g. after signing in or out, so it reconnects with the new credential). */
  reconnect(): void {
    this.ws?.dispose();
    this.ws = null;
  }

  private socket(): WsClient {
    if (!this.ws) {
      const url = new URL(this.options.endpoint, location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      this.ws = createWsClient({
        url: url.toString(),
        lazy: true,
        retryAttempts: 20,
        shouldRetry: () => true,
        connectionParams: () => {
          const credential = this.options.credential?.();
          return credential ? { authorization: `Bearer ${credential}` } : {};
        },
      });
    }
    return this.ws;
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

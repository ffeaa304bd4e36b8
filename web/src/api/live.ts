// Subscriptions over WebSocket (graphql-transport-ws), falling back to GraphQL over SSE
// (the graphql-sse protocol, distinct connections mode, over GET with the browser's own
// EventSource, which reconnects by itself) when sockets never connect: embedded widgets on
// third-party pages meet proxies and networks that block WebSockets.
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export interface Payload {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

export interface Sink {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

interface Active {
  payload: Payload;
  sink: Sink;
  attempt: object;
  stop: () => void;
}

export type Transport = 'ws' | 'sse';

/** The live transport of one client: WebSocket first, SSE once sockets prove blocked. */
export class LiveTransport {
  private ws: WsClient | null = null;
  private connectedOnce = false;
  private readonly active = new Set<Active>();
  transport: Transport;

  constructor(
    private readonly endpoint: string,
    private readonly credential: () => string | null,
    transport: Transport = 'ws',
  ) {
    this.transport = transport;
  }

  /** Start a subscription; returns its stop function. */
  subscribe(payload: Payload, sink: Sink): () => void {
    const active: Active = { payload, sink, attempt: {}, stop: () => {} };
    this.active.add(active);
    this.start(active);
    return () => {
      this.active.delete(active);
      active.attempt = {};
      active.stop();
    };
  }

  /** Forget the connections (e.g. after signing in or out, to reconnect with the new credential). */
  reconnect(): void {
    this.ws?.dispose();
    this.ws = null;
    for (const active of this.active) {
      active.attempt = {};
      this.start(active);
    }
  }

  private start(active: Active): void {
    const attempt = (active.attempt = {});
    const current = () => active.attempt === attempt;
    const sink: Sink = {
      next: (value) => current() && active.sink.next(value),
      error: (error) => current() && active.sink.error(error),
      complete: () => current() && active.sink.complete(),
    };
    const payload = { ...active.payload, variables: active.payload.variables ?? undefined };
    active.stop =
      this.transport === 'ws'
        ? this.socket().subscribe(payload as never, sink as never)
        : this.events(payload, sink);
  }

  private fallBack(): void {
    if (this.transport === 'sse') return;
    this.transport = 'sse';
    const ws = this.ws;
    this.ws = null;
    for (const active of this.active) {
      const stop = active.stop;
      this.start(active);
      stop();
    }
    ws?.dispose();
  }

  private headers(): Record<string, string> {
    const credential = this.credential();
    return credential ? { authorization: `Bearer ${credential}` } : {};
  }

  private socket(): WsClient {
    if (!this.ws) {
      const url = new URL(this.endpoint, location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      this.ws = createWsClient({
        url: url.toString(),
        lazy: true,
        retryAttempts: 20,
        shouldRetry: () => true,
        connectionParams: () => this.headers(),
        on: {
          connected: () => {
            this.connectedOnce = true;
          },
          // Closed before ever connecting: sockets are blocked here, switch to SSE.
          closed: () => {
            if (!this.connectedOnce) queueMicrotask(() => this.fallBack());
          },
        },
      });
    }
    return this.ws;
  }

  /** One subscription over SSE: GET with the operation in the query string. Anonymous (an
   * EventSource sends no Authorization header): the leaderboard is public. */
  private events(payload: Payload, sink: Sink): () => void {
    const url = new URL(this.endpoint, location.href);
    url.searchParams.set('query', payload.query);
    if (payload.variables) url.searchParams.set('variables', JSON.stringify(payload.variables));
    if (payload.operationName) url.searchParams.set('operationName', payload.operationName);
    const source = new EventSource(url);
    source.addEventListener('next', (event) => sink.next(JSON.parse((event as MessageEvent).data)));
    source.addEventListener('complete', () => {
      source.close();
      sink.complete();
    });
    // A dropped stream reconnects by itself; a refused one (not an event stream) is final.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) sink.error(new Error('live updates refused'));
    });
    return () => source.close();
  }
}

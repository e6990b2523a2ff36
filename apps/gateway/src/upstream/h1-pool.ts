import { connect } from "node:net";
import { SHARED_READ_BUFFER } from "../shared-read-buffer.ts";
import { clock, H1Connection, H1Error, type H1Callbacks, type H1Exchange, type H1PoolLike } from "./h1-connection.ts";
import { openUpstreamTls, type TlsSessionCache } from "./tls-connector.ts";
import type { UpstreamTlsOptions } from "./tls-options.ts";

export interface H1PoolOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** Most connections at once; requests beyond wait in the pool's queue. */
  maxConnections: number;
  /** Requests per connection before it is closed (0: unlimited). */
  maxRequestsPerConnection: number;
  /** An idle connection is closed after this long. */
  idleTimeoutMs: number;
  /** Longest a response body may pause between two reads. */
  bodyIdleTimeoutMs: number;
  /** TLS to the target (trafficPolicy.tls SIMPLE); null: plain TCP. */
  tls: UpstreamTlsOptions | null;
}

/** How often timeouts are checked: head and idle deadlines are enforced to within this. */
const SWEEP_MS = 250;
const live = new Set<H1Pool>();
let sweeper: NodeJS.Timeout | null = null;

function sweep(): void {
  const now = Date.now();
  clock.now = now;
  for (const pool of live) pool.sweep(now);
}

/**
 * Keep-alive HTTP/1.1 connections to one upstream origin, for plain requests whose body is
 * absent or already in memory. Connections are reused most-recent first; timeouts are checked
 * by one shared sweep instead of a timer per request.
 */
export class H1Pool implements H1PoolLike {
  readonly callbacks: H1Callbacks;
  readonly dropResponse: ReadonlySet<string>;
  private readonly options: H1PoolOptions;
  private readonly conns = new Set<H1Connection>();
  private readonly idle: H1Connection[] = [];
  private readonly queue: H1Exchange[] = [];
  private readonly queuedTimeout: number[] = [];
  private closing = false;
  private readonly tlsSession: TlsSessionCache = { session: undefined };

  constructor(options: H1PoolOptions, callbacks: H1Callbacks, dropResponse: ReadonlySet<string>) {
    this.options = options;
    this.callbacks = callbacks;
    this.dropResponse = dropResponse;
    live.add(this);
    if (sweeper === null) {
      sweeper = setInterval(sweep, SWEEP_MS);
      sweeper.unref();
    }
  }

  /** Sends the request (ex.h1Head, ex.h1Body) on a free connection, a new one, or after queuing. */
  dispatch(ex: H1Exchange, headersTimeoutMs: number): void {
    ex.h1Pool = this;
    ex.h1Conn = null;
    const conn = this.idle.pop();
    if (conn !== undefined) return conn.start(ex, headersTimeoutMs);
    if (this.conns.size < this.options.maxConnections) return this.open().start(ex, headersTimeoutMs);
    this.queue.push(ex);
    this.queuedTimeout.push(headersTimeoutMs);
  }

  /** Ends a request in flight or queued with `err` (timeouts, client gone). */
  abort(ex: H1Exchange, err: Error): void {
    if (ex.h1Pool !== this) return;
    if (ex.h1Conn !== null) return ex.h1Conn.abort(err);
    const i = this.queue.indexOf(ex);
    if (i !== -1) { this.queue.splice(i, 1); this.queuedTimeout.splice(i, 1); }
    ex.h1Pool = null;
    this.callbacks.onDone(ex, err);
  }

  private open(): H1Connection {
    const o = this.options;
    let conn: H1Connection | null = null;
    // Plain connections read into the worker's one read buffer (no buffer allocated per read,
    // see SHARED_READ_BUFFER); TLS sockets can't, and read as streams do.
    const socket = o.tls === null
      ? connect({ host: o.host, port: o.port, noDelay: true, keepAlive: true, onread: { buffer: SHARED_READ_BUFFER, callback: (n, buf) => { conn!.onRead(buf as Buffer, n); return true; } } })
      : openUpstreamTls(o.tls, o.host, o.port, this.tlsSession);
    // Over TLS the connection is usable, and the connect timeout met, once the handshake is done.
    const ready = o.tls === null ? "connect" : "secureConnect";
    conn = new H1Connection(socket, this, ready, o.tls === null);
    this.conns.add(conn);
    const timer = setTimeout(() => {
      if (!conn.connected) socket.destroy(new H1Error("UND_ERR_CONNECT_TIMEOUT", "connect timeout"));
    }, o.connectTimeoutMs);
    timer.unref();
    socket.once(ready, () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
    return conn;
  }

  release(conn: H1Connection): void {
    const o = this.options;
    if (this.closing || (o.maxRequestsPerConnection > 0 && conn.requests >= o.maxRequestsPerConnection)) {
      conn.socket.destroy();
      return;
    }
    const next = this.queue.shift();
    if (next !== undefined) return conn.start(next, this.queuedTimeout.shift()!);
    conn.idleSince = clock.now;
    this.idle.push(conn);
  }

  closed(conn: H1Connection): void {
    this.conns.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i !== -1) this.idle.splice(i, 1);
    // A queued request takes the freed place.
    if (!this.closing && this.queue.length > 0 && this.conns.size < this.options.maxConnections) {
      const next = this.queue.shift()!;
      this.open().start(next, this.queuedTimeout.shift()!);
    }
  }

  sweep(now: number): void {
    const o = this.options;
    for (const conn of this.conns) {
      if (conn.ex !== null) {
        if (now >= conn.headDeadline) conn.abort(new H1Error("UND_ERR_HEADERS_TIMEOUT", "upstream response head timeout"));
        else if (conn.headDeadline === Infinity && now - conn.activeAt >= o.bodyIdleTimeoutMs) conn.abort(new H1Error("UND_ERR_BODY_TIMEOUT", "upstream body timeout"));
      } else if (now - conn.idleSince >= o.idleTimeoutMs - SWEEP_MS) {
        // Closed a little early rather than late, so the upstream's own idle close doesn't race a new request.
        conn.socket.destroy();
      }
    }
  }

  /** Closes idle connections now and the others once their request ends. */
  close(): void {
    this.closing = true;
    live.delete(this);
    for (const conn of [...this.idle]) conn.socket.destroy();
    for (const ex of this.queue.splice(0)) {
      ex.h1Pool = null;
      this.callbacks.onDone(ex, new H1Error("UND_ERR_CLOSED", "pool closed"));
    }
    this.queuedTimeout.length = 0;
  }

  destroy(): void {
    this.close();
    for (const conn of [...this.conns]) conn.socket.destroy();
  }
}

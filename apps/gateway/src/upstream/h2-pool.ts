import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import type { Readable, Writable } from "node:stream";
import { H1Error } from "./h1-connection.ts";
import { TlsHandshakeError } from "./tls-handshake-error.ts";
import type { UpstreamTlsOptions } from "./tls-options.ts";

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = constants;

/** Error code of a stream the upstream refused (RST_STREAM REFUSED_STREAM, or above a GOAWAY's last stream): never processed, safe to retry. */
export const H2_REFUSED_STREAM = "SY_H2_REFUSED_STREAM";

/** Streams assumed per connection until the upstream's SETTINGS say otherwise (RFC 9113 §6.5.2 recommends ≥ 100). */
const DEFAULT_MAX_STREAMS = 100;

/**
 * Connection-specific headers have no meaning in HTTP/2 and make a message malformed
 * (RFC 9113 §8.2.2); `host` becomes `:authority`. `te` is sent only as "trailers".
 */
const H2_FORBIDDEN = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host", "te", "http2-settings"]);

/** What the proxy does with an HTTP/2 exchange's events; `ctx` is its own request object. */
export interface H2Callbacks {
  /** Response head; returns where the body goes, or null to throw the response away (a retry follows). */
  onHeaders(ctx: unknown, status: number, headers: IncomingHttpHeaders): Writable | null;
  onTrailers(ctx: unknown, trailers: IncomingHttpHeaders): void;
  /** Exactly once per dispatch: null when the response body ended, else why the exchange failed. */
  onDone(ctx: unknown, err: Error | null): void;
}

/**
 * The target's limits shared by every worker of the process (HostState): sessions count against
 * tcp.maxConnections and waiting requests against http1MaxPendingRequests process-wide, as
 * Envoy's circuit breakers count its per-worker pools together.
 */
export interface H2SharedLimits {
  /** False: `max` sessions are open process-wide (with `alone`, the session is counted and opens anyway). */
  tryOpenSession(max: number, alone: boolean): boolean;
  sessionClosed(): void;
  tryWaitForStream(max: number): boolean;
  streamWaitEnded(): void;
}

export interface H2PoolOptions {
  /** "http://host:port" (h2c with prior knowledge) or "https://host:port" (TLS, ALPN h2). */
  origin: string;
  connectTimeoutMs: number;
  /** Connections (sessions) to the target at most, process-wide (one per worker whatever the limit). */
  maxConnections: number;
  /** Requests waiting for a stream once every connection is at its stream limit, process-wide. */
  maxPending: number;
  /** Where those two are counted. */
  limits: H2SharedLimits;
  /** Our own cap on streams per connection; the upstream's SETTINGS_MAX_CONCURRENT_STREAMS applies too. */
  maxConcurrentStreams: number;
  /** 0: unlimited. A connection that served this many streams takes no more and closes when idle. */
  maxRequestsPerConnection: number;
  idleTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  /** With an https: origin: server name, trust and identity checks (trafficPolicy.tls SIMPLE). */
  tls: UpstreamTlsOptions | null;
}

interface SessionEntry {
  readonly session: ClientHttp2Session;
  /** Over TLS: the handshake completed. */
  secured: boolean;
  /** The upstream's first SETTINGS arrived: streams may be opened, within its limit. */
  ready: boolean;
  /** No new streams (GOAWAY, closing, max requests reached); the ones running finish. */
  draining: boolean;
  active: number;
  total: number;
  /** Last stream id of a GOAWAY; streams above it were never processed. -1: none. */
  goawayLastId: number;
  error: Error | null;
}

/** One request's try over HTTP/2: queued for a stream, then running on one. */
export class H2Attempt {
  readonly pool: H2Pool;
  readonly ctx: unknown;
  /** The pool's callbacks, or a caller's own (mirror copies). */
  readonly callbacks: H2Callbacks;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | Readable | null;
  stream: ClientHttp2Stream | null = null;
  entry: SessionEntry | null = null;
  timer: NodeJS.Timeout | null = null;
  responded = false;
  ended = false;
  done = false;
  error: Error | null = null;
  abortError: Error | null = null;

  constructor(pool: H2Pool, ctx: unknown, headers: OutgoingHttpHeaders, body: Buffer | Readable | null, callbacks: H2Callbacks) {
    this.pool = pool;
    this.ctx = ctx;
    this.callbacks = callbacks;
    this.headers = headers;
    this.body = body;
  }

  /** Ends the try with `err` (timeouts, client gone); no-op once it is over. */
  abort(err: Error): void {
    this.pool.abort(this, err);
  }
}

/** HTTP/2 request headers: pseudo-headers first, connection-specific ones left out. */
export function toH2Headers(method: string, path: string, headers: Record<string, string | string[]>, teTrailers: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ":method": method, ":path": path };
  const host = headers.host;
  if (typeof host === "string") out[":authority"] = host;
  for (const name in headers) {
    // HTTP/2 field names are lower case (RFC 9113 §8.2.1); a transformer may have added others.
    const key = name.toLowerCase();
    if (H2_FORBIDDEN.has(key)) continue;
    out[key] = headers[name];
  }
  // gRPC needs it; it is the only value HTTP/2 allows.
  if (teTrailers) out.te = "trailers";
  return out;
}

const HEADERS_TIMEOUT = (): H1Error => new H1Error("UND_ERR_HEADERS_TIMEOUT", "upstream response head timeout");

/**
 * HTTP/2 to one upstream target from one worker: multiplexed streams over as few sessions as the
 * upstream's stream limit allows (one, usually), at most `maxConnections` for the whole process
 * (but always one per worker that needs one); requests beyond every session's limit wait (at most
 * `maxPending` process-wide). A session that got GOAWAY or closed takes no new streams; the next
 * request opens a fresh one.
 */
export class H2Pool {
  private readonly options: H2PoolOptions;
  private readonly callbacks: H2Callbacks;
  private readonly sessions: SessionEntry[] = [];
  /** Requests waiting for a stream; each holds a place counted by `limits`. */
  private readonly pending: H2Attempt[] = [];
  /** Places admit() took that dispatch() has not used yet. */
  private reserved = 0;
  private closing = false;

  constructor(options: H2PoolOptions, callbacks: H2Callbacks) {
    this.options = options;
    this.callbacks = callbacks;
  }

  /** Sessions open or opening (for tests and metrics). */
  get sessionCount(): number {
    return this.sessions.length;
  }

  /**
   * Whether a request may be dispatched now: a stream is free, or a place among the requests
   * waiting process-wide was taken for it (the next dispatch() uses it). False: circuit
   * breaking (answered as UO, nothing sent).
   */
  admit(): boolean {
    if (this.pick() !== null) return true;
    if (!this.options.limits.tryWaitForStream(this.options.maxPending)) return false;
    this.reserved++;
    return true;
  }

  /** Sends the request, or queues it for a stream: call after admit() returned true. `callbacks`: the pool's unless given. */
  dispatch(ctx: unknown, headers: OutgoingHttpHeaders, body: Buffer | Readable | null, headersTimeoutMs: number, callbacks = this.callbacks): H2Attempt {
    const a = new H2Attempt(this, ctx, headers, body, callbacks);
    a.timer = setTimeout(onHeadersTimeout, headersTimeoutMs, a);
    const entry = this.pick();
    const limits = this.options.limits;
    if (this.reserved > 0) {
      this.reserved--;
      if (entry !== null) limits.streamWaitEnded();
    } else if (entry === null) {
      limits.tryWaitForStream(Infinity); // not admitted first: counted all the same
    }
    if (entry !== null) this.start(a, entry);
    else {
      this.pending.push(a);
      this.connectIfNeeded();
    }
    return a;
  }

  abort(a: H2Attempt, err: Error): void {
    if (a.done) return;
    if (a.stream === null) {
      const i = this.pending.indexOf(a);
      if (i !== -1) this.unqueue(i);
      this.finish(a, err);
      return;
    }
    a.abortError ??= err;
    a.stream.close(NGHTTP2_CANCEL);
  }

  private limit(e: SessionEntry): number {
    const remote = e.session.remoteSettings.maxConcurrentStreams ?? DEFAULT_MAX_STREAMS;
    return Math.min(remote, this.options.maxConcurrentStreams);
  }

  /** A ready session with a free stream, or null. */
  private pick(): SessionEntry | null {
    for (const e of this.sessions) {
      if (e.ready && !e.draining && e.active < this.limit(e)) return e;
    }
    return null;
  }

  /** Takes waiting request i out of the queue, giving back its place. */
  private unqueue(i: number): H2Attempt {
    const a = this.pending.splice(i, 1)[0]!;
    this.options.limits.streamWaitEnded();
    return a;
  }

  /**
   * Opens a session for waiting requests unless one is on its way or the process has
   * maxConnections open (this worker opens its first one regardless).
   */
  private connectIfNeeded(): void {
    if (this.closing || this.pending.length === 0) return;
    let open = 0;
    for (const e of this.sessions) {
      if (!e.ready && !e.draining) return; // one is connecting; the waiting requests go there
      if (!e.draining) open++;
    }
    if (this.options.limits.tryOpenSession(this.options.maxConnections, open === 0)) this.open();
  }

  /** Opens a session; its place among the process's sessions is already counted, and given back when it closes. */
  private open(): void {
    const o = this.options;
    let session: ClientHttp2Session;
    try {
      session = connect(o.origin, { settings: { enablePush: false }, ...(o.origin.startsWith("https:") ? { ...o.tls, ALPNProtocols: ["h2"] } : {}) });
    } catch (err) {
      // Options Node refuses (a TLS setting, say): the place is given back, the waiting requests fail as connect failures.
      o.limits.sessionClosed();
      const failure = o.tls !== null ? new TlsHandshakeError(err as Error) : new H1Error("ECONNREFUSED", (err as Error).message);
      while (this.pending.length > 0) this.finish(this.unqueue(0), failure);
      return;
    }
    const e: SessionEntry = { session, secured: false, ready: false, draining: false, active: 0, total: 0, goawayLastId: -1, error: null };
    this.sessions.push(e);
    const timer = setTimeout(() => {
      if (!e.ready) session.destroy(new H1Error("UND_ERR_CONNECT_TIMEOUT", "connect timeout"));
    }, o.connectTimeoutMs);
    timer.unref();
    session.once("connect", () => { e.secured = true; });
    session.on("remoteSettings", () => {
      if (!e.ready) { e.ready = true; clearTimeout(timer); }
      this.drain();
    });
    session.on("goaway", (_code: number, lastStreamId: number) => {
      e.goawayLastId = lastStreamId;
      this.retire(e);
    });
    session.on("error", (err: Error) => { e.error ??= err; });
    session.on("close", () => {
      clearTimeout(timer);
      o.limits.sessionClosed();
      const i = this.sessions.indexOf(e);
      if (i !== -1) this.sessions.splice(i, 1);
      if (!e.ready) {
        // Never got to serve: the requests waiting for it fail as connect failures (or retry elsewhere).
        const err = o.tls !== null && !e.secured
          ? new TlsHandshakeError(e.error)
          : e.error ?? new H1Error("ECONNRESET", "upstream closed the connection before HTTP/2 settings");
        if (this.sessions.every((s) => s.draining)) while (this.pending.length > 0) this.finish(this.unqueue(0), err);
      }
      this.connectIfNeeded();
    });
    session.setTimeout(o.idleTimeoutMs, () => { if (e.active === 0) this.retire(e); });
  }

  /** No new streams on this session; it closes once its streams are done. */
  private retire(e: SessionEntry): void {
    if (e.draining) return;
    e.draining = true;
    // Closed at once when idle; after a GOAWAY Node would otherwise wait for the peer to close.
    if (e.active === 0) e.session.destroy();
    else if (!e.session.closed && !e.session.destroyed) e.session.close();
    this.connectIfNeeded();
  }

  private start(a: H2Attempt, e: SessionEntry): void {
    e.active++;
    e.total++;
    let stream: ClientHttp2Stream;
    try {
      stream = e.session.request(a.headers, { endStream: a.body === null });
    } catch (err) {
      e.active--;
      this.finish(a, err as Error);
      return;
    }
    if (this.options.maxRequestsPerConnection > 0 && e.total >= this.options.maxRequestsPerConnection) this.retire(e);
    a.stream = stream;
    a.entry = e;
    stream.on("response", (headers) => this.onResponse(a, headers));
    stream.on("trailers", (trailers) => a.callbacks.onTrailers(a.ctx, trailers));
    stream.on("end", () => { a.ended = true; });
    stream.on("error", (err) => { a.error ??= err; });
    stream.on("close", () => this.onClose(a, e));
    const body = a.body;
    if (Buffer.isBuffer(body)) stream.end(body);
    else if (body !== null) {
      // Streamed both ways with backpressure; a broken request body cancels the stream.
      body.on("error", () => stream.close(NGHTTP2_CANCEL));
      body.pipe(stream);
    }
  }

  private onResponse(a: H2Attempt, headers: IncomingHttpHeaders): void {
    if (a.timer !== null) { clearTimeout(a.timer); a.timer = null; }
    a.responded = true;
    const stream = a.stream!;
    const sink = a.callbacks.onHeaders(a.ctx, Number(headers[":status"]), headers);
    if (sink === null) {
      stream.resume();
      return;
    }
    stream.setTimeout(this.options.bodyIdleTimeoutMs, () => {
      a.abortError ??= new H1Error("UND_ERR_BODY_TIMEOUT", "upstream body timeout");
      stream.close(NGHTTP2_CANCEL);
    });
    stream.pipe(sink);
  }

  private onClose(a: H2Attempt, e: SessionEntry): void {
    e.active--;
    if (e.draining && e.active === 0 && !e.session.destroyed) e.session.destroy();
    const stream = a.stream!;
    let err: Error | null = a.abortError;
    if (err === null && !a.ended) {
      const id = stream.id;
      const beyondGoaway = e.goawayLastId >= 0 && (id === undefined || id > e.goawayLastId);
      if (!a.responded && (stream.rstCode === NGHTTP2_REFUSED_STREAM || beyondGoaway)) {
        err = new H1Error(H2_REFUSED_STREAM, "the upstream refused the stream");
      } else {
        err = a.error ?? e.error ?? new H1Error("UND_ERR_SOCKET", `upstream reset the stream (HTTP/2 error ${stream.rstCode ?? "?"})`);
      }
    }
    this.finish(a, err);
    this.drain();
  }

  private finish(a: H2Attempt, err: Error | null): void {
    if (a.done) return;
    a.done = true;
    if (a.timer !== null) { clearTimeout(a.timer); a.timer = null; }
    a.callbacks.onDone(a.ctx, err);
  }

  /** Waiting requests take the free streams. */
  private drain(): void {
    while (this.pending.length > 0) {
      const e = this.pick();
      if (e === null) break;
      this.start(this.unqueue(0), e);
    }
    this.connectIfNeeded();
  }

  /** No new requests; sessions close once their streams end. */
  close(): void {
    this.closing = true;
    while (this.pending.length > 0) this.finish(this.unqueue(0), new H1Error("UND_ERR_CLOSED", "pool closed"));
    for (const e of [...this.sessions]) this.retire(e);
  }

  destroy(): void {
    this.close();
    for (const e of [...this.sessions]) e.session.destroy();
  }
}

function onHeadersTimeout(a: H2Attempt): void {
  a.timer = null;
  a.pool.abort(a, HEADERS_TIMEOUT());
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { constants, createServer, Http2ServerResponse, type Http2ServerRequest, type OutgoingHttpHeaders, type ServerHttp2Session } from "node:http2";
import type { Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";

/**
 * Envoy's defence against HTTP/2 Rapid Reset (CVE-2023-44487), with its defaults: once a
 * connection has opened this many streams, it is closed (GOAWAY ENHANCE_YOUR_CALM) when half of
 * them or more were reset by the client prematurely: before any response and within
 * PREMATURE_RESET_LIFETIME_MS of opening (overload.premature_reset_total_stream_count and
 * premature_reset_min_stream_lifetime_seconds).
 */
const PREMATURE_RESET_MIN_STREAMS = 500;
const PREMATURE_RESET_LIFETIME_MS = 1_000;

const CONNECTION_WINDOW_BYTES = 1 << 20;

/** What the HTTPS listener offers in ALPN: HTTP/2 first, as Kong's and Istio's gateways do. */
export const HTTPS_ALPN = ["h2", "http/1.1"];

export interface H2ListenerOptions {
  /** Largest header block a client may send (SETTINGS_MAX_HEADER_LIST_SIZE), as the HTTP/1.1 head limit. */
  maxHeaderSize: number;
  /** A connection with no open stream for this long is closed (GOAWAY). */
  idleTimeoutMs: number;
  /** Streams one client connection may have open at once. */
  maxConcurrentStreams: number;
  /** Longest a request may take to arrive, body included (as node:http's requestTimeout): the stream is reset after it. */
  requestTimeoutMs: number;
}

/** The client connection preface of HTTP/2 (RFC 9113 §3.4): how an h2c client with prior knowledge begins. */
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** Whether bytes a connection began with are HTTP/2's preface (all of it, or as much as arrived). */
export function isH2Preface(start: Buffer): boolean {
  const n = Math.min(start.length, H2_PREFACE.length);
  return n > 0 && start.compare(H2_PREFACE, 0, n, 0, n) === 0;
}

/**
 * HTTP/2 from clients (gRPC among them), for one listener: on HTTPS the TLS server offers ALPN
 * `h2` besides `http/1.1` and a connection that chose h2 comes here (serveTls); on plain HTTP a
 * connection that begins with HTTP/2's preface (h2c with prior knowledge) is handed over by the
 * lean reader (accept). The others stay on the HTTP/1.1 path. Each stream's request (node:http2's
 * compatibility API) is made to look like an HTTP/1.1 one to the proxy handler
 * (asHttp1Request), so routing, policies, retries, timeouts and flags work unchanged; the
 * response API is the same, and upstream trailers (e.g. `grpc-status`) go out as HTTP/2
 * trailers. A connection that resets most of its streams at once (Rapid Reset) is closed, by
 * Envoy's rule.
 */
export class H2Listener {
  readonly server: ReturnType<typeof createH2Server>;
  private readonly sessions = new Set<ServerHttp2Session>();

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void, options: H2ListenerOptions) {
    this.server = createH2Server(options);
    this.server.on("request", (req: Http2ServerRequest, res: Http2ServerResponse) => {
      asHttp1Request(req);
      const stream = req.stream;
      if (!stream.endAfterHeaders) {
        // node:http2 ends a reset stream's readable side as if the body were whole; the request is
        // destroyed first, so a cut-off body never reads as complete (no 'end', as node:http
        // reports an aborted HTTP/1.1 request) and the upstream never gets it as one.
        stream.prependListener("end", () => { if (stream.closed) req.destroy(); });
        // A body that trickles in (slowloris) is cut off as node:http cuts off an HTTP/1.1 one.
        const timer = setTimeout(() => {
          req.destroy();
          stream.close(constants.NGHTTP2_CANCEL);
        }, options.requestTimeoutMs);
        timer.unref();
        req.once("end", () => clearTimeout(timer));
        stream.once("close", () => clearTimeout(timer));
      }
      handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    });
    this.server.on("session", (session: ServerHttp2Session) => {
      this.sessions.add(session);
      // Envoy's edge default: 1 MiB for the connection (HTTP/2's 64 KiB would make every upload
      // on it share one small window); streams keep 64 KiB each.
      session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
      session.once("close", () => this.sessions.delete(session));
      // Idle means no open stream: a quiet long-running one (a gRPC stream) keeps it open.
      let open = 0, total = 0, premature = 0;
      session.on("stream", (stream) => {
        open++;
        const openedAt = performance.now();
        stream.once("close", () => {
          open--;
          total++;
          if (stream.rstCode !== constants.NGHTTP2_NO_ERROR && !stream.headersSent && performance.now() - openedAt < PREMATURE_RESET_LIFETIME_MS) premature++;
          if (total >= PREMATURE_RESET_MIN_STREAMS && premature * 2 >= total && !session.closed) {
            // GOAWAY first (destroying at once would drop it unsent); no new streams from here on.
            session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
            session.close();
            setTimeout(() => session.destroy(), PREMATURE_RESET_LIFETIME_MS).unref();
          }
        });
      });
      session.setTimeout(options.idleTimeoutMs, () => { if (open === 0) session.close(); });
      // A protocol error from the client ends its connection; nothing to log per connection.
      session.on("error", () => session.destroy());
    });
  }

  /** Takes the HTTPS server's connections that chose h2; the others keep the listener they had (the lean path or node:https). */
  serveTls(tlsServer: HttpsServer): void {
    const [http1, ...others] = tlsServer.listeners("secureConnection") as ((socket: TLSSocket) => void)[];
    if (http1 === undefined || others.length > 0) throw new Error("expected the HTTPS server's one secureConnection listener");
    tlsServer.removeListener("secureConnection", http1);
    tlsServer.on("secureConnection", (socket: TLSSocket) => {
      if (socket.alpnProtocol === "h2") this.server.emit("connection", socket);
      else http1.call(tlsServer, socket);
    });
  }

  /** A plain connection that began with the preface; `unread`: what was read of it so far (node:http2 reads it first). */
  accept(socket: Socket, unread: Buffer): void {
    socket.unshift(unread);
    this.server.emit("connection", socket);
  }

  /** Connections get GOAWAY: no new streams, closed once their open ones end (a drain calls it). */
  closeIdle(): void {
    for (const session of this.sessions) if (!session.closed) session.close();
  }

  closeAll(): void {
    for (const session of this.sessions) session.destroy();
  }
}

/**
 * Makes an HTTP/2 request read like an HTTP/1.1 one: method and URL from the pseudo-headers as
 * own properties, the pseudo-headers taken out of `headers` (they must not be forwarded),
 * `:authority` as `host`. A body without content-length (gRPC's always) is declared chunked,
 * the HTTP/1.1 word for the same thing, as nginx forwards such bodies; transfer-encoding is
 * hop-by-hop, so it is never sent on as such.
 */
export function asHttp1Request(req: Http2ServerRequest): void {
  const headers = req.headers;
  const method = headers[":method"] ?? "GET";
  const url = headers[":path"] ?? "/";
  const authority = headers[":authority"];
  Object.defineProperties(req, {
    method: { value: method, writable: true, configurable: true },
    url: { value: url, writable: true, configurable: true },
  });
  delete headers[":method"];
  delete headers[":path"];
  delete headers[":authority"];
  delete headers[":scheme"];
  delete headers[":protocol"];
  // :authority wins over a Host header that says otherwise (RFC 9113 §8.3.1 forbids the difference).
  if (authority !== undefined) headers.host = authority;
  if (headers["content-length"] === undefined && !req.stream.endAfterHeaders) headers["transfer-encoding"] = "chunked";
}

function createH2Server(options: H2ListenerOptions) {
  return createServer({
    Http2ServerResponse: H2Response,
    settings: { maxConcurrentStreams: options.maxConcurrentStreams, maxHeaderListSize: options.maxHeaderSize, enablePush: false },
  });
}

/**
 * Connection-specific headers make an HTTP/2 message malformed (RFC 9113 §8.2.2) and node:http2
 * throws on them. Upstream ones are already gone (DROP_RESPONSE), but the gateway's own 426 says
 * `Upgrade`/`Connection` for HTTP/1.1 clients, and a response transformer may set any name.
 */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings"]);

function connectionSpecific(name: string, value: unknown): boolean {
  const key = name.toLowerCase();
  return CONNECTION_SPECIFIC.has(key) || (key === "te" && String(value).toLowerCase() !== "trailers");
}

/**
 * The response the proxy handler gets for a stream: HTTP/1.1's API, with two differences from
 * node:http2's compatibility response. Connection-specific headers are left out instead of thrown
 * on. And writeHead() only records the head, as node:http's does: it goes out with the first
 * body bytes, or with end(), and then on a HEADERS frame that ends the stream when there is no
 * body. That is gRPC's "Trailers-Only" answer (grpc-status in the only HEADERS frame), which an
 * upstream's refusal and the gateway's own have to keep: the compatibility response would send
 * the head at once and end the stream with an empty DATA frame, and a gRPC client then reads no
 * status at all.
 */
class H2Response extends Http2ServerResponse {
  /** Inside write()/end(): node:http2's own writeHead call, which sends. */
  private sending = false;
  /** writeHead() was called (what headersSent reports, as node:http's does). */
  headRecorded = false;

  override setHeader(name: string, value: number | string | readonly string[]): void {
    if (!connectionSpecific(name, value)) super.setHeader(name, value);
  }

  override writeHead(statusCode: number, headers?: OutgoingHttpHeaders | readonly string[]): this;
  override writeHead(statusCode: number, statusMessage: string, headers?: OutgoingHttpHeaders | readonly string[]): this;
  override writeHead(statusCode: number, a?: string | OutgoingHttpHeaders | readonly string[], b?: OutgoingHttpHeaders | readonly string[]): this {
    if (this.sending) return typeof a === "string" ? super.writeHead(statusCode, a, b) : super.writeHead(statusCode, a);
    const headers = withoutConnectionSpecific(typeof a === "string" ? b : a);
    this.statusCode = statusCode;
    if (headers !== undefined) {
      const record = isList(headers) ? fromList(headers) : headers;
      for (const name in record) if (record[name] !== undefined) super.setHeader(name, record[name]);
    }
    this.headRecorded = true;
    return this;
  }

  override write(chunk: string | Uint8Array, callback?: (err: Error) => void): boolean;
  override write(chunk: string | Uint8Array, encoding: BufferEncoding, callback?: (err: Error) => void): boolean;
  override write(...args: unknown[]): boolean {
    this.sending = true;
    try {
      return (super.write as (...a: unknown[]) => boolean).apply(this, args);
    } finally {
      this.sending = false;
    }
  }

  override end(callback?: () => void): this;
  override end(data: string | Uint8Array, callback?: () => void): this;
  override end(data: string | Uint8Array, encoding: BufferEncoding, callback?: () => void): this;
  override end(...args: unknown[]): this {
    this.sending = true;
    try {
      (super.end as (...a: unknown[]) => unknown).apply(this, args);
      return this;
    } finally {
      this.sending = false;
    }
  }
}

// A getter in node:http2 (the stream's headersSent), a field in @types/node: the recorded head counts as sent.
const streamHeadersSent = Object.getOwnPropertyDescriptor(Http2ServerResponse.prototype, "headersSent")!.get!;
Object.defineProperty(H2Response.prototype, "headersSent", {
  get(this: H2Response) { return this.headRecorded || (streamHeadersSent.call(this) as boolean); },
});

/** The headers (an object or a flat [name, value, …] list) without connection-specific ones; the same object when it has none. */
function withoutConnectionSpecific(headers: OutgoingHttpHeaders | readonly string[] | undefined): OutgoingHttpHeaders | readonly string[] | undefined {
  if (headers === undefined) return headers;
  if (isList(headers)) {
    let clean = true;
    for (let i = 0; i < headers.length; i += 2) if (connectionSpecific(String(headers[i]), headers[i + 1])) clean = false;
    if (clean) return headers;
    const out: string[] = [];
    for (let i = 0; i < headers.length; i += 2) if (!connectionSpecific(String(headers[i]), headers[i + 1])) out.push(headers[i]!, headers[i + 1]!);
    return out;
  }
  let out: OutgoingHttpHeaders | null = null;
  for (const name in headers) {
    if (!connectionSpecific(name, headers[name])) continue;
    out ??= { ...headers };
    delete out[name];
  }
  return out ?? headers;
}

/** A flat [name, value, …] list as a record; a repeated name (Set-Cookie) keeps every value. */
function fromList(list: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!.toLowerCase(), value = list[i + 1]!;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function isList(headers: OutgoingHttpHeaders | readonly string[]): headers is readonly string[] {
  return Array.isArray(headers);
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { constants, createServer, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from "node:http2";
import type { Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { H2BodyRequest, H2Request, http1Headers } from "./h2-request.ts";
import { H2Response } from "./h2-response.ts";

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
 * lean reader (accept). The others stay on the HTTP/1.1 path. Each stream is served on
 * node:http2's core API behind the HTTP/1.1 request/response API the proxy handler uses
 * (serveStream), and upstream trailers (e.g. `grpc-status`) go out as HTTP/2 trailers. A
 * connection that resets most of its streams at once (Rapid Reset) is closed, by Envoy's rule.
 */
export class H2Listener {
  readonly server: ReturnType<typeof createServer>;
  private readonly sessions = new Set<ServerHttp2Session>();

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void, options: H2ListenerOptions) {
    this.server = createServer({
      settings: { maxConcurrentStreams: options.maxConcurrentStreams, maxHeaderListSize: options.maxHeaderSize, enablePush: false },
    });
    this.server.on("session", (session: ServerHttp2Session) => {
      this.sessions.add(session);
      // Envoy's edge default: 1 MiB for the connection (HTTP/2's 64 KiB would make every upload
      // on it share one small window); streams keep 64 KiB each.
      session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
      session.once("close", () => this.sessions.delete(session));
      // The connection's socket, for every stream's client address (node:http2 hands out a proxy).
      const socket = session.socket as Socket;
      // Idle means no open stream: a quiet long-running one (a gRPC stream) keeps it open.
      let open = 0, total = 0, premature = 0;
      session.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
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
        serveStream(stream, headers, socket, handler, options);
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
 * One stream's request and response for the proxy handler: node:http2's core stream API under the
 * HTTP/1.1 request/response API the proxy uses (h2-request.ts, h2-response.ts), so routing,
 * policies, retries, timeouts and flags work unchanged. Its compatibility API would cost a
 * Readable and a Writable wrapper per stream on top of the stream itself.
 */
function serveStream(stream: ServerHttp2Stream, h2: IncomingHttpHeaders, socket: Socket, handler: (req: IncomingMessage, res: ServerResponse) => void, options: H2ListenerOptions): void {
  const method = h2[":method"] ?? "GET";
  if (method === "CONNECT") {
    // Extended CONNECT (RFC 8441, WebSocket over HTTP/2) is not offered; plain CONNECT is no proxy's business here.
    stream.on("error", () => {});
    stream.respond({ ":status": 405 }, { endStream: true });
    return;
  }
  const expect = h2.expect;
  if (expect !== undefined) {
    if (expect.toLowerCase() !== "100-continue") {
      stream.on("error", () => {});
      stream.respond({ ":status": 417 }, { endStream: true });
      return;
    }
    stream.additionalHeaders({ ":status": 100 });
  }
  const hasBody = !stream.endAfterHeaders;
  const headers = http1Headers(h2, hasBody);
  const url = h2[":path"] ?? "/";
  const contentType = headers["content-type"];
  const trailersWanted = headers.te === "trailers" || (contentType !== undefined && contentType.startsWith("application/grpc"));
  const res = new H2Response(stream, method === "HEAD", trailersWanted);
  if (!hasBody) {
    handler(new H2Request(stream, method, url, headers, socket) as unknown as IncomingMessage, res as unknown as ServerResponse);
    return;
  }
  const req = new H2BodyRequest(stream, method, url, headers, socket);
  // A body that trickles in (slowloris) is cut off as node:http cuts off an HTTP/1.1 one.
  const timer = setTimeout(() => {
    req.destroy();
    if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
  }, options.requestTimeoutMs);
  timer.unref();
  req.once("end", () => clearTimeout(timer));
  stream.once("close", () => clearTimeout(timer));
  // A complete response before the whole request (an upstream that answered early, a refusal):
  // the client is asked to stop sending with RST_STREAM NO_ERROR (RFC 9113 §8.1, as nginx and
  // Envoy do) instead of the rest of its body being read and dropped.
  res.once("finish", () => {
    if (req.complete) return;
    req.stopReading();
    resetWhenSent(stream);
  });
  handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
}

/** How often a finished response is checked for having left (its END_STREAM sent). */
const SENT_CHECK_MS = 5;

/**
 * RST_STREAM NO_ERROR once the response is all out: node:http2 reports a stream's writable side
 * finished when nghttp2 has its data, not when it was sent, and a reset before that would cut
 * off DATA still waiting for the client's flow-control window.
 */
function resetWhenSent(stream: ServerHttp2Stream): void {
  if (stream.closed || stream.destroyed) return;
  if (stream.state.localClose === 1) stream.close(constants.NGHTTP2_NO_ERROR);
  else setTimeout(resetWhenSent, SENT_CHECK_MS, stream);
}

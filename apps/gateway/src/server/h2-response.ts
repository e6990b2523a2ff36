import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { INVALID_VALUE_CHAR, isHeaderToken } from "./http-syntax.ts";
import { invalid, OutgoingResponse, type HeaderValue } from "./outgoing-response.ts";

const { NGHTTP2_INTERNAL_ERROR } = constants;

/**
 * Connection-specific headers make an HTTP/2 message malformed (RFC 9113 §8.2.2) and node:http2
 * throws on them. Upstream ones are already gone (DROP_RESPONSE), but the gateway's own 426 says
 * `Upgrade`/`Connection` for HTTP/1.1 clients, and a response transformer may set any name.
 */
const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings"]);

function connectionSpecific(name: string, value: HeaderValue): boolean {
  return CONNECTION_SPECIFIC.has(name) || (name === "te" && String(value).toLowerCase() !== "trailers");
}

function noop(): void {}

/**
 * The response side of one HTTP/2 stream: the part of node:http's ServerResponse the proxy, its
 * policies and its tracing use (as LeanResponse offers it for HTTP/1.1), on node:http2's core
 * stream API. Names are lower-cased and, with the values, checked as node:http checks them when
 * the head is decided (a TypeError from writeHead); connection-specific ones are left out instead
 * of thrown on.
 *
 * writeHead() only records the head, as node:http's does: it goes out with the first body bytes,
 * or with end(), and then on a HEADERS frame that ends the stream when there is no body. That is
 * gRPC's "Trailers-Only" answer (grpc-status in the only HEADERS frame), which an upstream's
 * refusal and the gateway's own have to keep. Trailers (addTrailers, e.g. an upstream's
 * grpc-status) go out as HTTP/2 trailers when the request was a gRPC call or said `te: trailers`;
 * others are dropped, as node:http drops them without chunked encoding.
 *
 * `writableEnded`: end() was called; `writableFinished`: the stream took the whole response;
 * `destroyed`: the stream closed before that (the client reset it, or destroy()), and a 'close'
 * with writableEnded false is how the proxy learns the client went away.
 */
export class H2Response extends OutgoingResponse {
  private readonly stream: ServerHttp2Stream;
  /** HEAD request, or a 204/304 answer: no DATA whatever is written. */
  private noBody: boolean;
  /** Trailers may follow the body (gRPC, or the client said `te: trailers`). */
  private readonly trailersWanted: boolean;
  /** The head as it goes out: decided by writeHead. */
  private headers: Record<string, HeaderValue> = {};
  private trailers: Record<string, string | string[]> | null = null;
  private responded = false;
  private drainPending = false;

  constructor(stream: ServerHttp2Stream, isHead: boolean, trailersWanted: boolean) {
    // shouldKeepAlive: read and written by policies for HTTP/1.1; a stream never closes its connection.
    super(true);
    this.stream = stream;
    this.noBody = isHead;
    this.trailersWanted = trailersWanted;
    // A write after the client reset the stream fails on the stream; nothing to report.
    stream.on("error", noop);
    stream.once("close", () => {
      if (!this.writableFinished) this.destroyed = true;
      this.emit("close");
    });
  }

  writeHead(status: number, reasonOrHeaders?: string | OutgoingHttpHeaders | readonly string[], maybeHeaders?: OutgoingHttpHeaders | readonly string[]): this {
    if (this.headersSent) throw invalid("ERR_HTTP_HEADERS_SENT", "Cannot write headers after they are sent to the client");
    if (!(status >= 200 && status <= 599)) throw invalid("ERR_HTTP2_STATUS_INVALID", `Invalid status code: ${status}`);
    // HTTP/2 has no reason phrase (RFC 9113 §8.3.2): kept for the access log only.
    if (typeof reasonOrHeaders === "string") this.statusMessage = reasonOrHeaders;
    const headers = typeof reasonOrHeaders === "string" ? maybeHeaders : reasonOrHeaders;
    this.statusCode = status;
    if (status === 204 || status === 304) this.noBody = true;
    // writeHead's values win over setHeader's on the same name (as Node merges them); a name a
    // flat list repeats (Set-Cookie) keeps every value.
    if (this.staged !== null) for (const name in this.staged) this.put(name, this.staged[name], false);
    if (Array.isArray(headers)) {
      if (this.staged !== null) for (let i = 0; i < headers.length; i += 2) delete this.headers[(headers[i] as string).toLowerCase()];
      for (let i = 0; i < headers.length; i += 2) this.put((headers[i] as string).toLowerCase(), headers[i + 1], true);
    } else if (headers) {
      for (const name in headers as OutgoingHttpHeaders) this.put(name.toLowerCase(), (headers as OutgoingHttpHeaders)[name], false);
    }
    this.headersSent = true;
    return this;
  }

  /** Same as Node's: the head goes out now, before any body. */
  flushHeaders(): void {
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (!this.responded) this.respond(this.noBody);
  }

  addTrailers(headers: Record<string, string | readonly string[]>): void {
    for (const name in headers) {
      const key = name.toLowerCase();
      const value = headers[name]!;
      if (!isHeaderToken(key)) throw invalid("ERR_INVALID_HTTP_TOKEN", `Trailer name must be a valid HTTP token ["${name}"]`);
      for (const v of typeof value === "string" ? [value] : value) {
        if (INVALID_VALUE_CHAR.test(v)) throw invalid("ERR_INVALID_CHAR", `Invalid character in trailer content ["${name}"]`);
      }
      (this.trailers ??= {})[key] = typeof value === "string" ? value : [...value];
    }
  }

  protected writeBody(chunk: string | Buffer | Uint8Array, encoding: BufferEncoding | undefined, cb: ((err?: Error | null) => void) | undefined): boolean {
    if (!this.responded && !this.respond(this.noBody)) return false;
    if (this.noBody) {
      if (cb !== undefined) process.nextTick(cb);
      return true;
    }
    const ok = encoding === undefined ? this.stream.write(chunk, cb) : this.stream.write(chunk, encoding, cb);
    if (!ok && !this.drainPending) {
      this.drainPending = true;
      this.stream.once("drain", () => { this.drainPending = false; this.emit("drain"); });
    }
    return ok;
  }

  protected endBody(chunk: string | Buffer | Uint8Array | null, encoding: BufferEncoding | undefined): void {
    const empty = chunk === null || chunk.length === 0;
    const stream = this.stream;
    if (!this.responded) {
      // A HEAD answer keeps the length the body would have had.
      if (this.noBody && !empty && this.headers["content-length"] === undefined) {
        this.headers["content-length"] = typeof chunk === "string" ? Buffer.byteLength(chunk, encoding) : chunk!.length;
      }
      // Nothing to send after the head: one HEADERS frame that ends the stream (Trailers-Only).
      if (!this.respond(this.noBody || (empty && this.trailers === null))) return;
    }
    if (!stream.writableEnded) {
      if (this.noBody || empty) stream.end();
      else if (encoding === undefined) stream.end(chunk);
      else stream.end(chunk, encoding);
    }
    if (stream.writableFinished) process.nextTick(this.onFinish);
    else stream.once("finish", this.onFinish);
  }

  private readonly onFinish = (): void => {
    this.writableFinished = true;
    this.emit("finish");
  };

  destroy(_err?: Error): this {
    if (!this.destroyed) {
      this.destroyed = true;
      if (!this.stream.closed) this.stream.close(NGHTTP2_INTERNAL_ERROR);
    }
    return this;
  }

  private put(name: string, value: HeaderValue, append: boolean): void {
    if (value === undefined || connectionSpecific(name, value)) return;
    if (!isHeaderToken(name)) throw invalid("ERR_INVALID_HTTP_TOKEN", `Header name must be a valid HTTP token ["${name}"]`);
    if (typeof value === "object") {
      for (let i = 0; i < value.length; i++) {
        if (INVALID_VALUE_CHAR.test(value[i]!)) throw invalid("ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
      }
    } else if (typeof value === "string" && INVALID_VALUE_CHAR.test(value)) {
      throw invalid("ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
    }
    const prev = append ? this.headers[name] : undefined;
    if (prev === undefined) this.headers[name] = value;
    else this.headers[name] = [...(typeof prev === "object" ? prev : [String(prev)]), ...(typeof value === "object" ? value : [String(value)])];
  }

  /** Sends the head; false when the stream is gone or refused it (the stream is reset then). */
  private respond(endStream: boolean): boolean {
    this.responded = true;
    if (this.stream.closed || this.stream.destroyed) {
      this.destroyed = true;
      return false;
    }
    const headers = this.headers as OutgoingHttpHeaders;
    headers[":status"] = this.statusCode;
    // node:http2 adds Date unless the header is null.
    if (!this.sendDate && headers.date === undefined) (headers as Record<string, unknown>).date = null;
    const waitForTrailers = this.trailersWanted && !endStream;
    try {
      this.stream.respond(headers, { endStream, waitForTrailers });
    } catch {
      // A header node:http2 refuses that the checks above let through: the stream can't answer.
      this.destroy();
      return false;
    }
    if (waitForTrailers) this.stream.once("wantTrailers", () => this.stream.sendTrailers(this.trailers ?? {}));
    return true;
  }
}

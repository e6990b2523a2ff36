import type { Socket } from "node:net";
import { writeLatin1 } from "../direct-write.ts";
import { readAsEvent, wallClock } from "../event-clock.ts";
import { own } from "../shared-read-buffer.ts";
import { TlsHandshakeError } from "./tls-handshake-error.ts";
import { headerNameTable, knownHeaderName } from "../server/header-names.ts";

/** Where a response body goes (the client's ServerResponse, in the proxy). */
export interface H1Sink {
  write(chunk: Buffer): boolean;
  end(chunk: string, encoding: "latin1"): unknown;
  end(chunk?: Buffer): unknown;
  once(event: "drain", listener: () => void): unknown;
}

/** One request in flight on the lean client; the proxy's exchange carries these fields. */
export interface H1Exchange {
  /** Connection serving it, null while queued or when not on the lean client. */
  h1Conn: H1Connection | null;
  /** Pool it was dispatched to until it ends; null when none. */
  h1Pool: H1PoolLike | null;
  /** Request head (request line + headers + blank line), written as one string. */
  h1Head: string;
  h1Body: Buffer | null;
  /** HEAD request: the response has no body whatever its headers say. */
  h1NoBody: boolean;
}

/** Callbacks shared by every request of a pool (no closures per request). */
export interface H1Callbacks {
  /**
   * Response head arrived. `headers` is flat [name, value, …], names lower-case, hop-by-hop
   * headers already left out; `connection` the raw Connection header ("" without one).
   * Returns where the body goes, or null to throw it away.
   */
  onHeaders(ex: H1Exchange, status: number, headers: string[], contentLength: number, connection: string): H1Sink | null;
  /** The exchange ended: err is null once the whole body was handed to the sink (and ended). */
  onDone(ex: H1Exchange, err: Error | null): void;
}

export interface H1PoolLike {
  readonly callbacks: H1Callbacks;
  readonly dropResponse: ReadonlySet<string>;
  abort(ex: H1Exchange, err: Error): void;
  release(conn: H1Connection): void;
  closed(conn: H1Connection): void;
}

/** Longest response head accepted from an upstream. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF2 = Buffer.from("\r\n\r\n");
/** Up to this size the final body piece is handed over as a string (see complete()). */
const SMALL_END_BYTES = 16 * 1024;

const HEAD = 0, LENGTH = 1, CHUNK_SIZE = 2, CHUNK_DATA = 3, CHUNK_END = 4, TRAILERS = 5, UNTIL_CLOSE = 6;

/** Response header names most upstreams send. */
const KNOWN_NAMES = headerNameTable([
  "date", "etag", "vary", "server", "expires", "location", "connection", "set-cookie", "content-type",
  "cache-control", "last-modified", "accept-ranges", "content-length", "content-encoding", "transfer-encoding",
]);

/** Whitespace String.prototype.trim removes, among the latin1 characters a head is read as. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

/**
 * The status code of a status line ending at `end`: the number its characters 9–11 make, as
 * Number(line.slice(9, 12)) reads them, without making the substring when they are digits.
 * NaN (not 0) when there are none; either way it is no valid status.
 */
function statusCode(text: string, end: number): number {
  const stop = Math.min(12, end);
  let code = 0, digits = 0;
  for (let i = 9; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return Number(text.slice(9, stop));
    code = code * 10 + (c - 48);
    digits++;
  }
  return digits === 0 ? NaN : code;
}

export class H1Error extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * One keep-alive HTTP/1.1 connection to an upstream: writes a request head as one string, parses
 * the response (status line, headers, Content-Length, chunked or read-until-close bodies) and
 * streams the body to a sink with backpressure. Listeners are bound once per connection.
 */
export class H1Connection {
  readonly socket: Socket;
  readonly pool: H1PoolLike;
  ex: H1Exchange | null = null;
  requests = 0;
  connected = false;
  /** The event after which the connection carries requests. */
  private readonly ready: "connect" | "secureConnect";
  /** Epoch ms by which the response head must arrive; Infinity once it did. */
  headDeadline = Infinity;
  /** Coarse time (see h1-pool's clock) of the last byte read; for the body idle timeout. */
  activeAt = 0;
  /** Epoch ms the connection went idle in the pool. */
  idleSince = 0;
  private reusable = true;
  private error: Error | null = null;
  private state = HEAD;
  private partial: Buffer | null = null;
  private remaining = 0;
  private line = "";
  private sink: H1Sink | null = null;
  private pending: Buffer | null = null;
  private readonly onDrain = (): void => { this.socket.resume(); };

  /**
   * `ready`: the event after which the connection carries requests ("secureConnect" over TLS).
   * `sharedReads`: the socket reads into SHARED_READ_BUFFER (shared-read-buffer.ts) and calls onRead instead of emitting 'data'.
   */
  constructor(socket: Socket, pool: H1PoolLike, ready: "connect" | "secureConnect" = "connect", sharedReads = false) {
    this.socket = socket;
    this.pool = pool;
    this.ready = ready;
    socket.on(ready, () => { this.connected = true; });
    if (!sharedReads) socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err: Error) => { this.error ??= err; });
    socket.on("close", () => this.onClose());
  }

  /** Sends a request on this (free) connection. */
  start(ex: H1Exchange, headersTimeoutMs: number): void {
    this.ex = ex;
    ex.h1Conn = this;
    this.state = HEAD;
    this.headDeadline = wallClock() + headersTimeoutMs;
    const s = this.socket;
    if (ex.h1Body === null || ex.h1Body.length === 0) {
      writeLatin1(s, ex.h1Head);
    } else {
      s.cork();
      s.write(ex.h1Head, "latin1");
      s.write(ex.h1Body);
      s.uncork();
    }
  }

  /** Ends the request in progress with `err`: the connection can't be trusted any more. */
  abort(err: Error): void {
    const ex = this.ex;
    if (ex === null) return;
    this.ex = null;
    this.sink = null;
    ex.h1Conn = null;
    ex.h1Pool = null;
    this.socket.destroy();
    this.pool.callbacks.onDone(ex, err);
  }

  private fail(err: Error): void {
    this.error ??= err;
    this.socket.destroy();
  }

  /** `n` bytes were read into the shared buffer `buf` (sharedReads). */
  onRead(buf: Buffer, n: number): void {
    this.onData(buf.subarray(0, n));
  }

  /** One socket read, as one event of the clock (event-clock.ts). */
  private onData(chunk: Buffer): void {
    readAsEvent(this, this.read, chunk);
  }

  private read(chunk: Buffer): void {
    if (this.ex === null) { this.fail(new H1Error("UND_ERR_SOCKET", "data from upstream with no request in flight")); return; }
    this.activeAt = clock.now;
    if (this.state === HEAD) this.onHead(chunk);
    else this.onBody(chunk, 0);
  }

  private onHead(data: Buffer): void {
    for (;;) {
      let chunk = data;
      if (this.partial !== null) { chunk = Buffer.concat([this.partial, chunk]); this.partial = null; }
      const end = chunk.indexOf(CRLF2);
      if (end === -1) {
        if (chunk.length > MAX_HEAD_BYTES) return this.fail(new H1Error("UND_ERR_HEADERS_OVERFLOW", "upstream response head too large"));
        this.partial = own(chunk);
        return;
      }
      const text = chunk.toString("latin1", 0, end);
      const firstEnd = text.indexOf("\r\n");
      const lineEnd = firstEnd === -1 ? text.length : firstEnd;
      const status = text.startsWith("HTTP/1.") ? statusCode(text, lineEnd) : NaN;
      if (!(status >= 100 && status <= 999)) return this.fail(new H1Error("UND_ERR_SOCKET", "upstream sent an invalid status line"));
      if (status < 200) {
        // Interim responses (100 Continue, 103 Early Hints) are not relayed; 101 was never asked for.
        if (status === 101) return this.fail(new H1Error("UND_ERR_SOCKET", "unexpected 101 from upstream"));
        if (end + 4 >= chunk.length) return;
        data = chunk.subarray(end + 4);
        continue;
      }
      if (text.charCodeAt(7) === 48 /* HTTP/1.0 */) this.reusable = false;
      const drop = this.pool.dropResponse;
      const headers: string[] = [];
      let contentLength = -1, chunked = false, connection = "";
      let at = firstEnd === -1 ? text.length : firstEnd + 2;
      while (at < text.length) {
        let eol = text.indexOf("\r\n", at);
        if (eol === -1) eol = text.length;
        const colon = text.indexOf(":", at);
        if (colon === -1 || colon > eol) return this.fail(new H1Error("UND_ERR_SOCKET", "upstream sent an invalid header line"));
        const name = knownHeaderName(KNOWN_NAMES, text, at, colon) ?? text.slice(at, colon).toLowerCase();
        // Trimmed by index, so the value is one slice (same characters String.prototype.trim drops).
        let from = colon + 1, to = eol;
        while (from < to && isSpace(text.charCodeAt(from))) from++;
        while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
        const value = text.slice(from, to);
        at = eol + 2;
        if (name === "content-length") {
          const n = Number(value);
          if (!Number.isSafeInteger(n) || n < 0 || (contentLength !== -1 && contentLength !== n)) return this.fail(new H1Error("UND_ERR_SOCKET", "upstream sent an invalid content-length"));
          contentLength = n;
        } else if (name === "transfer-encoding") {
          chunked = value.toLowerCase().endsWith("chunked");
        } else if (name === "connection") {
          connection = connection === "" ? value : `${connection}, ${value}`;
          const v = value.toLowerCase();
          if (v === "close" || v.includes("close")) this.reusable = false;
        }
        if (drop.has(name)) continue;
        headers.push(name, value);
      }
      if (chunked && contentLength !== -1) {
        // Both framings: chunked wins (RFC 9112 6.3), and the length must not reach the client.
        for (let i = headers.length - 2; i >= 0; i -= 2) if (headers[i] === "content-length") headers.splice(i, 2);
      }
      // Body bytes that came with the head are read in place, from `bodyAt`.
      const bodyAt = end + 4;
      const rest = bodyAt < chunk.length;
      const ex = this.ex!;
      const noBody = ex.h1NoBody || status === 204 || status === 304;
      if (noBody) this.state = -1;
      else if (chunked) { this.state = CHUNK_SIZE; contentLength = -1; this.line = ""; }
      else if (contentLength >= 0) { this.state = LENGTH; this.remaining = contentLength; }
      else { this.state = UNTIL_CLOSE; this.reusable = false; }
      this.headDeadline = Infinity;
      let sink: H1Sink | null;
      try {
        sink = this.pool.callbacks.onHeaders(ex, status, headers, contentLength, connection);
      } catch (e) {
        return this.fail(e as Error);
      }
      if (this.ex !== ex) return; // aborted from the callback
      this.sink = sink;
      if (this.state === -1 || (this.state === LENGTH && this.remaining === 0)) {
        if (rest) this.reusable = false;
        return this.complete(null);
      }
      if (rest) this.onBody(chunk, bodyAt);
      return;
    }
  }

  private onBody(b: Buffer, i: number): void {
    switch (this.state) {
      case LENGTH: {
        const left = b.length - i;
        if (left < this.remaining) {
          this.remaining -= left;
          this.emit(i === 0 ? b : b.subarray(i));
          return;
        }
        const to = i + this.remaining;
        if (left > this.remaining) this.reusable = false;
        this.remaining = 0;
        return this.complete(b, i, to);
      }
      case UNTIL_CLOSE:
        this.emit(i === 0 ? b : b.subarray(i));
        return;
      default:
        return this.onChunked(b, i);
    }
  }

  private onChunked(b: Buffer, i: number): void {
    const len = b.length;
    while (i < len) {
      switch (this.state) {
        case CHUNK_SIZE:
        case TRAILERS: {
          const nl = b.indexOf(10, i);
          if (nl === -1) {
            this.line += b.toString("latin1", i, len);
            if (this.line.length > 8192) return this.fail(new H1Error("UND_ERR_SOCKET", "upstream chunk line too long"));
            i = len;
            break;
          }
          let line = this.line + b.toString("latin1", i, nl);
          this.line = "";
          i = nl + 1;
          if (line.endsWith("\r")) line = line.slice(0, -1);
          if (this.state === TRAILERS) {
            if (line !== "") break; // trailers are not relayed
            if (i < len) this.reusable = false;
            const last = this.pending;
            this.pending = null;
            return this.complete(last);
          }
          const semi = line.indexOf(";");
          const hex = (semi === -1 ? line : line.slice(0, semi)).trim();
          const size = /^[0-9a-fA-F]{1,12}$/.test(hex) ? parseInt(hex, 16) : NaN;
          if (Number.isNaN(size)) return this.fail(new H1Error("UND_ERR_SOCKET", "upstream sent an invalid chunk size"));
          if (size === 0) this.state = TRAILERS;
          else { this.state = CHUNK_DATA; this.remaining = size; }
          break;
        }
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, len - i);
          this.queue(b.subarray(i, i + n));
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.state = CHUNK_END;
          break;
        }
        case CHUNK_END: {
          const nl = b.indexOf(10, i);
          if (nl === -1) { i = len; break; }
          i = nl + 1;
          this.state = CHUNK_SIZE;
          break;
        }
      }
    }
    // Keep the last piece back: if the body ends in the next packet it goes out with the end.
    const held = this.pending;
    if (held !== null && this.state !== CHUNK_DATA) { this.pending = null; this.emit(held); }
  }

  /** Chunked bodies: hold one piece so the final one can be written together with the end. */
  private queue(part: Buffer): void {
    if (this.pending !== null) this.emit(this.pending);
    this.pending = own(part);
  }

  private emit(part: Buffer): void {
    const sink = this.sink;
    if (sink === null || part.length === 0) return;
    if (!sink.write(own(part))) {
      this.socket.pause();
      sink.once("drain", this.onDrain);
    }
  }

  /** The response is complete: hand the connection back, then tell the caller. */
  private complete(last: Buffer | null, from = 0, to = last === null ? 0 : last.length): void {
    const ex = this.ex!;
    const sink = this.sink;
    this.ex = null;
    this.sink = null;
    this.state = HEAD;
    this.requests++;
    ex.h1Conn = null;
    ex.h1Pool = null;
    if (sink !== null) {
      // A small last piece goes as a latin1 string (byte for byte the same): the sink can then join
      // it with its pending head into one write instead of a writev of two buffers.
      const size = to - from;
      if (last === null || size === 0) sink.end();
      else if (size <= SMALL_END_BYTES) sink.end(last.toString("latin1", from, to), "latin1");
      else sink.end(own(from === 0 && to === last.length ? last : last.subarray(from, to)));
    }
    if (this.reusable && !this.socket.destroyed) this.pool.release(this);
    else this.socket.destroy();
    this.pool.callbacks.onDone(ex, null);
  }

  private onClose(): void {
    this.pool.closed(this);
    const ex = this.ex;
    if (ex === null) return;
    if (this.state === UNTIL_CLOSE && this.error === null) {
      this.reusable = false;
      return this.complete(null);
    }
    this.ex = null;
    this.sink = null;
    ex.h1Conn = null;
    ex.h1Pool = null;
    const err = !this.connected && this.ready === "secureConnect"
      ? new TlsHandshakeError(this.error)
      : this.error ?? new H1Error(this.connected ? "UND_ERR_SOCKET" : "ECONNREFUSED", "upstream closed the connection before the response ended");
    this.pool.callbacks.onDone(ex, err);
  }
}

/** A clock read per byte batch, advanced by the pool's sweep: body idle times need no precision. */
export const clock = { now: Date.now() };

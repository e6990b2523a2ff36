import { STATUS_CODES, type OutgoingHttpHeaders } from "node:http";
import { decimalString } from "../decimal-string.ts";
import { writeLatin1, writePending } from "../direct-write.ts";
import { INVALID_VALUE_CHAR, isHeaderToken } from "./http-syntax.ts";
import { invalid, OutgoingResponse, type HeaderValue } from "./outgoing-response.ts";

/**
 * The response side of one lean-listener request: the part of node:http's ServerResponse the
 * proxy, its policies and its tracing use (writeHead, setHeader, write with backpressure, end,
 * addTrailers, destroy, 'drain'/'finish'/'close'), writing straight to the client socket.
 *
 * What it saves per request is the Writable stream under ServerResponse and its bookkeeping:
 * the head is built once as a string and goes out with the first piece of body in one socket
 * write. The wire format follows Node's: same Date, Connection and Keep-Alive headers, chunked
 * encoding when no length is known, no body for HEAD, 204 and 304, and the same refusal
 * (a thrown TypeError) of header names that aren't tokens and values with control characters.
 */
export interface ResponseConnection {
  readonly socket: {
    write(data: string | Buffer, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean;
    cork(): void;
    uncork(): void;
    readonly writableLength: number;
  };
  /** The last bytes of the response are written: `onWritten` ends it. */
  readonly onWritten: (err?: Error | null) => void;
  /** The socket refused more for now: emit 'drain' on the response once it takes more. */
  waitDrain(): void;
  /** Tear the connection down (the response can't be completed). */
  destroy(): void;
  /** The listener's keep-alive idle timeout in seconds, for the Keep-Alive header. */
  readonly keepAliveSeconds: number;
  /** The listener is draining: this response closes its connection. */
  readonly closing: boolean;
}

/** Below this a Buffer body joins the head as one latin1 string (one copy, one write). */
const JOIN_BYTES = 2048;

const statusLines: string[] = [];
function statusLine(status: number, message: string | undefined): string {
  if (message !== undefined) return `HTTP/1.1 ${status} ${message}\r\n`;
  return statusLines[status] ??= `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "unknown"}\r\n`;
}

let dateSecond = -1;
let dateLine = "";
/** The Date header, built once a second as Node does. */
function dateHeader(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

export class LeanResponse extends OutgoingResponse {
  private readonly conn: ResponseConnection;
  /** No body goes out whatever is written (HEAD request, 1xx/204/304). */
  private noBody: boolean;
  private readonly isHead: boolean;
  /** Header lines from writeHead/setHeader, validated. */
  private lines = "";
  private length = -1;
  private chunked = false;
  private hasDate = false;
  private hasConnection = false;
  private headWritten = false;
  private trailers = "";

  constructor(conn: ResponseConnection, isHead: boolean, keepAlive: boolean) {
    super(keepAlive);
    this.conn = conn;
    this.isHead = isHead;
    this.noBody = isHead;
  }

  writeHead(status: number, reasonOrHeaders?: string | OutgoingHttpHeaders | readonly string[], maybeHeaders?: OutgoingHttpHeaders | readonly string[]): this {
    if (this.headersSent) throw invalid("ERR_HTTP_HEADERS_SENT", "Cannot write headers after they are sent to the client");
    if (!(status >= 100 && status <= 999)) throw invalid("ERR_HTTP_INVALID_STATUS_CODE", `Invalid status code: ${status}`);
    const headers = typeof reasonOrHeaders === "string" ? maybeHeaders : reasonOrHeaders;
    if (typeof reasonOrHeaders === "string") {
      if (INVALID_VALUE_CHAR.test(reasonOrHeaders)) throw invalid("ERR_INVALID_CHAR", "Invalid character in statusMessage");
      this.statusMessage = reasonOrHeaders;
    }
    this.statusCode = status;
    if (status === 204 || status === 304 || status < 200) this.noBody = true;
    if (this.staged !== null) {
      // setHeader values first, writeHead's win on the same name (as Node merges them).
      if (Array.isArray(headers)) for (let i = 0; i < headers.length; i += 2) this.staged[(headers[i] as string).toLowerCase()] = headers[i + 1];
      else if (headers) for (const name in headers as OutgoingHttpHeaders) this.staged[name.toLowerCase()] = (headers as OutgoingHttpHeaders)[name];
      for (const name in this.staged) this.addLine(name, this.staged[name]);
    } else if (Array.isArray(headers)) {
      for (let i = 0; i < headers.length; i += 2) this.addLine(headers[i] as string, headers[i + 1]);
    } else if (headers) {
      for (const name in headers as OutgoingHttpHeaders) this.addLine(name, (headers as OutgoingHttpHeaders)[name]);
    }
    this.headersSent = true;
    return this;
  }

  /** Same as Node's: the head goes out now, before any body. */
  flushHeaders(): void {
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (!this.headWritten) this.conn.socket.write(this.head(-1), "latin1");
  }

  addTrailers(headers: Record<string, string | readonly string[]>): void {
    for (const name in headers) {
      const value = headers[name]!;
      for (const v of typeof value === "string" ? [value] : value) {
        if (!isHeaderToken(name)) throw invalid("ERR_INVALID_HTTP_TOKEN", `Trailer name must be a valid HTTP token ["${name}"]`);
        if (INVALID_VALUE_CHAR.test(v)) throw invalid("ERR_INVALID_CHAR", `Invalid character in trailer content ["${name}"]`);
        this.trailers += `${name}: ${v}\r\n`;
      }
    }
  }

  protected writeBody(chunk: string | Buffer | Uint8Array, encoding: BufferEncoding | undefined, cb: ((err?: Error | null) => void) | undefined): boolean {
    return this.send(chunk, encoding, false, cb);
  }

  protected endBody(chunk: string | Buffer | Uint8Array | null, encoding: BufferEncoding | undefined): void {
    this.send(chunk, encoding, true, undefined);
  }

  destroy(_err?: Error): this {
    if (!this.destroyed) this.conn.destroy();
    return this;
  }

  private addLine(name: string, value: HeaderValue): void {
    if (value === undefined) return;
    if (!isHeaderToken(name)) throw invalid("ERR_INVALID_HTTP_TOKEN", `Header name must be a valid HTTP token ["${name}"]`);
    if (typeof value === "object") {
      for (let i = 0; i < value.length; i++) this.addLine(name, value[i]);
      return;
    }
    const text = typeof value === "string" ? value : typeof value === "number" ? decimalString(value) : String(value);
    if (INVALID_VALUE_CHAR.test(text)) throw invalid("ERR_INVALID_CHAR", `Invalid character in header content ["${name}"]`);
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === "date") this.hasDate = true;
        break;
      case 10:
        if (name.toLowerCase() === "connection") {
          this.hasConnection = true;
          if (text.toLowerCase().includes("close")) this.shouldKeepAlive = false;
        }
        break;
      case 14:
        if (name.toLowerCase() === "content-length") this.length = Number(text);
        break;
      case 17:
        if (name.toLowerCase() === "transfer-encoding" && /chunked/i.test(text)) this.chunked = true;
        break;
    }
    this.lines += `${name}: ${text}\r\n`;
  }

  /** The head as it goes out; `wholeBody` is the body's length when end() brought all of it at once, else -1. */
  private head(wholeBody: number): string {
    this.headWritten = true;
    if (this.conn.closing) this.shouldKeepAlive = false;
    let s = statusLine(this.statusCode, this.statusMessage) + this.lines;
    if (!this.hasDate && this.sendDate) s += dateHeader();
    if (!this.hasConnection) s += this.shouldKeepAlive ? `Connection: keep-alive\r\nKeep-Alive: timeout=${this.conn.keepAliveSeconds}\r\n` : "Connection: close\r\n";
    if (this.noBody) {
      // A HEAD answer keeps the length it would have had; 1xx/204/304 carry no framing.
      if (this.isHead && this.length === -1 && !this.chunked && wholeBody > 0 && this.statusCode >= 200 && this.statusCode !== 204 && this.statusCode !== 304) s += `Content-Length: ${wholeBody}\r\n`;
      this.chunked = false;
    } else if (this.length === -1 && !this.chunked) {
      if (wholeBody >= 0) s += `Content-Length: ${wholeBody}\r\n`;
      else { s += "Transfer-Encoding: chunked\r\n"; this.chunked = true; }
    }
    return s + "\r\n";
  }

  private send(chunk: string | Buffer | Uint8Array | null, encoding: BufferEncoding | undefined, last: boolean, cb: ((err?: Error | null) => void) | undefined): boolean {
    let data: Buffer | string | null = chunk === null ? null
      : typeof chunk === "string" ? (encoding === "latin1" || encoding === "binary" ? chunk : Buffer.from(chunk, encoding ?? "utf8"))
      : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (data !== null && data.length === 0) data = null;
    const head = this.headWritten ? "" : this.head(last ? (data === null ? 0 : data.length) : -1);
    if (this.noBody) data = null;
    const socket = this.conn.socket;
    const done = last ? this.conn.onWritten : cb;
    let text = head;
    let buffer: Buffer | null = null;
    if (data !== null) {
      if (this.chunked) text += `${data.length.toString(16)}\r\n`;
      if (typeof data === "string") text += data;
      else if (data.length <= JOIN_BYTES) text += data.toString("latin1");
      else buffer = data;
    }
    let tail = "";
    if (this.chunked) {
      if (data !== null) tail = "\r\n";
      if (last) tail += `0\r\n${this.trailers}\r\n`;
    }
    if (buffer === null) {
      text += tail;
      if (text === "") {
        if (done === undefined) return true;
        // Nothing left to write: finished once what is queued is out (Node does the same).
        if (writePending(socket)) return socket.write("", "latin1", done);
        process.nextTick(done);
        return true;
      }
      const ok = writeLatin1(socket, text, done);
      if (!ok) this.conn.waitDrain();
      return ok;
    }
    // A larger body: head, body and framing in one writev.
    socket.cork();
    if (text !== "") socket.write(text, "latin1");
    let ok = tail === "" && done !== undefined ? socket.write(buffer, done) : socket.write(buffer);
    if (tail !== "") ok = done === undefined ? socket.write(tail, "latin1") : socket.write(tail, "latin1", done);
    socket.uncork();
    if (!ok) this.conn.waitDrain();
    return ok;
  }
}

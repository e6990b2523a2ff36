import { EventEmitter } from "node:events";
import type { OutgoingHttpHeaders } from "node:http";

export type HeaderValue = string | number | readonly string[] | undefined;

/** An error as node:http throws it (a TypeError with a `code`). */
export function invalid(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/**
 * What the lean HTTP/1.1 response and the HTTP/2 stream response share: node:http's
 * ServerResponse state that the proxy, its policies and its tracing read, and the setHeader family
 * over headers staged before writeHead (lower-cased names; checked when the head is decided).
 */
export abstract class OutgoingResponse extends EventEmitter {
  statusCode = 200;
  statusMessage: string | undefined = undefined;
  /** The head is decided (writeHead ran); as in Node, before any byte went out. */
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  /** False: the connection closes after this response (Connection: close; HTTP/1.1 only). */
  shouldKeepAlive: boolean;
  sendDate = true;
  /** setHeader's headers, allocated at the first one (most proxied responses have none). */
  protected staged: Record<string, HeaderValue> | null = null;

  constructor(keepAlive: boolean) {
    super();
    this.shouldKeepAlive = keepAlive;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.headersSent) throw invalid("ERR_HTTP_HEADERS_SENT", "Cannot set headers after they are sent to the client");
    (this.staged ??= {})[name.toLowerCase()] = value;
    return this;
  }

  getHeader(name: string): HeaderValue {
    return this.staged?.[name.toLowerCase()];
  }

  hasHeader(name: string): boolean {
    return this.staged?.[name.toLowerCase()] !== undefined;
  }

  removeHeader(name: string): void {
    if (this.staged !== null) delete this.staged[name.toLowerCase()];
  }

  getHeaders(): OutgoingHttpHeaders {
    return { ...(this.staged as OutgoingHttpHeaders | null) };
  }

  abstract writeHead(status: number, reasonOrHeaders?: string | OutgoingHttpHeaders | readonly string[], maybeHeaders?: OutgoingHttpHeaders | readonly string[]): this;

  write(chunk: string | Buffer | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean {
    if (typeof encoding === "function") { cb = encoding; encoding = undefined; }
    if (this.writableEnded || this.destroyed) return false;
    if (!this.headersSent) this.writeHead(this.statusCode);
    return this.writeBody(chunk, encoding, cb);
  }

  end(chunk?: string | Buffer | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), cb?: () => void): this {
    if (typeof chunk === "function") { cb = chunk; chunk = undefined; }
    if (typeof encoding === "function") { cb = encoding; encoding = undefined; }
    if (this.writableEnded || this.destroyed) return this;
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.writableEnded = true;
    if (cb !== undefined) this.once("finish", cb);
    this.endBody(chunk ?? null, encoding);
    return this;
  }

  /** A piece of body, the head decided; false: wait for 'drain'. */
  protected abstract writeBody(chunk: string | Buffer | Uint8Array, encoding: BufferEncoding | undefined, cb: ((err?: Error | null) => void) | undefined): boolean;

  /** The last piece of body (null: none), the head decided; 'finish' once it all went out. */
  protected abstract endBody(chunk: string | Buffer | Uint8Array | null, encoding: BufferEncoding | undefined): void;
}

import type { Socket } from "node:net";
import { Readable } from "node:stream";
import type { RequestHead } from "./request-head.ts";

/**
 * A request with a body: the part of node:http's IncomingMessage the proxy reads (method, url,
 * headers, socket, destroy) plus the body as a Readable its connection feeds with backpressure.
 * Like IncomingMessage, it emits 'error' on an abort only to a listener that asked for errors;
 * what an abort cuts (`abandon`) is the protocol's business.
 */
export abstract class BodyRequest extends Readable {
  /** The whole body arrived. */
  complete = false;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly socket: Socket;

  constructor(method: string, url: string, headers: Record<string, string>, socket: Socket) {
    super();
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.socket = socket;
  }

  /** The body was cut off before it was whole: stop its source. */
  protected abstract abandon(): void;

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.complete) this.abandon();
    cb(err !== null && this.listenerCount("error") > 0 ? err : null);
  }
}

/**
 * A lean-listener request with a Content-Length body (a full buffer pauses the socket), as
 * node:http's IncomingMessage is. Destroying it before the body is whole destroys the connection.
 */
export class LeanBodyRequest extends BodyRequest {
  readonly httpVersion = "1.1";
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  private readonly onRead: () => void;

  constructor(head: RequestHead, socket: Socket, onRead: () => void) {
    super(head.method, head.url, head.headers, socket);
    this.onRead = onRead;
  }

  override _read(): void {
    this.onRead();
  }

  protected abandon(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }
}

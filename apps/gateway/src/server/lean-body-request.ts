import type { Socket } from "node:net";
import { Readable } from "node:stream";
import type { RequestHead } from "./request-head.ts";

/**
 * A lean-listener request with a Content-Length body: what LeanRequest offers, plus the body as a
 * Readable the connection feeds (with backpressure: a full buffer pauses the socket), as
 * node:http's IncomingMessage is. Destroying it destroys the connection; like IncomingMessage,
 * it emits 'error' on an abort only to a listener that asked for errors.
 */
export class LeanBodyRequest extends Readable {
  readonly httpVersion = "1.1";
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  /** The whole body arrived. */
  complete = false;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly socket: Socket;
  private readonly onRead: () => void;

  constructor(head: RequestHead, socket: Socket, onRead: () => void) {
    super();
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.socket = socket;
    this.onRead = onRead;
  }

  override _read(): void {
    this.onRead();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.complete && !this.socket.destroyed) this.socket.destroy();
    cb(err !== null && this.listenerCount("error") > 0 ? err : null);
  }
}

import type { Socket } from "node:net";
import type { RequestHead } from "./request-head.ts";

/**
 * The request side of one lean-listener request: the part of node:http's IncomingMessage the
 * proxy reads (method, url, headers, socket, destroy). Lean requests never have a body
 * (request-head.ts hands those to Node), so there is no stream: `end` comes at once.
 */
export class LeanRequest {
  readonly httpVersion = "1.1";
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly complete = true;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly socket: Socket;
  destroyed = false;

  constructor(head: RequestHead, socket: Socket) {
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.socket = socket;
  }

  destroy(err?: Error): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.socket.destroy(err);
    }
    return this;
  }

  /** No body: 'end' comes on the next tick, 'data' never. */
  on(event: string, listener: () => void): this {
    if (event === "end") process.nextTick(listener);
    return this;
  }

  once(event: string, listener: () => void): this {
    return this.on(event, listener);
  }

  off(): this {
    return this;
  }

  removeListener(): this {
    return this;
  }

  resume(): this {
    return this;
  }
}

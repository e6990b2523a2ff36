import type { Socket } from "node:net";
import type { RequestHead } from "./request-head.ts";

/**
 * A request without a body: the part of node:http's IncomingMessage the proxy reads (method, url,
 * headers, socket, destroy), with no stream under it: `end` comes at once. What destroying it
 * ends is the protocol's business.
 */
export abstract class BodilessRequest {
  readonly complete = true;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly socket: Socket;
  destroyed = false;

  constructor(method: string, url: string, headers: Record<string, string>, socket: Socket) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.socket = socket;
  }

  abstract destroy(err?: Error): this;

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

/** A lean-listener request: lean requests without a body (request-head.ts); destroying one closes its connection. */
export class LeanRequest extends BodilessRequest {
  readonly httpVersion = "1.1";
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;

  constructor(head: RequestHead, socket: Socket) {
    super(head.method, head.url, head.headers, socket);
  }

  destroy(err?: Error): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.socket.destroy(err);
    }
    return this;
  }
}

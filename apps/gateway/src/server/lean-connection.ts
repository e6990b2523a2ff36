import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { LeanBodyRequest } from "./lean-body-request.ts";
import { LeanRequest } from "./lean-request.ts";
import { LeanResponse, type ResponseConnection } from "./lean-response.ts";
import { HANDOFF, INCOMPLETE, readRequestHead } from "./request-head.ts";
import { own, readAsStream, readIntoSharedBuffer } from "../shared-read-buffer.ts";
import { readAsEvent, wallClock } from "../event-clock.ts";

/** What a connection needs from its listener. */
export interface ConnectionOwner {
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly maxHeaderSize: number;
  readonly keepAliveSeconds: number;
  /** Draining: answers say Connection: close. */
  readonly closing: boolean;
  forget(conn: LeanConnection): void;
  /** Gives the socket, and the bytes read but not used, to Node's HTTP server. */
  handOff(socket: Socket, unread: Buffer | null, ended: boolean): void;
}

/** Pipelined bytes held while a response is in flight before reading pauses. */
const PIPELINE_BYTES = 64 * 1024;

/**
 * One client connection on the lean listener: reads request heads (request-head.ts), runs the
 * proxy handler for one request at a time (pipelined ones wait, as HTTP/1.1 answers in order),
 * keeps the connection alive between them, and hands it to Node's HTTP server for good at the
 * first request it doesn't take (a body, an upgrade, anything unusual or invalid).
 */
export class LeanConnection implements ResponseConnection {
  readonly socket: Socket;
  readonly keepAliveSeconds: number;
  private readonly owner: ConnectionOwner;
  /** Bytes read and not yet used: a partial head, or pipelined requests. */
  private unread: Buffer | null = null;
  private req: LeanRequest | LeanBodyRequest | null = null;
  /** The request whose body is still arriving (null once it all came, or while it is thrown away). */
  private body: LeanBodyRequest | null = null;
  /** Body bytes of the current request still to come (fed to `body`, or dropped without one). */
  private bodyRemaining = 0;
  /** Reading paused because the body's reader is full. */
  private bodyPaused = false;
  /** Date.now() when the current request's head was read (its body is bounded by the request timeout). */
  requestSince = 0;
  private res: LeanResponse | null = null;
  /** The client sent FIN: finish what it asked for, then close. */
  private ended = false;
  private paused = false;
  private drainPending = false;
  /** Date.now() when the connection became idle (no request in flight, nothing unread). */
  idleSince = Date.now();
  /** Date.now() when the partial head in `unread` started; 0 without one. */
  headSince = 0;
  /** A response went out: from then on the keep-alive timeout applies between requests. */
  served = false;

  readonly onWritten = (err?: Error | null): void => this.finished(err ?? null);
  private readonly onData = (chunk: Buffer): void => readAsEvent(this, this.read, chunk);
  /** A read in the worker's shared buffer (plain TCP): whatever of it is kept is copied before returning. */
  private readonly onSharedRead = (chunk: Buffer): boolean => {
    readAsEvent(this, this.read, chunk);
    if (this.unread !== null) this.unread = own(this.unread);
    return true;
  };
  private readonly onEnd = (): void => this.clientEnded();
  private readonly onClose = (): void => this.closed();
  private readonly onError = (): void => { /* 'close' follows; the response, if any, ends there */ };
  private readonly onBodyRead = (): void => {
    if (!this.bodyPaused) return;
    this.bodyPaused = false;
    if (!this.paused) this.socket.resume();
  };
  private readonly onDrain = (): void => {
    this.drainPending = false;
    this.res?.emit("drain");
  };

  constructor(socket: Socket, owner: ConnectionOwner) {
    this.socket = socket;
    this.owner = owner;
    this.keepAliveSeconds = owner.keepAliveSeconds;
    if (!readIntoSharedBuffer(socket, this.onSharedRead)) socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onClose);
    socket.on("error", this.onError);
  }

  /** Nothing in flight, nothing half-read, no body still arriving. */
  get idle(): boolean {
    return this.res === null && this.unread === null && this.bodyRemaining === 0;
  }

  get closing(): boolean {
    return this.owner.closing;
  }

  /** A request body is still arriving. */
  get receiving(): boolean {
    return this.bodyRemaining > 0;
  }

  get inFlight(): boolean {
    return this.res !== null;
  }

  waitDrain(): void {
    if (this.drainPending) return;
    this.drainPending = true;
    this.socket.once("drain", this.onDrain);
  }

  destroy(): void {
    if (this.res !== null) this.res.destroyed = true;
    this.socket.destroy();
  }

  /** The head timeout ran out on a partial head: Node's answer (408), then close. */
  headTimedOut(): void {
    this.unread = null;
    this.socket.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    this.socket.destroySoon();
  }

  private read(chunk: Buffer): void {
    if (this.bodyRemaining > 0) {
      const used = this.feedBody(chunk);
      if (used === chunk.length) return;
      chunk = chunk.subarray(used);
      if (this.res === null) {
        // The response ended before the body did (and the body was dropped): next request.
        this.unread = this.unread === null ? chunk : Buffer.concat([this.unread, chunk]);
        this.next();
        return;
      }
    }
    this.unread = this.unread === null ? chunk : Buffer.concat([this.unread, chunk]);
    if (this.res !== null) {
      if (this.unread.length > PIPELINE_BYTES && !this.paused) {
        this.paused = true;
        this.socket.pause();
      }
      return;
    }
    this.next();
  }

  /** Starts the next request in `unread`, if a whole head is there. */
  private next(): void {
    const buf = this.unread!;
    const head = readRequestHead(buf, 0, this.owner.maxHeaderSize);
    if (head === INCOMPLETE) {
      if (this.ended) this.socket.end();
      else if (this.headSince === 0) this.headSince = wallClock();
      return;
    }
    if (head === HANDOFF) return this.handOff();
    this.headSince = 0;
    this.requestSince = wallClock();
    let rest = head.length < buf.length ? buf.subarray(head.length) : null;
    let req: LeanRequest | LeanBodyRequest;
    if (head.bodyLength > 0) {
      const withBody = new LeanBodyRequest(head, this.socket, this.onBodyRead);
      req = withBody;
      this.body = withBody;
      this.bodyRemaining = head.bodyLength;
      if (rest !== null) {
        const used = this.feedBody(rest);
        rest = used < rest.length ? rest.subarray(used) : null;
      }
    } else {
      req = new LeanRequest(head, this.socket);
    }
    this.unread = rest;
    const res = new LeanResponse(this, head.method === "HEAD", !head.close && !this.ended && !this.owner.closing);
    this.req = req;
    this.res = res;
    this.owner.handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  }

  /**
   * Hands the start of `chunk` to the body still arriving (or drops it when the response is
   * over); returns how many bytes were body.
   */
  private feedBody(chunk: Buffer): number {
    const used = Math.min(this.bodyRemaining, chunk.length);
    this.bodyRemaining -= used;
    const body = this.body;
    if (body === null) return used;
    // The body's reader may keep the piece (a socket write that doesn't finish at once does).
    const part = own(used === chunk.length ? chunk : chunk.subarray(0, used));
    if (this.bodyRemaining === 0) {
      this.body = null;
      body.complete = true;
      body.push(part);
      body.push(null);
      if (this.bodyPaused) this.onBodyRead();
    } else if (!body.push(part) && !this.bodyPaused) {
      this.bodyPaused = true;
      this.socket.pause();
    }
    return used;
  }

  /** The response's last bytes were written (or failed to be). */
  private finished(err: Error | null): void {
    const res = this.res;
    if (res === null || err !== null) return; // failed: 'close' ends the response
    this.res = null;
    this.req = null;
    res.writableFinished = true;
    res.emit("finish");
    res.emit("close");
    if (!res.shouldKeepAlive) {
      this.unread = null;
      this.socket.end();
      return;
    }
    this.idleSince = wallClock();
    this.served = true;
    if (this.bodyRemaining > 0) {
      // Answered before the whole body came (a refusal, a cached answer): unless something reads
      // it, the rest is read and dropped, as node:http does, so the connection can carry the
      // next request.
      if (this.body !== null && this.body.readableFlowing === null) this.body.resume();
      if (this.bodyPaused) this.onBodyRead();
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.bodyRemaining > 0) return;
    if (this.unread !== null) this.next();
    else if (this.ended) this.socket.end();
  }

  /**
   * The client sent FIN. As node:http (without httpAllowHalfOpen) does, a request still in
   * flight counts as abandoned: the connection closes and the response's 'close' stops the
   * upstream exchange. Between requests, whole pipelined heads still read are answered first.
   */
  private clientEnded(): void {
    this.ended = true;
    if (this.res !== null) this.destroy();
    else if (this.unread === null) this.socket.end();
    else this.next();
  }

  private closed(): void {
    this.owner.forget(this);
    const body = this.body;
    if (body !== null) {
      // The client went away mid-body: the reader sees the abort (node:http's 'aborted' error).
      this.body = null;
      body.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    }
    const res = this.res;
    if (res === null) return;
    this.res = null;
    res.destroyed = true;
    this.req!.destroyed = true;
    this.req = null;
    res.emit("close");
  }

  private handOff(): void {
    const socket = this.socket;
    socket.removeListener("data", this.onData);
    socket.removeListener("end", this.onEnd);
    socket.removeListener("close", this.onClose);
    socket.removeListener("error", this.onError);
    if (this.drainPending) socket.removeListener("drain", this.onDrain);
    this.owner.forget(this);
    const unread = this.unread === null ? null : own(this.unread);
    this.unread = null;
    readAsStream(socket);
    if (this.paused) socket.resume();
    this.owner.handOff(socket, unread, this.ended);
  }
}

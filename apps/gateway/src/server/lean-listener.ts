import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import { Server as TlsServer } from "node:tls";
import { H2Listener, isH2Preface } from "./h2-listener.ts";
import { LeanConnection, type ConnectionOwner } from "./lean-connection.ts";

export interface LeanListenerOptions {
  maxHeaderSize: number;
  headersTimeout: number;
  keepAliveTimeout: number;
  /** Longest a request may take to arrive, body included (node:http's requestTimeout). */
  requestTimeout: number;
}

/** How often idle and half-read connections are looked at (as Node's own connection check). */
const SWEEP_MS = 1_000;

/**
 * Puts the lean HTTP/1.1 path in front of a node:http or node:https Server: the server keeps
 * listening (and keeps its 'request', 'upgrade' and 'clientError' handlers, and over TLS its
 * handshakes, SNI and certificates), but its connections go to LeanConnection first; those a lean
 * connection hands off get Node's own connection handling from then on. Node's HTTP server costs
 * about twice the CPU per request of a reader that only takes what it can answer fast (see the
 * README's Performance section).
 */
export class LeanListener implements ConnectionOwner {
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly maxHeaderSize: number;
  readonly keepAliveSeconds: number;
  closing = false;
  /** Where a connection that begins with HTTP/2's preface goes (h2c with prior knowledge); null: to node:http, which refuses it. */
  h2c: H2Listener | null = null;
  private readonly server: Server | HttpsServer;
  private readonly nodeConnection: (socket: Socket) => void;
  private readonly connections = new Set<LeanConnection>();
  private readonly options: LeanListenerOptions;
  private readonly sweeper: NodeJS.Timeout;

  constructor(server: Server | HttpsServer, handler: (req: IncomingMessage, res: ServerResponse) => void, options: LeanListenerOptions) {
    this.server = server;
    this.handler = handler;
    this.options = options;
    this.maxHeaderSize = options.maxHeaderSize;
    this.keepAliveSeconds = Math.floor(options.keepAliveTimeout / 1000);
    // node:https serves HTTP on a connection once its TLS handshake is done: the same listener,
    // registered for 'secureConnection' (plain TCP 'connection' events carry the handshake).
    const event = server instanceof TlsServer ? "secureConnection" : "connection";
    const [nodeConnection, ...others] = server.listeners(event) as ((socket: Socket) => void)[];
    if (nodeConnection === undefined || others.length > 0) throw new Error(`expected node:http's one ${event} listener`);
    this.nodeConnection = nodeConnection;
    server.removeListener(event, nodeConnection);
    server.on(event, (socket: Socket) => this.connections.add(new LeanConnection(socket, this)));
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_MS).unref();
  }

  forget(conn: LeanConnection): void {
    this.connections.delete(conn);
  }

  handOff(socket: Socket, unread: Buffer | null, ended: boolean): void {
    if (this.h2c !== null && unread !== null && !ended && isH2Preface(unread)) {
      this.h2c.accept(socket, unread);
      return;
    }
    this.nodeConnection.call(this.server, socket);
    // Node reads new bytes from the socket itself; the ones already read are fed to it here.
    if (unread !== null) socket.emit("data", unread);
    if (ended) socket.emit("end");
  }

  /** Closes connections with nothing in flight (a drain calls it repeatedly). */
  closeIdle(): void {
    this.closing = true;
    for (const conn of this.connections) if (!conn.inFlight) conn.destroy();
  }

  closeAll(): void {
    clearInterval(this.sweeper);
    for (const conn of this.connections) conn.destroy();
  }

  private sweep(now: number): void {
    const { headersTimeout, keepAliveTimeout, requestTimeout } = this.options;
    for (const conn of this.connections) {
      if (conn.receiving && now - conn.requestSince > requestTimeout) {
        conn.destroy();
        continue;
      }
      if (conn.inFlight) continue;
      if (conn.headSince !== 0) {
        if (now - conn.headSince > headersTimeout) conn.headTimedOut();
      } else if (conn.idle && now - conn.idleSince > (conn.served ? keepAliveTimeout : headersTimeout)) {
        // Before its first request a connection gets the head timeout, as in node:http (a
        // browser's preconnected socket may wait a while before it is used).
        conn.destroy();
      }
    }
  }
}

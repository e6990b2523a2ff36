import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import WebSocket from "ws";
import { DP_PROTOCOL_VERSION, type DataPlaneMessage, type HelloMessage, type StatsMessage } from "@switchyard/config";
import type { Logger } from "../log.ts";

const gunzipAsync = promisify(gunzip);

export interface SnapshotOutcome {
  version: number;
  hash: string;
  /** null: applied (ack); otherwise the reason it was refused (nack). */
  error: string | null;
}

export interface ControlPlaneClientOptions {
  /** http(s) URL of the control plane; the data-plane socket is at `<url>/dp`. */
  url: string;
  token: string;
  hello: () => Omit<HelloMessage, "type" | "protocol">;
  onSnapshot: (raw: unknown) => Promise<SnapshotOutcome>;
  onConnectionChange: (connected: boolean) => void;
  log: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const HEARTBEAT_MS = 15_000;

/** ws://host:port/dp from http://host:port (https → wss); a path in the URL is kept as a base. */
export function dataPlaneSocketUrl(url: string): string {
  const u = new URL(url);
  u.protocol = u.protocol === "https:" || u.protocol === "wss:" ? "wss:" : "ws:";
  u.pathname = `${u.pathname.replace(/\/+$/, "")}/dp`;
  u.search = "";
  u.hash = "";
  return u.toString();
}

/**
 * The data plane's link to the control plane: connects, says hello, applies each pushed
 * snapshot through `onSnapshot` (one at a time, in order) and answers ack or nack. Reconnects
 * forever with exponential backoff and full jitter; the gateway keeps serving meanwhile.
 */
export class ControlPlaneClient {
  private readonly options: ControlPlaneClientOptions;
  readonly socketUrl: string;
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The newest pushed frame not applied yet, and whether one is being applied now. */
  private pending: { data: Buffer; isBinary: boolean } | null = null;
  private applying = false;
  private lastError = "";
  connected = false;

  constructor(options: ControlPlaneClientOptions) {
    this.options = options;
    this.socketUrl = dataPlaneSocketUrl(options.url);
  }

  /** Why we are not connected, for /ready and logs. */
  get status(): string {
    return this.connected ? "connected" : this.lastError ? `control plane unreachable at ${this.socketUrl}: ${this.lastError}` : `connecting to ${this.socketUrl}`;
  }

  start(): void {
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const { log } = this.options;
    const socket = new WebSocket(this.socketUrl, {
      headers: { authorization: `Bearer ${this.options.token}` },
      handshakeTimeout: 5_000,
      maxPayload: 64 * 1024 * 1024,
    });
    this.socket = socket;
    let alive = true;

    socket.on("open", () => {
      this.attempt = 0;
      this.lastError = "";
      this.connected = true;
      this.options.onConnectionChange(true);
      log("info", `connected to control plane at ${this.socketUrl}`);
      this.send(socket, { type: "hello", protocol: DP_PROTOCOL_VERSION, accept: ["gzip"], ...this.options.hello() });
      this.heartbeat = setInterval(() => {
        if (!alive) { log("warn", "control plane stopped answering pings; reconnecting"); socket.terminate(); return; }
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      this.heartbeat.unref();
    });
    socket.on("pong", () => { alive = true; });
    socket.on("message", (data, isBinary) => {
      alive = true;
      // Only the newest pushed payload matters: one that arrives while another is being applied
      // replaces any still waiting (Kong keeps `next_data` the same way).
      this.pending = { data: data as Buffer, isBinary };
      if (!this.applying) void this.applyPending(socket);
    });
    socket.on("error", (err) => {
      this.lastError = err.message || (err as NodeJS.ErrnoException).code || "connection error";
    });
    socket.on("close", (code, reason) => {
      if (this.heartbeat) { clearInterval(this.heartbeat); this.heartbeat = null; }
      if (this.socket === socket) this.socket = null;
      const wasConnected = this.connected;
      this.connected = false;
      if (wasConnected) {
        this.options.onConnectionChange(false);
        if (!this.lastError) this.lastError = `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ""})`;
        // Closing it ourselves (stop) is no loss worth a warning.
        if (!this.stopped) log("warn", `lost the control plane at ${this.socketUrl} (${this.lastError}); serving the last applied config`);
      }
      this.scheduleReconnect();
    });
  }

  private async applyPending(socket: WebSocket): Promise<void> {
    const { log } = this.options;
    this.applying = true;
    try {
      while (this.pending) {
        const { data, isBinary } = this.pending;
        this.pending = null;
        let message: { type?: unknown; snapshot?: unknown };
        try {
          // Binary frames are gzip-compressed JSON (we ask for them in hello's `accept`).
          const text = isBinary ? (await gunzipAsync(data)).toString("utf8") : data.toString("utf8");
          message = JSON.parse(text) as typeof message;
        } catch {
          log("warn", "ignored a control-plane message that is not (gzip-compressed) JSON");
          continue;
        }
        if (message.type !== "snapshot") {
          log("debug", `ignored control-plane message of type ${String(message.type)}`);
          continue;
        }
        const outcome = await this.options.onSnapshot(message.snapshot).catch((e: Error): SnapshotOutcome => {
          const s = message.snapshot as { version?: unknown; hash?: unknown } | undefined;
          return { version: typeof s?.version === "number" ? s.version : 0, hash: typeof s?.hash === "string" ? s.hash : "", error: e.message };
        });
        this.send(socket, outcome.error === null
          ? { type: "ack", version: outcome.version, hash: outcome.hash }
          : { type: "nack", version: outcome.version, hash: outcome.hash, error: outcome.error.slice(0, 10_000) });
      }
    } finally {
      this.applying = false;
    }
  }

  private send(socket: WebSocket, message: DataPlaneMessage): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const min = this.options.minBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 10_000;
    const cap = Math.min(max, min * 2 ** Math.min(this.attempt, 20));
    // Full jitter (a random delay up to the cap) keeps a fleet from reconnecting in lockstep.
    const delay = Math.max(Math.round(Math.random() * cap), Math.min(50, min));
    this.attempt++;
    this.options.log("warn", `control plane unreachable at ${this.socketUrl} (${this.lastError || "no answer"}), retrying in ${delay} ms`);
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect(); }, delay);
  }

  /** Sends one stats message if connected; false when it could not be sent (the caller keeps the data). */
  sendStats(message: StatsMessage): boolean {
    const socket = this.socket;
    if (!this.connected || socket === null || socket.readyState !== WebSocket.OPEN) return false;
    this.send(socket, message);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    const socket = this.socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.close(1001, "gateway stopping");
        setTimeout(() => { socket.terminate(); resolve(); }, 1_000).unref();
      });
    }
  }
}

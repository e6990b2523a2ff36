import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { GatewayConfigSchema, type DataPlaneMessage, type GatewayConfigInput, type Snapshot } from "@switchyard/config";
import { hashConfig } from "@switchyard/config/hash";

/** A valid snapshot of a config, hashed as the control plane hashes it. */
export function makeSnapshot(version: number, input: GatewayConfigInput): Snapshot {
  const config = GatewayConfigSchema.parse(input);
  return { version, hash: hashConfig(config), createdAt: new Date().toISOString(), config };
}

/**
 * The data-plane side of a control plane, speaking the real protocol over a real WebSocket:
 * checks the bearer token, records what data planes send, pushes snapshots.
 */
export class FakeControlPlane {
  readonly messages: DataPlaneMessage[] = [];
  readonly token: string;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  private readonly waiters = new Set<() => void>();
  rejectedAuth = 0;

  private constructor(port: number, token: string) {
    this.token = token;
    this.wss = new WebSocketServer({
      host: "127.0.0.1",
      port,
      path: "/dp",
      verifyClient: (info, done) => {
        const ok = info.req.headers.authorization === `Bearer ${token}`;
        if (!ok) this.rejectedAuth++;
        done(ok, 401, "Unauthorized");
      },
    });
    this.wss.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("message", (data) => {
        this.messages.push(JSON.parse(data.toString()) as DataPlaneMessage);
        for (const w of [...this.waiters]) w();
      });
    });
  }

  static async start(options: { port?: number; token?: string } = {}): Promise<FakeControlPlane> {
    const plane = new FakeControlPlane(options.port ?? 0, options.token ?? "test-dp-token");
    await new Promise<void>((resolve, reject) => {
      plane.wss.once("listening", resolve);
      plane.wss.once("error", reject);
    });
    return plane;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /**
   * Sends a snapshot to every connected data plane: one gzip binary frame when the plane's
   * hello accepted gzip (as the real control plane does), else a JSON text frame.
   */
  push(snapshot: unknown, options: { compress?: boolean } = {}): void {
    const text = JSON.stringify({ type: "snapshot", snapshot });
    const accepted = this.messages.some((m) => m.type === "hello" && (m.accept ?? []).includes("gzip"));
    const frame = (options.compress ?? accepted) ? gzipSync(text) : text;
    for (const s of this.sockets) s.send(frame);
  }

  /** Resolves with the first recorded message (from `from` on) matching `predicate`. */
  waitFor<T extends DataPlaneMessage>(predicate: (m: DataPlaneMessage) => m is T, from?: number, timeoutMs?: number): Promise<T>;
  waitFor(predicate: (m: DataPlaneMessage) => boolean, from?: number, timeoutMs?: number): Promise<DataPlaneMessage>;
  waitFor(predicate: (m: DataPlaneMessage) => boolean, from = 0, timeoutMs = 10_000): Promise<DataPlaneMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find(predicate);
        if (found) { cleanup(); resolve(found); }
      };
      const timer = setTimeout(() => { cleanup(); reject(new Error("timed out waiting for a data-plane message")); }, timeoutMs);
      const cleanup = () => { clearTimeout(timer); this.waiters.delete(check); };
      this.waiters.add(check);
      check();
    });
  }

  /** Pushes a snapshot and waits for its ack or nack. */
  async apply(snapshot: Snapshot | (Record<string, unknown> & { version: number }), options: { compress?: boolean } = {}): Promise<DataPlaneMessage> {
    const from = this.messages.length;
    this.push(snapshot, options);
    return this.waitFor((m) => (m.type === "ack" || m.type === "nack") && m.version === snapshot.version, from);
  }

  /** Waits until a data plane is connected and said hello. */
  async waitForHello(from = 0): Promise<DataPlaneMessage> {
    return this.waitFor((m) => m.type === "hello", from);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
